"""Cutting examples into train, val and test: the one place the zoo does it.

`split_indices` cuts `n` examples in one of three ways:

- random (a seed): shuffled by one seeded generator, `torch.Generator().manual_seed(seed)`;
  val takes the first of the shuffled examples, test the next, train the rest;
- stratified (a seed and a group per example, such as its label): the same within each group,
  the groups taken in sorted order, so every split keeps the groups' proportions;
- contiguous (no seed): in order, train first, then val, then test (streams, time series).

`val` and `test` (every datamodule's `data.val_size` and `data.test_size`) are each a count
of examples (a whole number >= 1) or a fraction in (0, 1), rounded to the nearest count (per
group when stratified; over the whole pool at least one); 0 or None holds out none.
Shuffled splits list their indices in file order, contiguous ones are `range`s.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import torch

from zoo.data.batches import TensorSequences
from zoo.errors import ZooError

SPLITS = ("train", "val", "test")
SIZES = ("val_size", "test_size")


def held_out(amount, n: int, name: str, option: str) -> int:
    """`amount` (a count, or a fraction of the `n` examples) as a number of examples."""
    if not amount:
        return 0
    if amount < 0 or (amount >= 1 and amount != int(amount)):
        raise ZooError(
            f"data.{option}={amount} is not a count or a fraction for data={name}; give a "
            "whole number of examples or a fraction in (0, 1) (0 holds out none)."
        )
    return int(amount) if amount >= 1 else max(1, round(amount * n))


def split_indices(
    name: str,
    n: int,
    val,
    test,
    seed: int | None = None,
    groups: Sequence | None = None,
    *,
    options: tuple[str, str] = SIZES,
) -> dict[str, Sequence[int]]:
    """The indices of each split among `n` examples: contiguous without a seed, else shuffled
    with it, within each group of `groups` (one key per example) when given. No examples
    give three empty splits, for the caller to say what left none."""
    if n == 0:
        return {s: [] for s in SPLITS}
    sizes = {"val": held_out(val, n, name, options[0]), "test": held_out(test, n, name, options[1])}
    if sizes["val"] + sizes["test"] >= n:
        given = " and ".join(f"{o}={a}" for o, a in zip(options, (val, test), strict=True) if a)
        raise ZooError(
            f"data={name}: {given} must leave examples for training, but they hold out "
            f"{sizes['val'] + sizes['test']} of its {n}; lower them or give more data."
        )
    if seed is None:
        n_train = n - sizes["val"] - sizes["test"]
        return {
            "train": range(0, n_train),
            "val": range(n_train, n_train + sizes["val"]),
            "test": range(n_train + sizes["val"], n),
        }
    shares = [(a if a < 1 else a / n) if a else 0 for a in (val, test)]
    members = defaultdict(list)
    for i, key in enumerate(groups if groups is not None else [None] * n):
        members[key].append(i)
    g = torch.Generator().manual_seed(seed)
    found = {s: [] for s in SPLITS}
    for key in sorted(members, key=str):
        idx = members[key]
        idx = [idx[j] for j in torch.randperm(len(idx), generator=g).tolist()]
        if groups is None:
            n_val, n_test = sizes["val"], sizes["test"]
        else:  # each group holds out its share (a count is spread as its fraction of `n`)
            n_val, n_test = (round(share * len(idx)) for share in shares)
        found["val"] += idx[:n_val]
        found["test"] += idx[n_val : n_val + n_test]
        found["train"] += idx[n_val + n_test :]
    return {s: sorted(v) for s, v in found.items()}


def carve_val(name: str, splits: dict[str, TensorSequences], val_size, seed: int) -> None:
    """`splits["val"]`: `val_size` examples (a count or a fraction) drawn from the training
    split with the seed, or the test split itself when `val_size` is 0 or null."""
    if not val_size:
        splits["val"] = splits["test"]
        return
    train = splits["train"].tensors
    cut = split_indices(name, len(splits["train"]), val_size, 0, seed)
    for split in ("train", "val"):
        idx = torch.tensor(cut[split], dtype=torch.long)
        splits[split] = TensorSequences(**{k: v[idx] for k, v in train.items()})


def assign_splits(name: str, parts: dict[str, list], val, test, seed: int | None,
                  test_from_val: bool = False, group_of=None) -> dict:
    """train/val/test lists from `parts`: `all` (one source cut three ways) or `train` plus any
    of `val`/`test` from separate files, which win; only the others are cut from the pool.
    `test_from_val`: the test split is the val split (none is cut for it). `group_of`: an
    example's group (such as its label), to cut the pool stratified by it."""
    pool = parts["all"] if "all" in parts else parts["train"]
    groups = None if group_of is None else [group_of(example) for example in pool]
    cut = split_indices(
        name, len(pool), 0 if "val" in parts else val, 0 if "test" in parts else test, seed,
        groups,
    )
    found = {}
    for split in SPLITS:
        if split == "test" and test_from_val:
            found[split] = found["val"]
            continue
        separate = split in parts and split != "train"
        found[split] = list(parts[split]) if separate else [pool[i] for i in cut[split]]
        if separate and not found[split]:
            raise ZooError(f"data={name}: the {split} file has no examples; check data.path.")
        if not found[split] and split == "train":  # nothing held out: nothing was read
            raise ZooError(f"data={name}: data.path holds no examples; point it at your data.")
        if not found[split]:
            raise ZooError(
                f"data={name}: the {split} split is empty; give more data or raise "
                f"data.{split}_size."
            )
    return found
