"""`zoo.table(SWEEP_DIR, by="cell")`: zoo-table's table as an object for a notebook."""

from __future__ import annotations

from pathlib import Path

from zoo.errors import ZooError
from zoo.table import collect
from zoo.table.build import tabulate
from zoo.table.group import Table


def table(
    *dirs: str | Path,
    by: str | list[str] = (),
    metric: str | list[str] = (),
    significance: bool = False,
    pool: str | list[str] = (),
) -> Table:
    """Mean ± std over seeds per configuration: `.rows`, `.records()` (one dict a row),
    `.to_pandas()`; shown as markdown in Jupyter. Options as zoo-table's."""
    found = tabulate(collect(list(dirs)), _names(by), _names(metric), significance=significance,
                     pool=_names(pool))
    if found is None:
        raise ZooError("no run under the given folders finished successfully; nothing to "
                       "aggregate.")
    return found


def _names(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)
