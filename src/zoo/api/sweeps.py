"""`zoo.table(SWEEP_DIR, by="cell")`: zoo-table's table as an object for a notebook."""

from __future__ import annotations

from pathlib import Path

from zoo.errors import ZooError
from zoo.report.collect import collect
from zoo.report.render import to_markdown
from zoo.report.rows import Table
from zoo.report.table import tabulate


class ShownTable(Table):
    """A `Table` that Jupyter shows as zoo-table prints it."""

    def _repr_markdown_(self) -> str:
        return to_markdown(self)


def table(
    *dirs: str | Path,
    by: str | list[str] = (),
    metric: str | list[str] = (),
    significance: bool = False,
    pool: str | list[str] = (),
) -> ShownTable:
    """Mean ± std over seeds per configuration: `.rows`, `.records()` (one dict a row),
    `.to_pandas()`; shown as markdown in Jupyter. Options as zoo-table's."""
    found = tabulate(collect(list(dirs)), _names(by), _names(metric), significance=significance,
                     pool=_names(pool))
    if found is None:
        raise ZooError("no run under the given folders finished successfully; nothing to "
                       "aggregate.")
    return ShownTable(**vars(found))


def _names(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)
