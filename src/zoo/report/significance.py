"""`zoo-table --significance`: is the best row distinguishable from every other row?

For each metric with a best row (the best mean), a two-sided Welch t-test (unequal
variances: scipy.stats.ttest_ind with equal_var=False) of each other row's per-seed values
against the best row's. The best stays marked only where every other row differs from it at
p < ALPHA. A row with fewer than two values, or with no finite mean, gets no p-value, and a
p-value that cannot be computed leaves the best unmarked.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import replace

from zoo.errors import ZooError
from zoo.report.rows import Row, Table

ALPHA = 0.05
FOOTNOTE = (
    f"p: two-sided Welch t-test (unequal variances) of each row's per-seed values against the "
    f"best row (ref); best is marked only where p < {ALPHA} against every other row; n: runs "
    "(seeds) per row."
)


def welch_p(a: list[float], b: list[float]) -> float | None:
    """The two-sided p-value of Welch's t-test; None with fewer than two values a side or
    when it is undefined (both sides constant)."""
    if len(a) < 2 or len(b) < 2:
        return None
    try:
        from scipy.stats import ttest_ind
    except ImportError:
        raise ZooError("--significance needs scipy; pip install 'zoo[stats]'.") from None
    with warnings.catch_warnings():  # constant sides: scipy warns, then returns nan
        warnings.simplefilter("ignore", RuntimeWarning)
        p = float(ttest_ind(a, b, equal_var=False).pvalue)
    return p if math.isfinite(p) else None


def welch_against_best(table: Table) -> Table:
    """`table` with `pvalues` filled and `best` kept only where it is distinguishable; a table
    of one row has nothing to compare (a ZooError says so)."""
    if len(table.rows) < 2:
        runs = f"{table.rows[0].n} run{'s' * (table.rows[0].n > 1)}" if table.rows else "no run"
        raise ZooError(
            f"--significance compares a table's rows, and this one has a single row ({runs} of "
            "one configuration): nothing to compare; drop --significance, or add the runs of "
            "another configuration (or --by a key whose values differ)."
        )
    pvalues, best = {}, {}
    for metric, tops in table.best.items():
        if not tops:  # no two rows of one dataset to compare
            continue
        top = min(tops)
        ref = _values(table.rows[top], metric)
        found = {
            i: welch_p(_values(row, metric), ref)
            for i, row in enumerate(table.rows)
            if i != top and row.stats[metric] is not None and math.isfinite(row.stats[metric].mean)
        }
        pvalues[metric] = found
        if all(p is not None and p < ALPHA for p in found.values()):
            best[metric] = {top}
    return replace(table, best=best, pvalues=pvalues)


def _values(row: Row, metric: str) -> list[float]:
    return [float(run.metrics[metric]) for run in row.runs if run.metrics.get(metric) is not None]
