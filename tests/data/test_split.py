"""zoo.data.split: the one way examples are cut into train, val and test."""

from __future__ import annotations

import pytest
import torch

from zoo.data.batches import TensorSequences
from zoo.data.split import assign_splits, carve_val, split_indices
from zoo.errors import ZooError


def sizes(cut) -> dict[str, int]:
    return {s: len(i) for s, i in cut.items()}


def test_val_and_test_are_counts_or_fractions():
    assert sizes(split_indices("x", 100, 10, 0.2, seed=0)) == {"train": 70, "val": 10, "test": 20}
    assert sizes(split_indices("x", 100, 0.004, 0, seed=0)) == {"train": 99, "val": 1, "test": 0}


def test_random_split_is_a_seeded_partition_in_file_order():
    a, again, other = (split_indices("x", 50, 0.2, 0.2, seed=s) for s in (3, 3, 4))
    assert a == again and a != other
    assert sorted(a["train"] + a["val"] + a["test"]) == list(range(50))
    assert all(v == sorted(v) for v in a.values())
    assert a["val"] != list(range(10))  # shuffled, not the first examples


def test_stratified_split_keeps_each_groups_share():
    groups = ["a"] * 40 + ["b"] * 20
    cut = split_indices("x", 60, 0.25, 0.25, seed=0, groups=groups)
    for split, share in (("train", 0.5), ("val", 0.25), ("test", 0.25)):
        picked = [groups[i] for i in cut[split]]
        assert (picked.count("a"), picked.count("b")) == (40 * share, 20 * share)


def test_contiguous_split_keeps_the_order():
    cut = split_indices("x", 10, 2, 0.3)
    assert [list(cut[s]) for s in ("train", "val", "test")] == [[0, 1, 2, 3, 4], [5, 6], [7, 8, 9]]


@pytest.mark.parametrize(
    ("val", "test", "words"),
    [
        (0.6, 0.5, "val_size=0.6 and test_size=0.5 must leave examples for training"),
        (10, 0, "val_size=10 must leave examples for training"),
        (1.5, 0.1, "data.val_size=1.5 is not a count or a fraction"),
        (0.1, -1, "data.test_size=-1 is not a count or a fraction"),
    ],
)
def test_splits_that_do_not_fit_are_refused(val, test, words):
    with pytest.raises(ZooError, match=words):
        split_indices("x", 10, val, test, seed=0)


def test_separate_files_win_and_only_the_rest_is_cut():
    pool = list(range(20))
    found = assign_splits("x", {"train": pool, "test": ["t"]}, 0.1, 0.5, seed=0)
    assert sizes(found) == {"train": 18, "val": 2, "test": 1} and found["test"] == ["t"]
    with pytest.raises(ZooError, match="the test split is empty; give more data or raise"):
        assign_splits("x", {"all": pool}, 0.1, 0, seed=0)


def test_carve_val_draws_from_train_or_evaluates_on_test():
    def splits():
        return {"train": TensorSequences(torch.arange(40), torch.arange(40)),
                "test": TensorSequences(torch.arange(5), torch.arange(5))}

    carved = splits()
    carve_val("x", carved, 10, seed=0)
    x = torch.cat([carved["train"].tensors["x"], carved["val"].tensors["x"]])
    assert (len(carved["train"]), len(carved["val"])) == (30, 10)
    assert sorted(x.tolist()) == list(range(40))
    none = splits()
    carve_val("x", none, 0, seed=0)
    assert none["val"] is none["test"] and len(none["train"]) == 40
