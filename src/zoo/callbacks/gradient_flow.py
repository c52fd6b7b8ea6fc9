"""Gradient flow through time: see vanishing and exploding gradients while a model trains.

Every `every_n_steps` training steps the `GradientFlow` callback records, for each time step t,
||dL/dx_t||: the norm (over the batch and the features) of the gradient of the loss with
respect to the recurrent stack's input at step t. It is what is left of the gradient once it has
flowed back through the recurrence from every later step, so a curve that falls steeply from
t = T to t = 1 is a vanishing gradient, one that rises is an exploding one. (Torch's fused RNN
kernels keep the hidden states h_t inside; x_t is the nearest tensor that can be watched without
changing the computation, and dL/dx_t = W_ih^T dL/da_t is the input map of the gradient that
reached step t's pre-activation a_t, the same vector that carries on to h_{t-1}.)

Each measurement is written to `dirpath/step{global_step}.json` and logged to every logger as
`grad_flow/first`, `grad_flow/last` and `grad_flow/ratio_first_last`, with the gradient norms
before clipping (`grad_norm/total` and one `grad_norm/<parameter>` per parameter tensor, from
Lightning's `grad_norm`). wandb also gets the curve as a line plot, TensorBoard as a figure
(with matplotlib installed: `pip install 'zoo[plots]'`). Watching only reads
gradients: training is the same with or without this callback.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import torch
from pytorch_lightning import Callback
from pytorch_lightning.loggers import TensorBoardLogger, WandbLogger
from pytorch_lightning.utilities import grad_norm
from torch import nn

from zoo.errors import ZooError


def recurrent_stack(model: nn.Module) -> nn.Module:
    """The stack whose input is watched: the encoder, or for a decoder-only model its stack."""
    stack = getattr(model, "encoder", None)
    if stack is None:
        stack = getattr(getattr(model, "decoder", None), "rnn", None)
    if stack is None:
        raise ZooError(
            f"callbacks.gradient_flow found no recurrent stack in {type(model).__name__} "
            "(it looks for model.encoder or model.decoder.rnn); remove callbacks=gradient_flow."
        )
    return stack


class InputGradients:
    """Records ||dL/dx_t|| at a stack's input for every forward pass until `remove()`.

    Forward passes are kept in order (a decoder run step by step, or truncated-BPTT windows,
    read as one curve), whatever order their gradients arrive in during backward.
    """

    def __init__(self, stack: nn.Module):
        self.parts: list[torch.Tensor | None] = []
        self.handle = stack.register_forward_pre_hook(self._watch, with_kwargs=True)

    def _watch(self, module, args, kwargs):
        if not torch.is_grad_enabled() or not args:
            return None
        x = args[0]
        if not x.requires_grad:  # data fed in directly: a fresh leaf nothing else depends on
            x = x.detach().requires_grad_()
        slot = len(self.parts)
        self.parts.append(None)

        def store(grad: torch.Tensor) -> None:
            self.parts[slot] = torch.linalg.vector_norm(grad.detach().float(), dim=(0, 2))

        x.register_hook(store)
        return (x, *args[1:]), kwargs

    def norms(self) -> torch.Tensor:
        """(T,) norms of the gradient at each input step, over every recorded forward pass."""
        found = [p for p in self.parts if p is not None]
        return torch.cat(found).cpu() if found else torch.empty(0)

    def remove(self) -> None:
        self.handle.remove()


class GradientFlow(Callback):
    def __init__(self, every_n_steps: int = 50, dirpath: str | None = None, norm_type: float = 2.0):
        if every_n_steps < 1:
            raise ZooError(
                f"callbacks.gradient_flow.every_n_steps={every_n_steps} must be a positive "
                "number of training steps."
            )
        self.every_n_steps, self.dirpath, self.norm_type = every_n_steps, dirpath, norm_type
        self._watcher: InputGradients | None = None
        self._step = 0
        self._due = 0  # the next step to measure at or after (a batch may take several steps)

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx):
        if trainer.global_step >= self._due:
            self._step = trainer.global_step
            self._due = (self._step // self.every_n_steps + 1) * self.every_n_steps
            self._watcher = InputGradients(recurrent_stack(pl_module.model))

    def on_before_optimizer_step(self, trainer, pl_module, optimizer):
        if self._watcher is None:
            return
        norms = grad_norm(pl_module.model, self.norm_type, group_separator="/")
        prefix = f"grad_{float(self.norm_type)}_norm"  # Lightning's names: <prefix>/<param>
        metrics = {
            "grad_norm/total"
            if k == f"{prefix}_total"
            else "grad_norm/" + k.removeprefix(f"{prefix}/"): float(v)
            for k, v in norms.items()
        }
        _log(trainer, metrics)

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        if self._watcher is None:
            return
        self._watcher.remove()
        norms = self._watcher.norms().tolist()
        self._watcher = None
        if not norms:
            return
        first, last = norms[0], norms[-1]
        ratio = first / last if last > 0 else None
        record = {
            "global_step": self._step,
            "epoch": trainer.current_epoch,
            "quantity": "||dL/dx_t||",
            "norms": norms,
            "ratio_first_last": ratio,
        }
        if trainer.is_global_zero:
            folder = Path(self.dirpath or Path(trainer.default_root_dir) / "gradient_flow")
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"step{self._step}.json").write_text(json.dumps(record) + "\n")
        metrics = {"grad_flow/first": first, "grad_flow/last": last}
        if ratio is not None:
            metrics["grad_flow/ratio_first_last"] = ratio
        _log(trainer, metrics, self._step)
        _draw_curve(trainer, norms, self._step)

    def on_exception(self, trainer, pl_module, exception):
        if self._watcher is not None:
            self._watcher.remove()
            self._watcher = None


def _log(trainer, metrics: dict, step: int | None = None) -> None:
    """Straight to the loggers: `self.log` would keep only steps that fall on its cadence."""
    for logger in trainer.loggers:
        logger.log_metrics(metrics, step=trainer.global_step if step is None else step)


def _draw_curve(trainer, norms: list[float], step: int) -> None:
    """The curve as a wandb line plot, or a TensorBoard figure when matplotlib is installed."""
    if not trainer.is_global_zero:
        return
    for logger in trainer.loggers:
        if isinstance(logger, WandbLogger):
            import wandb

            chart = wandb.plot.line_series(
                xs=list(range(1, len(norms) + 1)),
                ys=[norms],
                keys=["||dL/dx_t||"],
                title=f"gradient flow at step {step}",
                xname="time step t",
            )
            logger.experiment.log({"grad_flow/curve": chart, "trainer/global_step": step})
        elif isinstance(logger, TensorBoardLogger) and importlib.util.find_spec("matplotlib"):
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt

            figure, ax = plt.subplots(figsize=(6, 3.5))
            ax.semilogy(range(1, len(norms) + 1), norms)
            ax.set(xlabel="time step t", ylabel="||dL/dx_t||", title=f"gradient flow, step {step}")
            logger.experiment.add_figure("grad_flow/curve", figure, global_step=step)
