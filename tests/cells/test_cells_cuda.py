"""The cell layer on CUDA (`pytest -m gpu`): cuDNN's packed kernels and zoo's padded fast
path give the same outputs, final states and gradients for unequal lengths, and the min
cells' parallel scan on the GPU equals their sequential form. In float64 (cuDNN runs RNNs in
double too), so any difference beyond rounding is a fault, not arithmetic."""

from __future__ import annotations

import copy

import pytest
import torch
from conftest import needs_cuda
from test_cells import (
    LENGTHS,
    MIN_CELLS,
    SHAPES,
    TORCH_CELLS,
    H,
    padded_batch,
    sequential_min_cell,
    stack_for,
)

pytestmark = needs_cuda


def outputs_and_gradients(stack, x, lengths, state):
    """Outputs, final h and the gradients of inputs, state and weights for one weighted sum
    of the real steps' outputs (the padded steps must not matter)."""
    x = x.clone().requires_grad_(True)
    leaves = [x, *(s.requires_grad_(True) for s in state)] if state else [x]
    given = None if not state else (tuple(state) if len(state) == 2 else state[0])
    out, final = stack(x, lengths, given, cell_state=False)
    weights = torch.randn(
        out.shape, generator=torch.Generator().manual_seed(3), dtype=out.dtype
    ).to(out.device)
    real = torch.arange(out.size(1))[None, :, None] < lengths[:, None, None]
    loss = (out * weights * real.to(out.device)).sum() + final.sum()
    grads = torch.autograd.grad(loss, [*leaves, *stack.parameters()])
    return [out, final, *grads]


@pytest.mark.parametrize("cell", list(TORCH_CELLS))
@pytest.mark.parametrize("bidirectional,num_layers,merge", SHAPES)
@pytest.mark.parametrize("with_state", [False, True])
def test_cudnn_packed_path_equals_the_padded_fast_path(
    cell, bidirectional, num_layers, merge, with_state
):
    torch.manual_seed(5)
    packed = stack_for(cell, bidirectional, num_layers, merge, packing="packed").cuda().train()
    padded = copy.deepcopy(packed)
    padded.packing = "padded"
    x, lengths = padded_batch(LENGTHS)
    rows = num_layers * packed.directions
    state = []
    if with_state:
        h = torch.randn(rows, len(LENGTHS), H, dtype=torch.float64, device="cuda")
        state = [h, torch.randn_like(h)] if cell == "lstm" else [h]
    got = outputs_and_gradients(padded, x.cuda(), lengths, [s.clone() for s in state])
    want = outputs_and_gradients(packed, x.cuda(), lengths, [s.clone() for s in state])
    for g, w in zip(got, want, strict=True):
        torch.testing.assert_close(g, w)


@pytest.mark.parametrize("kind", list(MIN_CELLS))
@pytest.mark.parametrize("with_state", [False, True])
def test_min_cell_scan_on_cuda_equals_its_sequential_form(kind, with_state):
    torch.manual_seed(5)
    cell = stack_for(kind).layers[0].directions[0].cuda()
    x = torch.randn(3, 256, cell.proj.in_features, dtype=torch.float64, device="cuda")
    h0 = torch.randn(3, H, dtype=torch.float64, device="cuda") if with_state else None
    weights = torch.randn(3, 256, H, dtype=torch.float64, device="cuda")

    def with_gradients(out):
        return (out, *torch.autograd.grad((out * weights).sum(), list(cell.parameters())))

    parallel = with_gradients(cell(x, h0))
    sequential = with_gradients(sequential_min_cell(cell, x, h0))
    for got, want in zip(parallel, sequential, strict=True):
        torch.testing.assert_close(got, want)
