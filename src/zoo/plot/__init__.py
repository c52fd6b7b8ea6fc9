"""`zoo-plot`: the figures of one or more sweeps, from the runs zoo-table collects and groups.

curves (each run's csv/metrics.csv, mean ± std over a group's runs) and flow (each run's
gradient_flow/step*.json) -> figure (learning curves, final metric per group, gradient flow).
"""
