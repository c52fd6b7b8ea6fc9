"""A sweep and options to a `Table`: the one path of zoo-table, zoo-plot and `zoo.table()`."""

from __future__ import annotations

from zoo.table.collect import Sweep
from zoo.table.group import Table, aggregate, check_keys, default_keys, select_metrics


def tabulate(
    sweep: Sweep,
    by: list[str] = (),
    metrics: list[str] = (),
    maximize: list[str] = (),
    minimize: list[str] = (),
    significance: bool = False,
) -> Table | None:
    """The table of the sweep's finished runs; None when no run finished successfully."""
    if not sweep.runs:
        return None
    keys = list(by) or default_keys(sweep.runs)
    check_keys(keys, sweep.runs)
    table = aggregate(sweep.runs, keys, select_metrics(list(metrics), sweep.runs), maximize,
                      minimize)
    if significance:
        from zoo.table.significance import welch_against_best

        table = welch_against_best(table)
    return table
