"""Series read from run folders, and their mean ± std over a group's runs.

A series maps x (epoch, step or time step t) to one value; a run that logged a metric several
times at one x (several steps in an epoch, a resumed epoch) counts their mean. The evaluations
after training (the best checkpoint's validation and test) are no point of a curve.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from zoo.tracking.csv_logger import AFTER_TRAINING

LOG = Path("csv") / "metrics.csv"
XS = ("epoch", "step")


def logged(folder: Path, metric: str, x: str = "epoch") -> dict[float, float]:
    """`metric` against `x` from the run's CSV log; {} when the run has no log or metric."""
    path = folder / LOG
    if not path.is_file():
        return {}
    found: dict[float, list[float]] = {}
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in _in_training(rows):
        value, at = _number(row.get(metric)), _number(row.get(x))
        if value is not None and at is not None:
            found.setdefault(at, []).append(value)
    return {at: sum(vs) / len(vs) for at, vs in sorted(found.items())}


def _in_training(rows: list[dict]) -> list[dict]:
    """The rows not marked `after_training` (zoo.tracking.csv_logger); in a log from before
    that mark, the rows up to the last epoch that logged a train/ metric (Lightning logged the
    final evaluations at the epoch after it)."""
    if rows and AFTER_TRAINING in rows[0]:  # a column: every row has the key
        return [row for row in rows if not row[AFTER_TRAINING]]
    trained = [_number(row.get("epoch")) for row in rows
               if any(str(k).startswith("train/") and v for k, v in row.items())]
    last = max((e for e in trained if e is not None), default=math.inf)
    return [row for row in rows if (_number(row.get("epoch")) or 0) <= last]


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
