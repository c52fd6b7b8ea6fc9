"""(4) Wrapper parity: `RecurrentStack` against the bare `nn.RNN` / `nn.LSTM` / `nn.GRU` it
wraps, same weights and shapes, forward + backward; with lengths all equal (a bucketed batch
of full reviews: no packing) and without. Ratio: zoo's time over the bare time (1.0: free)."""

from __future__ import annotations

import time

import torch
from torch import nn

from zoo.bench.timing import interleaved, ratio, report
from zoo.cells import RecurrentStack

SECTION = "4 wrapper parity"
BARE = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def _timed(fn, x, steps: int):
    def run():
        start = time.perf_counter()
        for _ in range(steps):
            out = fn(x)
            out.sum().backward()
        return time.perf_counter() - start
    return run


def run(settings, imdb_root: str | None = None) -> None:
    for batch, steps_, size, hidden in settings.parity_shapes:
        for kind, cls in BARE.items():
            for bidirectional in (False, True):
                stack = RecurrentStack(kind, size, hidden, bidirectional=bidirectional)
                bare = cls(size, hidden, batch_first=True, bidirectional=bidirectional)
                bare.load_state_dict(stack.layers[0].state_dict())
                x = torch.randn(batch, steps_, size, requires_grad=True)
                full = torch.full((batch,), steps_)
                times = interleaved({
                    "bare": _timed(lambda v, m=bare: m(v)[0], x, settings.steps),
                    "zoo": _timed(lambda v, m=stack: m(v)[0], x, settings.steps),
                    "zoo lengths": _timed(lambda v, m=stack, n=full: m(v, n)[0], x,
                                          settings.steps),
                }, settings.rounds, settings.warmup)
                shapes = (f"{kind} {'bi' if bidirectional else 'uni'} B={batch} T={steps_} "
                          f"E={size} H={hidden}")
                report(SECTION, "RecurrentStack vs bare torch, forward+backward", shapes,
                       f"ratio (zoo time / bare time) {ratio(times['zoo'], times['bare'])}; "
                       f"with equal lengths {ratio(times['zoo lengths'], times['bare'])}",
                       settings.rounds)
