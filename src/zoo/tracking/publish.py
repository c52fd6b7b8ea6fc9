"""Sending text tables and images to whichever loggers a run has: a wandb table or image,
TensorBoard text or image, MLflow artifacts (a markdown file a step, an image), and for the CSV
logger files in the run folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytorch_lightning as pl
from pytorch_lightning.loggers import CSVLogger, MLFlowLogger, TensorBoardLogger, WandbLogger


def _markdown(columns: list[str], rows: list[list[str]]) -> str:
    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", "\\n")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def publish_table(
    trainer: pl.Trainer, key: str, columns: list[str], rows: list[list[str]], filename: str
) -> None:
    """A small table of text (e.g. generated samples); CSV runs append to RUN/`filename`."""
    step = trainer.global_step
    for logger in trainer.loggers:
        if isinstance(logger, WandbLogger):
            logger.log_text(key=key, columns=columns, data=rows, step=step)
        elif isinstance(logger, TensorBoardLogger):
            logger.experiment.add_text(key, _markdown(columns, rows), step)
        elif isinstance(logger, MLFlowLogger):
            text = f"# {key}, epoch {trainer.current_epoch}, step {step}\n\n"
            logger.experiment.log_text(
                logger.run_id, text + _markdown(columns, rows) + "\n", f"{key}/step{step}.md"
            )
        elif isinstance(logger, CSVLogger):
            path = Path(trainer.default_root_dir) / filename
            with path.open("a", encoding="utf-8") as file:
                file.write(f"# {key}, epoch {trainer.current_epoch}, step {step}\n")
                for row in rows:
                    file.write("\t".join(str(v).replace("\n", "\\n") for v in row) + "\n")


def publish_figure(trainer: pl.Trainer, key: str, figure, filename: str) -> None:
    """A matplotlib figure as an image; CSV runs save it as RUN/`filename` (a .png), MLflow
    runs as the artifact `filename`."""
    figure.canvas.draw()
    image = np.asarray(figure.canvas.buffer_rgba())[..., :3].copy()
    step = trainer.global_step
    for logger in trainer.loggers:
        if isinstance(logger, WandbLogger):
            logger.log_image(key=key, images=[image], step=step)
        elif isinstance(logger, TensorBoardLogger):
            logger.experiment.add_image(key, image, step, dataformats="HWC")
        elif isinstance(logger, MLFlowLogger):
            logger.experiment.log_figure(logger.run_id, figure, filename)
        elif isinstance(logger, CSVLogger):
            path = Path(trainer.default_root_dir) / filename
            path.parent.mkdir(parents=True, exist_ok=True)
            figure.savefig(path)
