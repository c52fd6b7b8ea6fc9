"""`zoo-bench`: what zoo's convenience costs, as ratios measured side by side in one process.

One module per measurement (see docs/PERFORMANCE.md); `timing` runs them interleaved.
"""
