"""The composition matrix on CUDA (`pytest -m gpu`): every cell x direction x topology takes
a few optimiser steps on the GPU in float32 and in bf16 autocast (what Lightning's
`bf16-mixed` wraps around a step), from the same weights and batch as on the CPU, and its
losses follow the CPU's."""

from __future__ import annotations

import copy

import pytest
import torch
from conftest import needs_cuda
from hydra.utils import instantiate
from test_matrix import CELLS, MATRIX, composed

from zoo.run.precision import set_matmul_precision
from zoo.run.train import build_task

pytestmark = needs_cuda

STEPS = 5
# SGD, whose steps are linear in the gradients (Adam's g / sqrt(v) would turn a rounding
# difference in a near-zero gradient into a whole step). float32 on cuDNN/cuBLAS (TF32 off)
# against the CPU differs only in summation order, about 1e-6 relative per step; 1e-3 leaves
# margin over 5 steps and catches a wrong path (a state or a mask lost on the device moves the
# loss by far more). bf16 keeps 8 mantissa bits (about
# 4e-3 relative per product): 5e-2 of the loss.
TOLERANCE = {"fp32": {"rtol": 1e-3, "atol": 1e-5}, "bf16": {"rtol": 5e-2, "atol": 1e-2}}
EVERY_CELL = [
    *MATRIX,
    *((cell, d, t) for cell in ("mingru", "minlstm") for (c, d, t) in MATRIX if c == CELLS[0]),
]


def losses(task, batch: dict, device: str, bf16: bool = False) -> list[float]:
    """Training losses of `STEPS` steps on one batch on `device`, moved as Lightning moves
    it (the task's own transfer)."""
    task = task.to(device)
    batch = task.transfer_batch_to_device(batch, torch.device(device), 0)
    optimizer = task.configure_optimizers()
    found = []
    for _ in range(STEPS):
        with torch.autocast("cuda", torch.bfloat16, enabled=bf16):
            logits, _ = task(batch)
            loss = task.objective.loss(*task.objective.select(logits, batch))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        found.append(loss.item())
    return found


@pytest.mark.parametrize(("cell", "direction", "topology"), EVERY_CELL)
def test_cuda_training_follows_the_cpu(cell, direction, topology, tmp_path):
    set_matmul_precision("highest")  # as a 32-true run sets it
    cfg = composed(cell, direction, topology, tmp_path, ["optimizer=sgd"])
    torch.manual_seed(0)
    datamodule = instantiate(cfg.data)
    task = build_task(cfg, datamodule.spec)
    batch = next(iter(datamodule.train_dataloader()))
    cpu = losses(copy.deepcopy(task), batch, "cpu")
    fp32 = losses(copy.deepcopy(task), batch, "cuda")
    bf16 = losses(copy.deepcopy(task), batch, "cuda", bf16=True)
    torch.testing.assert_close(torch.tensor(fp32), torch.tensor(cpu), **TOLERANCE["fp32"])
    torch.testing.assert_close(torch.tensor(bf16), torch.tensor(cpu), **TOLERANCE["bf16"])
