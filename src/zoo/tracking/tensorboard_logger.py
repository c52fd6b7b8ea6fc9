"""The TensorBoard logger, which needs the optional `tensorboard` package, and the HParams
tab's record: each run's hyperparameters against its final metrics."""

from __future__ import annotations

import importlib.util

from pytorch_lightning.loggers import TensorBoardLogger

from zoo.errors import ZooError
from zoo.tracking.run_info import hyperparameters, run_choices


def tensorboard_logger(
    save_dir: str, name: str = "tensorboard", version: str = "", **kwargs
) -> TensorBoardLogger:
    if not any(importlib.util.find_spec(m) for m in ("tensorboard", "tensorboardX")):
        raise ZooError(
            "logger=tensorboard needs the tensorboard package; install it with "
            "pip install 'zoo[tensorboard]' or choose another logger."
        )
    return TensorBoardLogger(
        save_dir=save_dir, name=name, version=version, default_hp_metric=False, **kwargs
    )


def log_final_hparams(loggers, config: dict, metrics: dict) -> None:
    """The run's choices (`cell`, `data`, ...), its top-level values and model, data and
    training groups (`config`, plain), with the names of its final `metrics`, for every
    TensorBoard logger among `loggers`."""
    boards = [lg for lg in loggers if isinstance(lg, TensorBoardLogger)]
    if not boards:
        return
    from torch.utils.tensorboard.summary import hparams

    values = {**run_choices(), **hyperparameters(config)}
    summaries = hparams(values, {k: float(v) for k, v in metrics.items()})
    for board in boards:
        writer = board.experiment._get_file_writer()
        for summary in summaries:
            writer.add_summary(summary)
        board.experiment.flush()
