"""The run's whole composed config, where later readers need it: sent to every logger with
the parameter count when the run starts, and stored in every checkpoint
(`checkpoint["zoo_config"]`, plain data) so eval, sample and predict need nothing else."""

from __future__ import annotations

import pytorch_lightning as pl

from zoo.run.checkpoints import CONFIG_KEY


class RunConfig(pl.Callback):
    def __init__(self, config: dict):
        self.config = config
        self._logged = False

    def setup(self, trainer: pl.Trainer, pl_module: pl.LightningModule, stage: str) -> None:
        if self._logged or not trainer.loggers:
            return
        record = {**self.config, "params": pl_module.count_parameters()}
        for logger in trainer.loggers:
            logger.log_hyperparams(record)
        self._logged = True

    def on_save_checkpoint(self, trainer, pl_module, checkpoint: dict) -> None:
        checkpoint[CONFIG_KEY] = self.config
