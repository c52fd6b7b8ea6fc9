"""Series read from run folders, and their mean ± std over a group's runs.

A series maps x (epoch, step or time step t) to one value; a run that logged a metric several
times at one x (several steps in an epoch, a resumed epoch) counts their mean.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

LOG = Path("csv") / "metrics.csv"
XS = ("epoch", "step")


def logged(folder: Path, metric: str, x: str = "epoch") -> dict[float, float]:
    """`metric` against `x` from the run's CSV log; {} when the run has no log or metric."""
    path = folder / LOG
    if not path.is_file():
        return {}
    found: dict[float, list[float]] = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            value, at = _number(row.get(metric)), _number(row.get(x))
            if value is not None and at is not None:
                found.setdefault(at, []).append(value)
    return {at: sum(vs) / len(vs) for at, vs in sorted(found.items())}


def band(series: list[dict[float, float]]) -> tuple[list[float], list[float], list[float]]:
    """(xs, mean, sample std) over the series that have each x; std 0 where only one has it."""
    xs = sorted({x for s in series for x in s})
    means, stds = [], []
    for x in xs:
        values = [s[x] for s in series if x in s]
        mean = sum(values) / len(values)
        spread = sum((v - mean) ** 2 for v in values) / (len(values) - 1) if len(values) > 1 else 0
        means.append(mean)
        stds.append(math.sqrt(spread))
    return xs, means, stds


def _number(text: str | None) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None
