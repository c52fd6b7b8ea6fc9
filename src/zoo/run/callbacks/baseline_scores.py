"""Logs the task's trivial baseline (zoo.task.baselines) beside the model's metrics after every
validation and test epoch, so it lands in the loggers and in metrics.json."""

from __future__ import annotations

import logging

import pytorch_lightning as pl

from zoo.task.baselines import Baseline

log = logging.getLogger(__name__)


class Baselines(pl.Callback):
    def __init__(self):
        self.baseline: Baseline | None = None
        self.scores: dict[str, dict[str, float]] = {}

    def setup(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        splits = getattr(trainer.datamodule, "splits", None)
        if self.baseline is not None or not splits or "train" not in splits:
            return
        self.baseline = Baseline(pl_module.spec, splits["train"])
        self.scores = {s: self.baseline.score(splits[s], s) for s in ("val", "test")
                       if s in splits}
        log.info("baseline: %s", self.baseline.name)

    def _log(self, pl_module: pl.LightningModule, split: str) -> None:
        if split in self.scores:
            pl_module.log_dict(self.scores[split], on_step=False, on_epoch=True)

    def on_validation_epoch_end(self, trainer, pl_module) -> None:
        self._log(pl_module, "val")

    def on_test_epoch_end(self, trainer, pl_module) -> None:
        self._log(pl_module, "test")
