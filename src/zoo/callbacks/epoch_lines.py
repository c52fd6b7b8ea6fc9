"""One plain line per epoch, as Keras's `verbose=2`, for output that is not a terminal (a
redirected log, a SLURM or submitit job), where a live progress bar only garbles the file:

    epoch 3/25 - step 96 - 4.2s - train/loss 0.8123 - val/loss 0.7564 - val/mse 0.7564
"""

from __future__ import annotations

import sys
import time

import pytorch_lightning as pl
from pytorch_lightning.callbacks import ProgressBar


class EpochLines(ProgressBar):
    def __init__(self):
        super().__init__()
        self._enabled = True
        self._start = time.monotonic()

    def disable(self) -> None:
        self._enabled = False

    def enable(self) -> None:
        self._enabled = True

    def on_train_start(self, trainer, pl_module) -> None:
        self._start = time.monotonic()

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module) -> None:
        if not self._enabled:
            return
        metrics = {k.removesuffix("_epoch"): v for k, v in trainer.progress_bar_metrics.items()
                   if not k.endswith("_step")}
        total = f"/{trainer.max_epochs}" if (trainer.max_epochs or 0) > 0 else ""
        parts = [f"epoch {trainer.current_epoch + 1}{total}",
                 f"step {trainer.global_step}", f"{time.monotonic() - self._start:.1f}s"]
        parts += [f"{name} {value:.4g}" for name, value in sorted(metrics.items())]
        print(" - ".join(parts), flush=True)


def for_output(callbacks: list, stream=None) -> list:
    """The progress bar that suits `stream` (stdout): the configured one on a terminal, else
    one plain line per epoch instead of it."""
    if (stream or sys.stdout).isatty():
        return callbacks
    return [c for c in callbacks if not isinstance(c, ProgressBar)] + [EpochLines()]
