"""(6) On a GPU: tokens/s and model-FLOPs utilisation of zoo's LSTM and GRU stacks (cuDNN),
forward + backward, at H in {256, 1024}, B in {32, 256}, in fp32, TF32 and bf16 autocast.
Forward FLOPs per token per layer and direction: 2·G·H·(E+H) (G = 4 LSTM, 3 GRU, 1 RNN);
training is about 3x the forward. MFU = achieved FLOP/s over the device's dense peak for
the precision (known devices only). Skipped, with a line saying so, without CUDA."""

from __future__ import annotations

import contextlib
import time

import torch

from zoo.bench.timing import interleaved, median, report
from zoo.cells import RecurrentStack

SECTION = "6 gpu throughput"
GATES = {"lstm": 4, "gru": 3, "rnn": 1}
STEPS = 256  # sequence length
# dense peak TFLOP/s by device name: fp32, tf32, bf16 (vendors' data sheets, no sparsity)
PEAKS = {"H100": (67, 495, 989), "H200": (67, 495, 989), "A100": (19.5, 156, 312),
         "L4": (30, 60, 121), "A10": (31, 62, 125)}
PRECISIONS = ("fp32", "tf32", "bf16")


def training_flops(kind: str, tokens: int, size: int, hidden: int, layers=1, directions=1):
    """Model FLOPs of forward + backward: 3 x 2·G·H·(E+H) per token, layer and direction."""
    return 3 * 2 * GATES[kind] * hidden * (size + hidden) * tokens * layers * directions


def peak_flops(name: str, precision: str) -> float | None:
    for key, peaks in PEAKS.items():
        if key in name:
            return peaks[PRECISIONS.index(precision)] * 1e12
    return None


@contextlib.contextmanager
def precision_mode(precision: str):
    before = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    tf32 = precision == "tf32"
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = tf32
    autocast = torch.autocast("cuda", torch.bfloat16, enabled=precision == "bf16")
    try:
        with autocast:
            yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = before


def _runner(stack, x, precision: str, steps: int):
    def run():
        torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(steps):
            with precision_mode(precision):
                out = stack(x)[0]
            out.float().sum().backward()
        torch.cuda.synchronize()
        return (time.perf_counter() - start) / steps
    return run


def run(settings, imdb_root: str | None = None) -> None:
    if not torch.cuda.is_available():
        report(SECTION, "skipped", "no CUDA device", "skipped: needs a GPU", 0)
        return
    name = torch.cuda.get_device_name()
    for kind in ("lstm", "gru"):
        for hidden in settings.gpu_hidden:
            for batch in settings.gpu_batch:
                stack = RecurrentStack(kind, hidden, hidden).cuda()
                x = torch.randn(batch, STEPS, hidden, device="cuda", requires_grad=True)
                runners = {p: _runner(stack, x, p, settings.gpu_steps) for p in PRECISIONS}
                times = interleaved(runners, settings.rounds, settings.warmup)
                for precision in PRECISIONS:
                    seconds = median(times[precision])
                    achieved = training_flops(kind, batch * STEPS, hidden, hidden) / seconds
                    peak = peak_flops(name, precision)
                    mfu = f"MFU {achieved / peak:.2f}" if peak else "MFU n/a (peak unknown)"
                    report(SECTION, f"{kind} {precision}",
                           f"{name} B={batch} T={STEPS} E=H={hidden}",
                           f"{batch * STEPS / seconds:.0f} tokens/s, "
                           f"{achieved / 1e12:.1f} TFLOP/s, {mfu}", settings.rounds)
