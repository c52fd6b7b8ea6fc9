"""The arithmetic a run trains in: `trainer.precision` (Lightning's: `32-true`, the default
and `trainer=gpu`'s; `bf16-mixed`, `trainer=gpu_bf16`: matmuls and cuDNN's RNN kernels in
bfloat16 under autocast, weights and optimizer in float32) and `matmul_precision`, what torch
may do inside a float32 matrix product on CUDA (`highest`: float32, the default; `high`:
TF32, or bfloat16x3; `medium`: bfloat16). `highest` also turns off TF32 in cuDNN, whose RNN
kernels torch otherwise lets run in TF32, so a `32-true` run on a GPU is float32 throughout.

Both are refused where they would not do what they say: fp16 autocast on the CPU (Lightning
would run bf16-mixed instead) and TF32 or bfloat16 matmuls on the CPU (torch's setting
changes CUDA's matmuls only)."""

from __future__ import annotations

import torch
from omegaconf import DictConfig

from zoo.errors import ZooError


def on_cpu(trainer: DictConfig) -> bool:
    """Whether Lightning will train on the CPU (`accelerator=auto` without CUDA)."""
    accelerator = str(trainer.get("accelerator") or "auto")
    return accelerator == "cpu" or (accelerator == "auto" and not torch.cuda.is_available())


def check_precision(cfg: DictConfig) -> None:
    if not on_cpu(cfg.trainer):
        return
    if str(cfg.trainer.get("precision")) in ("16-mixed", "16"):
        raise ZooError(
            f"trainer.precision={cfg.trainer.precision} is fp16 autocast, which runs on CUDA "
            "only, and this run trains on the CPU (Lightning would silently use bf16-mixed): "
            "set trainer.precision=bf16-mixed, or train on a GPU (trainer=gpu)."
        )
    if cfg.matmul_precision != "highest":
        raise ZooError(
            f"matmul_precision={cfg.matmul_precision} changes only CUDA's float32 matmuls "
            "(TF32 or bfloat16), and this run trains on the CPU: leave "
            "matmul_precision=highest, or train on a GPU (trainer=gpu)."
        )


def set_matmul_precision(value: str) -> None:
    """torch's float32 matmul precision, and cuDNN's TF32 switch with it."""
    torch.set_float32_matmul_precision(value)
    torch.backends.cudnn.allow_tf32 = value != "highest"
