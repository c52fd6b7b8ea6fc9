"""Generated samples at the end of every validation epoch, for models that generate
(language models, one_to_many, seq2seq): for the first `n` validation examples, the input
(a prompt, a condition, a source), what the model generates, and the reference. Logged as a
wandb table, TensorBoard text, or appended to RUN/samples.txt with the CSV logger."""

from __future__ import annotations

import pytorch_lightning as pl
import torch

from zoo.inference.sampling import can_sample, validation_samples
from zoo.tracking.publish import publish_table

COLUMNS = ["epoch", "input", "generated", "reference"]


class GeneratedSamples(pl.Callback):
    def __init__(
        self,
        n: int = 4,
        max_len: int = 100,
        prompt_len: int = 20,
        temperature: float = 1.0,
        seed: int = 0,
    ):
        self.n, self.max_len, self.prompt_len = n, max_len, prompt_len
        self.temperature, self.seed = temperature, seed
        self._batch: dict | None = None

    def _active(self, trainer: pl.Trainer, pl_module) -> bool:
        return (
            bool(trainer.loggers)
            and trainer.is_global_zero
            and not trainer.sanity_checking
            and can_sample(pl_module)
        )

    def on_validation_epoch_start(self, trainer, pl_module) -> None:
        self._batch = None

    def on_validation_batch_end(
        self, trainer, pl_module, outputs, batch, batch_idx, dataloader_idx=0
    ) -> None:
        if self._batch is None and self._active(trainer, pl_module):
            self._batch = {k: v[: self.n] for k, v in batch.items()}

    def on_validation_epoch_end(self, trainer, pl_module) -> None:
        if self._batch is None:
            return
        generator = torch.Generator(device=self._batch["x"].device).manual_seed(self.seed)
        found = validation_samples(
            pl_module, self._batch, self.max_len, self.prompt_len, self.temperature, generator
        )
        rows = [[trainer.current_epoch, *row] for row in found]
        publish_table(trainer, "val/samples", COLUMNS, rows, "samples.txt")
        self._batch = None
