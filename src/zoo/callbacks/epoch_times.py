"""Seconds of each training epoch (its training steps and the validation that ends it), for
metrics.json's `epoch_s`: what a paper's "time per epoch" reads."""

from __future__ import annotations

import time

import pytorch_lightning as pl


class EpochTimes(pl.Callback):
    def __init__(self):
        self.seconds: list[float] = []
        self._start = 0.0

    def on_train_epoch_start(self, trainer, pl_module) -> None:
        self._start = time.monotonic()

    def on_train_epoch_end(self, trainer, pl_module) -> None:
        self.seconds.append(round(time.monotonic() - self._start, 3))
