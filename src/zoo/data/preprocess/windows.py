"""Sliding windows over a time series for forecasting: the one windower.

A window is `look_back` consecutive rows of inputs; its targets are the values at fixed
`offsets` from the window's first row (the rows right after it for a forecast, or each row's
value `horizon` later for a target per step). A window belongs to the split that holds all
its targets, so its inputs may reach back into the previous split (known history) while no
split is scored on another split's values.
"""

from __future__ import annotations

import torch


def windows(
    inputs: torch.Tensor,
    targets: torch.Tensor,
    look_back: int,
    offsets: range,
    start: int = 0,
    stop: int | None = None,
    stride: int = 1,
) -> tuple[torch.Tensor, torch.Tensor]:
    """`inputs` (T, D) and `targets` (T,) -> x (N, look_back, D) and y (N, len(offsets)): the
    windows, every `stride` rows, whose targets all lie in rows [start, stop)."""
    stop = len(targets) if stop is None else stop
    begin = max(0, start - offsets[0])
    first = torch.arange(begin, max(begin, stop - offsets[-1]), stride)
    x = inputs[first[:, None] + torch.arange(look_back)]
    y = targets[first[:, None] + torch.tensor(list(offsets))]
    return x, y
