"""Cutting train/val/test from examples: seeded (shuffled) or contiguous (in order).

Separate files win: `parts` holds `all` (one source to cut three ways) or `train` plus any of
`val`/`test`; only the missing splits are cut from the training examples, by
`val_fraction` and `test_fraction`. Contiguous cuts keep the order: train first, test last.
"""

from __future__ import annotations

import random

from zoo.errors import ZooError


def cut_sizes(name: str, n: int, fractions: dict[str, float]) -> dict[str, int]:
    """How many of `n` examples each split in `fractions` gets (at least one each); the rest
    is `train`."""
    sizes = {}
    for split, fraction in fractions.items():
        if not 0 < fraction < 1:
            raise ZooError(
                f"data.{split}_fraction={fraction} must be between 0 and 1 (exclusive) for "
                f"data={name}, or give a separate {split} file in data.path."
            )
        sizes[split] = max(1, round(fraction * n))
    sizes["train"] = n - sum(sizes.values())
    if sizes["train"] < 1:
        raise ZooError(
            f"data={name} has only {n} examples to cut into {['train', *fractions]}; "
            "give more data or smaller data.val_fraction/data.test_fraction."
        )
    return sizes


def assign_splits(
    name: str, parts: dict[str, list], val_fraction: float, test_fraction: float, seed: int | None
) -> dict[str, list]:
    """train/val/test lists from `parts`; shuffled with `seed`, or in order if it is None."""
    pool = list(parts["all"] if "all" in parts else parts["train"])
    missing = {s: f for s, f in (("val", val_fraction), ("test", test_fraction)) if s not in parts}
    if seed is not None:
        random.Random(seed).shuffle(pool)
    sizes = cut_sizes(name, len(pool), missing)
    result, start = {}, 0
    for split in ("train", "val", "test"):
        if split in missing or split == "train":
            result[split] = pool[start : start + sizes[split]]
            start += sizes[split]
        else:
            result[split] = list(parts[split])
    for split, examples in result.items():
        if not examples:
            raise ZooError(f"data={name}: the {split} file has no examples; check data.path.")
    return result
