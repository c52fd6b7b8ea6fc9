"""Sliding windows over a time series for forecasting.

A window is `look_back` consecutive values. `many_to_one` pairs it with the next `horizon`
values (a regression target of dim `horizon`); `many_to_many` pairs every step t of it with
the value `horizon` steps after t (one target per step). A window belongs to the split that
holds all its targets, so its inputs may reach back into the previous split (they are known
history) while no split is scored on another split's values.
"""

from __future__ import annotations

import torch

from zoo.errors import ZooError

TARGETS = ("many_to_one", "many_to_many")


def windows(
    series: torch.Tensor, look_back: int, horizon: int, target: str
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """`series` (T,) -> inputs (N, look_back, 1), targets, and each window's first and last
    target index.

    Targets are (N, horizon) for many_to_one and (N, look_back, 1) for many_to_many."""
    if target not in TARGETS:
        raise ZooError(f"data.target={target!r} is not known; choose one of {TARGETS}.")
    if look_back < 1 or horizon < 1:
        raise ZooError(f"data.look_back={look_back} and data.horizon={horizon} must be >= 1.")
    n = len(series) - look_back - horizon + 1
    if n < 1:
        raise ZooError(
            f"a series of {len(series)} values is too short for data.look_back="
            f"{look_back} and data.horizon={horizon}; make them smaller."
        )
    starts = torch.arange(n)
    x = series[starts[:, None] + torch.arange(look_back)]
    if target == "many_to_one":
        y = series[starts[:, None] + look_back + torch.arange(horizon)]
        first = starts + look_back
    else:
        y = series[starts[:, None] + horizon + torch.arange(look_back)].unsqueeze(-1)
        first = starts + horizon
    return x.unsqueeze(-1), y, first, starts + look_back + horizon - 1
