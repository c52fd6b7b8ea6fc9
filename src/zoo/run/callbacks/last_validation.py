"""The metrics of the last validation in training and the step it ran at.

Where the best checkpoint was written at that step, it holds the very weights that validation
scored, so its metrics are the best checkpoint's validation metrics and `train` need not pass
over the validation data again (a checkpoint written at a step is written after its
validation: Lightning runs checkpoint callbacks last)."""

from __future__ import annotations

import pytorch_lightning as pl

from zoo.run.checkpoints import saved_step


class LastValidation(pl.Callback):
    def __init__(self):
        self.step: int | None = None
        self.metrics: dict[str, float] = {}

    def on_validation_end(self, trainer, pl_module) -> None:
        if trainer.state.fn != "fit" or trainer.sanity_checking:
            return
        self.step = trainer.global_step
        self.metrics = {k: float(v) for k, v in trainer.callback_metrics.items()
                        if k.startswith("val/")}

    def scored(self, trainer: pl.Trainer, checkpoint: str) -> bool:
        """Whether this validation scored the weights of the `checkpoint` file, the model's
        last ones (the file is read only when training ended on this validation)."""
        return self.step == trainer.global_step and saved_step(checkpoint) == self.step
