"""Group runs by configuration and reduce each metric to mean ± sample std over the group."""

from __future__ import annotations

import fnmatch
import math

from zoo.errors import ZooError
from zoo.report.collect import Run
from zoo.report.keys import PREFERRED, is_bookkeeping, order_keys
from zoo.report.rows import Row, Stat, Table, is_nan
from zoo.task.direction import direction


def available_keys(runs: list[Run]) -> list[str]:
    return order_keys({k for run in runs for k in run.keys})


def default_keys(runs: list[Run], pool=()) -> list[str]:
    """The keys whose value differs between runs (not seed, bookkeeping or `pool`); when none
    does, the dataset and model choices, so the single row still says what it is."""
    varying = [k for k in available_keys(runs)
               if k not in pool and not is_bookkeeping(k) and differs(k, [runs])]
    return varying or [k for k in PREFERRED[1:5] if all(k in run.keys for run in runs)]


def seed_only_keys(runs: list[Run], keys: list[str], pool=()) -> list[str]:
    """`keys`, then each other key whose value differs between the runs of one row (seed,
    bookkeeping and the keys in `pool` aside), so that a row pools runs that differ in the seed
    alone (or in keys the user pools), never other configurations as if they were seeds."""
    keys = list(keys)
    for key in available_keys(runs):
        if key in keys or key in pool or is_bookkeeping(key):
            continue
        if differs(key, _groups(runs, keys).values()):  # regrouped after each added key, so
            keys.append(key)  # a key that moves with an added one adds no column
    return keys


def differs(key: str, groups) -> bool:
    """Whether `key` has more than one value among the runs of one of `groups` (of runs)."""
    return any(len({run.value(key) for run in group}) > 1 for group in groups)


def _groups(runs: list[Run], keys: list[str]) -> dict[tuple, list[Run]]:
    groups: dict[tuple, list[Run]] = {}
    for run in runs:
        groups.setdefault(tuple(run.value(k) for k in keys), []).append(run)
    return groups


def check_keys(keys: list[str], runs: list[Run], option: str = "--by") -> None:
    for key in keys:
        if all(run.value(key) is None for run in runs):
            raise ZooError(
                f"unknown {option} key {key!r}: no run has it as a config choice, "
                f"override or config value; available: "
                f"{', '.join(available_keys(runs))}."
            )


def available_metrics(runs: list[Run]) -> list[str]:
    return sorted({m for run in runs for m in run.metrics})


def select_metrics(patterns: list[str], runs: list[Run]) -> list[str]:
    """Names or globs (`test/*`); default: all test metrics, else all val metrics."""
    found = available_metrics(runs)
    if not patterns:
        for split in ("test/*", "val/*"):
            if chosen := fnmatch.filter(found, split):
                return chosen
        return found
    chosen = []
    for pattern in patterns:
        matched = fnmatch.filter(found, pattern)
        if not matched:
            raise ZooError(
                f"unknown --metric {pattern!r}: no finished run recorded it; "
                f"available: {', '.join(found) or 'none'}."
            )
        chosen += [m for m in matched if m not in chosen]
    return chosen


def aggregate(
    runs: list[Run], keys: list[str], metrics: list[str], maximize=(), minimize=()
) -> Table:
    rows = [
        _row(values, members, metrics)
        for values, members in sorted(_groups(runs, keys).items(), key=lambda kv: _sort_key(kv[0]))
    ]
    datasets: dict[tuple, list[int]] = {}  # best is marked among rows of one dataset only
    for i, row in enumerate(rows):
        datasets.setdefault(_datasets(row), []).append(i)
    best = {}
    for metric in metrics:
        way = direction(metric, maximize, minimize)
        if way and "/baseline_" not in metric:  # a baseline is the data's, not a model's
            best[metric] = set().union(
                *(_best(rows, members, metric, way) for members in datasets.values())
            )
    return Table(keys, metrics, rows, best)


def _datasets(row: Row) -> tuple[str, ...]:
    return tuple(sorted({str(run.value("data")) for run in row.runs}))


def _row(values, runs: list[Run], metrics: list[str]) -> Row:
    """Means over the runs' finite values: a NaN run is listed apart, never averaged in
    (a metric only NaN runs recorded has a NaN mean)."""
    stats = {}
    for metric in metrics:
        recorded = [run.metrics[metric] for run in runs if metric in run.metrics]
        xs = [float(v) for v in recorded if not is_nan(v)]
        stats[metric] = _stat(xs) if xs else Stat(math.nan, None) if recorded else None
    return Row(values, runs, stats, _mean_of(runs, "wall_s"), _mean_of(runs, "params"))


def _stat(xs: list[float]) -> Stat:
    n = len(xs)
    mean = sum(xs) / n
    std = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1)) if n > 1 else None
    return Stat(mean, std)


def _mean_of(runs: list[Run], field: str) -> float | None:
    xs = [run.record[field] for run in runs if isinstance(run.record.get(field), (int, float))]
    return sum(xs) / len(xs) if xs else None


def _best(rows: list[Row], members: list[int], metric: str, way: str) -> set[int]:
    """Of the rows `members`, those holding the best finite mean; nothing to mark with fewer
    than two rows to compare. A row holding a smoke run (zoo.run.smoke) is never the best."""
    means = {
        i: rows[i].stats[metric].mean
        for i in members
        if rows[i].stats[metric] is not None and math.isfinite(rows[i].stats[metric].mean)
        and not any(run.smoke for run in rows[i].runs)
    }
    if len(means) < 2:
        return set()
    top = (max if way == "max" else min)(means.values())
    return {i for i, mean in means.items() if mean == top}


def _sort_key(values: tuple) -> tuple:
    """Numbers numerically, before words; missing values last."""
    out = []
    for value in values:
        if value is None:
            out.append((2, 0.0, ""))
            continue
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        out.append((0, number, value) if math.isfinite(number) else (1, 0.0, value))
    return tuple(out)
