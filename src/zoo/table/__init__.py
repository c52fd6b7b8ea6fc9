"""`zoo-table`: aggregate the `metrics.json` of many runs into a paper table.

collect (find and read run folders) -> keys (what a run was configured with) ->
group (mean ± std over seeds per configuration, best per metric) -> render (md, csv, latex).
"""

import sys
import types

from zoo.table.collect import Run, Sweep, collect
from zoo.table.group import Table, aggregate

__all__ = ["Run", "Sweep", "Table", "aggregate", "collect"]


class _CallablePackage(types.ModuleType):
    """`zoo.table(SWEEP_DIR, by="cell")` is the notebook API's `zoo.api.table`: `zoo.table` is
    also this package's name, which Python binds on `zoo` whenever the package is imported."""

    def __call__(self, *dirs, **options) -> Table:
        from zoo.api.sweeps import table

        return table(*dirs, **options)


sys.modules[__name__].__class__ = _CallablePackage
