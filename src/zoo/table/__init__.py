"""`zoo-table`: aggregate the `metrics.json` of many runs into a paper table.

collect (find and read run folders) -> keys (what a run was configured with) ->
group (mean ± std over seeds per configuration, best per metric) -> render (md, csv, latex).
"""

from zoo.table.collect import Run, Sweep, collect
from zoo.table.group import Table, aggregate

__all__ = ["Run", "Sweep", "Table", "aggregate", "collect"]
