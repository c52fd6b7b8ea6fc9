"""Train/val/test cuts for the seed datasets: shuffled within each class (stratified), or in
order (contiguous, for streams and time series).

Fractions name the held-out splits (`val_fraction`, `test_fraction`); train is the rest.
"""

from __future__ import annotations

from collections import defaultdict

import torch

from zoo.errors import ZooError

SPLITS = ("train", "val", "test")


def check_fractions(
    name: str, val_fraction: float, test_fraction: float, allow_zero_test: bool = False
) -> None:
    test_ok = 0 <= test_fraction < 1 if allow_zero_test else 0 < test_fraction < 1
    if not (0 < val_fraction < 1 and test_ok and val_fraction + test_fraction < 1):
        zero = " (test_fraction may be 0)" if allow_zero_test else ""
        raise ZooError(
            f"data={name}: val_fraction={val_fraction} and test_fraction={test_fraction} must "
            f"each lie in (0, 1){zero} and sum to less than 1; the training split is the rest."
        )


def stratified_split(
    labels: list, val_fraction: float, test_fraction: float, seed: int
) -> dict[str, list[int]]:
    """Indices of each split: every label's examples shuffled with `seed` and cut by the
    fractions, so each split keeps the label proportions."""
    by_label = defaultdict(list)
    for i, label in enumerate(labels):
        by_label[label].append(i)
    g = torch.Generator().manual_seed(seed)
    found = {s: [] for s in SPLITS}
    for label in sorted(by_label, key=str):
        idx = by_label[label]
        idx = [idx[j] for j in torch.randperm(len(idx), generator=g).tolist()]
        n_val, n_test = round(val_fraction * len(idx)), round(test_fraction * len(idx))
        found["val"] += idx[:n_val]
        found["test"] += idx[n_val : n_val + n_test]
        found["train"] += idx[n_val + n_test :]
    return {s: sorted(v) for s, v in found.items()}


def contiguous_bounds(n: int, val_fraction: float, test_fraction: float) -> dict[str, slice]:
    """Train first, then val, then test, as slices of a sequence of length `n`."""
    n_test = round(test_fraction * n)
    n_val = round(val_fraction * n)
    n_train = n - n_val - n_test
    return {
        "train": slice(0, n_train),
        "val": slice(n_train, n_train + n_val),
        "test": slice(n_train + n_val, n),
    }


def require_nonempty(name: str, sizes: dict[str, int], hint: str) -> None:
    for split, size in sizes.items():
        if size < 1:
            raise ZooError(f"data={name}: the {split} split is empty; {hint}.")
