"""A validation split carved from the training split, the same for the same seed."""

from __future__ import annotations

import torch

from zoo.data.batches import TensorSequences
from zoo.errors import ZooError


def holdout_size(val_split: float | int | None, n: int, name: str) -> int:
    """`val_split` as a number of examples: a count (an integer >= 1) or a fraction in (0, 1);
    0 or null means none."""
    if not val_split:
        return 0
    size = int(val_split) if val_split >= 1 else round(val_split * n)
    if val_split < 0 or (val_split >= 1 and val_split != int(val_split)) or not 0 < size < n:
        raise ZooError(
            f"data.val_split={val_split} does not fit the {n} training examples of "
            f"data={name}; give a count below {n} or a fraction in (0, 1)."
        )
    return size


def carve(data: TensorSequences, size: int, seed: int) -> tuple[TensorSequences, TensorSequences]:
    """(train, val): `size` examples drawn at random (seeded) from `data` become validation."""
    order = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed))
    parts = []
    for idx in (order[size:].sort().values, order[:size].sort().values):
        parts.append(TensorSequences(**{k: v[idx] for k, v in data.tensors.items()}))
    return parts[0], parts[1]
