"""The physical limit beside a measured rate: the device's dense float32 matmul peak,
measured in the same run (the best of a few square products at the thread count in use,
before and after the section's timings), and
a model's training FLOPs per real token, so a section can say what fraction of that peak its
training achieves. The CPU has no data-sheet peak that fits a shared, throttled machine; the
measured one is what these cores give now."""

from __future__ import annotations

import time

import torch

from zoo.cells import RecurrentStack


def sync(device: torch.device) -> None:
    """Wait for the device's queued work (CUDA runs asynchronously)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def matmul_peak(device: torch.device, size: int, repeats: int = 5) -> float:
    """FLOP/s of the fastest of `repeats` float32 (size x size) @ (size x size) products."""
    a, b = torch.randn(size, size, device=device), torch.randn(size, size, device=device)
    a @ b  # warm-up: thread pool, cuBLAS handle
    best = float("inf")
    for _ in range(repeats):
        sync(device)
        start = time.perf_counter()
        a @ b
        sync(device)
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best


def training_flops_per_token(model: torch.nn.Module) -> int:
    """Model FLOPs of forward + backward per real token through the recurrent layers: 3 x
    2 x every weight matrix they apply at a step (both directions, every layer; the same
    count as `gpu_throughput.training_flops`). Embeddings and heads are left out."""
    return sum(
        6 * p.numel()
        for stack in model.modules()
        if isinstance(stack, RecurrentStack)
        for p in stack.parameters()
        if p.dim() == 2
    )


def of_peak(flops: float, seconds: float, peak: float) -> str:
    achieved = flops / seconds
    return f"{achieved / 1e9:.2f} GFLOP/s = {achieved / peak:.3f} of the measured peak"
