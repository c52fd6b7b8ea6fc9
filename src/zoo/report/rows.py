"""A table's data: a `Row` per configuration (its runs and each metric's mean ± std) and the
`Table` of them, read by group (which makes it), significance and render."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from zoo.errors import ZooError
from zoo.report.collect import Run


@dataclass(frozen=True)
class Stat:
    mean: float
    std: float | None  # sample std (ddof=1); None for a single value


@dataclass
class Row:
    values: tuple[str | None, ...]  # one per grouping key; None: the run has no such key
    runs: list[Run]
    stats: dict[str, Stat | None]  # None: no run of the group has the metric
    wall_s: float | None
    params: float | None

    @property
    def n(self) -> int:
        return len(self.runs)

    def repeated_seeds(self, pooled: list[str] = ()) -> list:
        """Seeds run more than once with the same values of the `pooled` keys."""
        seeds = [(run.record.get("seed"), *map(run.value, pooled)) for run in self.runs]
        return sorted({s[0] for s in seeds if s[0] is not None and seeds.count(s) > 1})


@dataclass
class Table:
    keys: list[str]
    metrics: list[str]
    rows: list[Row]
    best: dict[str, set[int]]  # metric -> indices of the rows holding its best mean
    # --significance: metric -> row index -> p-value against the best-mean row (which is absent)
    pvalues: dict[str, dict[int, float | None]] = field(default_factory=dict)
    split: list[str] = field(default_factory=list)  # keys added to --by's: they differ in a row
    pooled: list[str] = field(default_factory=list)  # --pool keys that differ within a row

    def is_best(self, metric: str, row: int) -> bool:
        return row in self.best.get(metric, ())

    def records(self) -> list[dict]:
        """One dict a row, columns as zoo-table's CSV: keys, `<metric>_mean`/`_std`/`_best`
        (and `_p` with --significance), n, wall_s, params."""
        out = []
        for i, row in enumerate(self.rows):
            record = dict(zip(self.keys, row.values, strict=True))
            for metric in self.metrics:
                stat = row.stats[metric]
                record[f"{metric}_mean"] = stat.mean if stat else None
                record[f"{metric}_std"] = stat.std if stat else None
                record[f"{metric}_best"] = self.is_best(metric, i)
                if metric in self.pvalues:
                    record[f"{metric}_p"] = self.pvalues[metric].get(i)
            out.append({**record, "n": row.n, "wall_s": row.wall_s, "params": row.params})
        return out

    def to_pandas(self):
        """`records()` as a pandas DataFrame (needs pandas)."""
        try:
            import pandas
        except ImportError:
            raise ZooError("to_pandas() needs pandas; pip install pandas.") from None
        return pandas.DataFrame(self.records())


def is_nan(value) -> bool:
    """A metric a run recorded as NaN (null in metrics.json) or infinite."""
    return value is None or not math.isfinite(float(value))
