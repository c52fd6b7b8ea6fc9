"""Stop a diverged run at the step it diverged: a NaN or Inf training loss, or non-finite
weights after an optimizer step, raise a `ZooError` naming the epoch, the step and the
likely cause. Both checks run before any checkpoint of that step is written (Lightning runs
checkpoint callbacks last), so no checkpoint ever holds NaN weights."""

from __future__ import annotations

import math

import pytorch_lightning as pl
import torch

from zoo.errors import ZooError


def _finite_weights(module: torch.nn.Module) -> bool:
    checks = [torch.isfinite(p.detach()).all() for p in module.parameters()]
    return bool(torch.stack(checks).all()) if checks else True


def _loss(outputs) -> float | None:
    loss = outputs.get("loss") if isinstance(outputs, dict) else outputs
    return float(loss.detach()) if torch.is_tensor(loss) else None


class DivergenceGuard(pl.Callback):
    """The loss is checked at every step; the weights (a pass over every parameter) only
    before a checkpoint can be written: before validation, and at the end of the epoch."""

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        loss = _loss(outputs)
        if loss is not None and not math.isfinite(loss):
            self._stop(trainer, pl_module, f"the training loss is {loss}")

    def _check_weights(self, trainer, pl_module) -> None:
        if trainer.state.fn == "fit" and not _finite_weights(pl_module):  # not zoo-eval
            self._stop(trainer, pl_module, "the weights hold NaN or Inf after the optimizer step")

    def on_validation_start(self, trainer, pl_module) -> None:
        self._check_weights(trainer, pl_module)

    def on_train_epoch_end(self, trainer, pl_module) -> None:
        self._check_weights(trainer, pl_module)

    @staticmethod
    def _stop(trainer: pl.Trainer, pl_module, what: str) -> None:
        lr = trainer.optimizers[0].param_groups[0]["lr"] if trainer.optimizers else None
        tbptt = getattr(pl_module, "tbptt", None)  # truncated BPTT: the task clips
        clip = tbptt.get("gradient_clip_val") if tbptt else trainer.gradient_clip_val
        clipping = (f"gradient clipping is off (trainer.gradient_clip_val={clip})" if not clip
                    else f"trainer.gradient_clip_val={clip} did not prevent it")
        raise ZooError(
            f"training diverged at epoch {trainer.current_epoch}, step {trainer.global_step}: "
            f"{what}; the learning rate (optimizer.lr={lr}) is likely too high and {clipping}, "
            "so lower optimizer.lr or clip gradients (e.g. trainer.gradient_clip_val=1)."
        )
