"""A sweep and options to a `Table`: the one path of zoo-table, zoo-plot and `zoo.table()`."""

from __future__ import annotations

from dataclasses import replace

from zoo.errors import ZooError
from zoo.report.collect import Sweep
from zoo.report.group import (
    aggregate,
    check_keys,
    default_keys,
    differs,
    seed_only_keys,
    select_metrics,
)
from zoo.report.rows import Table
from zoo.task.direction import check_marks


def tabulate(
    sweep: Sweep,
    by: list[str] = (),
    metrics: list[str] = (),
    maximize: list[str] = (),
    minimize: list[str] = (),
    significance: bool = False,
    pool: list[str] = (),
) -> Table | None:
    """The table of the sweep's finished runs; None when no run finished successfully.

    A row pools runs that differ in the seed alone, or also in the `pool` keys: a key that
    differs between runs of one `by` group becomes a column too (`Table.split`)."""
    if not sweep.runs:
        return None
    both = sorted(set(by) & set(pool))
    if both:
        raise ZooError(f"{both[0]} is both a --by and a --pool key; a key either makes rows "
                       "or is averaged over within a row: name it once.")
    check_keys(list(by), sweep.runs)
    check_keys(list(pool), sweep.runs, "--pool")
    keys = seed_only_keys(sweep.runs, list(by) or default_keys(sweep.runs, pool), pool)
    selected = select_metrics(list(metrics), sweep.runs)
    check_marks(maximize, minimize, selected)
    table = aggregate(sweep.runs, keys, selected, maximize, minimize)
    table = replace(table, split=keys[len(by):] if by else [],
                    pooled=[k for k in pool if differs(k, [row.runs for row in table.rows])])
    if significance:
        from zoo.report.significance import welch_against_best

        table = welch_against_best(table)
    return table
