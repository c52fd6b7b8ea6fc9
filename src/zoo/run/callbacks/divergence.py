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


def _loss(outputs) -> torch.Tensor | None:
    loss = outputs.get("loss") if isinstance(outputs, dict) else outputs
    return loss.detach() if torch.is_tensor(loss) else None


class DivergenceGuard(pl.Callback):
    """The loss is checked at every step; the weights (a pass over every parameter) only
    before a checkpoint can be written: before validation, and at the end of the epoch.

    Reading the loss is free on the CPU but a host sync on an accelerator, so there (`lazy`)
    the first step with a non-finite loss is kept on the device and read every
    `log_every_n_steps` steps and before a checkpoint can be written: the run stops a few
    steps later, with the same sentence naming the same step."""

    def __init__(self, lazy: bool | None = None):
        self.lazy = lazy  # None: on accelerators only
        self._first_bad = None  # (step, loss) on the device; step -1 while every loss is finite

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        loss = _loss(outputs)
        if loss is None:
            return
        if not (self.lazy if self.lazy is not None else loss.device.type != "cpu"):
            if not math.isfinite(value := float(loss)):
                self._stop(trainer, pl_module, trainer.global_step, f"the training loss is {value}")
            return
        step, first_loss = self._first_bad or (
            torch.tensor(-1, device=loss.device), loss.float())
        first = (step < 0) & ~torch.isfinite(loss)
        self._first_bad = (torch.where(first, trainer.global_step, step),
                           torch.where(first, loss.float(), first_loss))
        if trainer.log_every_n_steps and trainer.global_step % trainer.log_every_n_steps == 0:
            self._check_loss(trainer, pl_module)

    def _check_loss(self, trainer, pl_module) -> None:
        if self._first_bad is not None and (step := int(self._first_bad[0])) >= 0:
            self._stop(trainer, pl_module, step,
                       f"the training loss is {float(self._first_bad[1])}")

    def _check_weights(self, trainer, pl_module) -> None:
        self._check_loss(trainer, pl_module)
        if trainer.state.fn == "fit" and not _finite_weights(pl_module):  # not zoo-eval
            self._stop(trainer, pl_module, trainer.global_step,
                       "the weights hold NaN or Inf after the optimizer step")

    def on_validation_start(self, trainer, pl_module) -> None:
        self._check_weights(trainer, pl_module)

    def on_train_epoch_end(self, trainer, pl_module) -> None:
        self._check_weights(trainer, pl_module)

    @staticmethod
    def _stop(trainer: pl.Trainer, pl_module, step: int, what: str) -> None:
        lr = trainer.optimizers[0].param_groups[0]["lr"] if trainer.optimizers else None
        tbptt = getattr(pl_module, "tbptt", None)  # truncated BPTT: the task clips
        clip = tbptt.get("gradient_clip_val") if tbptt else trainer.gradient_clip_val
        clipping = (f"gradient clipping is off (trainer.gradient_clip_val={clip})" if not clip
                    else f"trainer.gradient_clip_val={clip} did not prevent it")
        raise ZooError(
            f"training diverged at epoch {trainer.current_epoch}, step {step}: "
            f"{what}; the learning rate (optimizer.lr={lr}) is likely too high and {clipping}, "
            "so lower optimizer.lr or clip gradients (e.g. trainer.gradient_clip_val=1)."
        )
