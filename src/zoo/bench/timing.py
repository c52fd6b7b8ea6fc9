"""Side-by-side timing: a warm-up, then rounds in which every runner runs once in turn (so
load and drift hit all alike), medians and the spread of the per-round ratios."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import torch

Runner = Callable[[], "float | None"]  # returns its own measured seconds, or None: timed whole


def interleaved(runners: dict[str, Runner], rounds: int, warmup: int = 1) -> dict[str, list]:
    """Seconds per round of each runner."""
    for _ in range(warmup):
        for run in runners.values():
            run()
    times = {name: [] for name in runners}
    for _ in range(rounds):
        for name, run in runners.items():
            start = time.perf_counter()
            own = run()
            times[name].append(own if own is not None else time.perf_counter() - start)
    return times


def ratio(numerator: list[float], denominator: list[float]) -> str:
    """Median of the per-round ratios with their range: `0.98 [0.95-1.01]`."""
    values = [n / d for n, d in zip(numerator, denominator, strict=True)]
    return f"{statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]"


def median(values: list[float]) -> float:
    return statistics.median(values)


def report(section: str, what: str, shapes: str, result: str, rounds: int) -> None:
    """One line of the table: section, what is compared, its shapes and threads, the ratio."""
    threads = torch.get_num_threads()
    print(f"[{section}] {what} | {shapes} threads={threads} rounds={rounds} | {result}",
          flush=True)
