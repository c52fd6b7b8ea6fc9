"""(5) Scan crossover: the parallel-scan cells (`mingru`, `minlstm`) against torch's fused
`nn.GRU` / `nn.LSTM` of the same width, forward + backward, over sequence lengths. Time ratio
torch / scan (above 1.0: the scan is faster) and the memory the backward pass keeps (bytes
of the tensors autograd saves; on CUDA also the peak allocated); the length where the scan
starts to win, if it does on this device."""

from __future__ import annotations

import time

import torch

from zoo.bench.timing import interleaved, median, ratio, report
from zoo.cells import RecurrentStack

SECTION = "5 scan crossover"
PAIRS = (("mingru", "gru"), ("minlstm", "lstm"))


def saved_bytes(fn) -> int:
    """Bytes of the distinct tensors autograd saves for the backward pass of `fn()`."""
    seen = {}

    def pack(t):
        seen[(t.untyped_storage().data_ptr(), t.device)] = t.untyped_storage().nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn()
    return sum(seen.values())


def _step(stack, x, device):
    def run():
        start = time.perf_counter()
        stack(x)[0].sum().backward()
        if device.type == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - start
    return run


def _peaks(runners: dict, device) -> str:
    if device.type != "cuda":
        return ""
    found = []
    for run in runners.values():
        torch.cuda.reset_peak_memory_stats()
        run()
        found.append(f"{torch.cuda.max_memory_allocated() / 2**20:.0f}")
    return f"; CUDA peak {' vs '.join(found)} MiB"


def run(settings, imdb_root: str | None = None) -> None:
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    b, h = settings.scan_batch, settings.scan_hidden
    for scan, fused in PAIRS:
        wins = None
        for steps in settings.scan_lengths:
            x = torch.randn(b, steps, h, device=device, requires_grad=True)
            stacks = {k: RecurrentStack(k, h, h).to(device) for k in (scan, fused)}
            runners = {k: _step(s, x, device) for k, s in stacks.items()}
            times = interleaved(runners, settings.rounds, settings.warmup)
            memory = {k: saved_bytes(lambda s=s, v=x: s(v)[0].sum()) for k, s in stacks.items()}
            if wins is None and median(times[scan]) < median(times[fused]):
                wins = steps
            report(SECTION, f"{scan} vs {fused}, forward+backward",
                   f"B={b} T={steps} H={h} {device.type}",
                   f"ratio ({fused} time / {scan} time) {ratio(times[fused], times[scan])}; "
                   f"saved for backward {memory[scan] / 2**20:.2f} vs "
                   f"{memory[fused] / 2**20:.2f} MiB"
                   f"{_peaks(runners, device)}", settings.rounds)
        lengths = f"T in {list(settings.scan_lengths)}"
        found = f"the scan wins from T={wins}" if wins else "no crossover: the fused layer wins"
        report(SECTION, f"{scan} vs {fused} crossover", f"B={b} H={h} {lengths}", found,
               settings.rounds)
