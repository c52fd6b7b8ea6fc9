"""The scaler of numeric inputs and targets, fitted on the training split only.

`standard` centres on the mean and divides by the population standard deviation (as
scikit-learn's `StandardScaler`), `minmax` maps the training range to [0, 1], `none` keeps
the values; a constant column is shifted but not divided. The original is
`scaled * scale + shift`, which `zoo.spec.Scaling` records so metrics can be reported in the
file's own units.
"""

from __future__ import annotations

import torch

from zoo.errors import ZooError

SCALES = ("standard", "minmax", "none")


def fit_scaler(kind: str, values: torch.Tensor, option: str) -> tuple[torch.Tensor, torch.Tensor]:
    """(shift, scale) per column of `values` (N, D): x -> (x - shift) / scale. `option` names
    the setting that chose `kind`, for the error."""
    if kind not in SCALES:
        raise ZooError(f"data.{option}={kind!r} is not known; choose one of {SCALES}.")
    if kind == "standard":
        shift, scale = values.mean(0), values.std(0, unbiased=False)
    elif kind == "minmax":
        shift, scale = values.min(0).values, values.max(0).values - values.min(0).values
    else:
        shift, scale = torch.zeros(values.size(1)), torch.ones(values.size(1))
    return shift, torch.where(scale > 0, scale, torch.ones_like(scale))
