"""Tables and figures of many runs: `zoo-table`, `zoo-plot`, `zoo-report` and `zoo.table(...)`.

collect (find and read run folders) -> keys (what a run was configured with) -> group (mean ±
std over seeds per configuration, best per metric) -> render (md, csv, latex, html); table is
the one path from a sweep and options to a grouped table. curves (each run's csv/metrics.csv)
and flow (gradient_flow/step*.json) -> figure (learning curves, final metric per group,
gradient flow, one run's curves). page: zoo-report's HTML page of all of these.
"""
