"""The synthetic datasets: shapes, determinism by seed, and the content of each task."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from conftest import compose_train, datamodule
from hydra.utils import instantiate

from zoo.data.synthetic.addition import VOCAB as ADDITION_VOCAB
from zoo.data.synthetic.addition import Addition
from zoo.data.synthetic.copy_memory import TARGET_VOCAB, CopyMemory, memoryless_loss
from zoo.data.synthetic.spell import VOCAB as SPELL_VOCAB
from zoo.data.synthetic.spell import Spell, spell
from zoo.data.synthetic.xor import Xor
from zoo.errors import ZooError

SIZES = {"n_train": 300, "n_val": 50, "n_test": 50}


def built(cls, seed=0, **options):
    module = datamodule(cls, seed=seed, **options)
    module.setup()
    return module


def text(vocab, ids: torch.Tensor, length) -> str:
    return vocab.decode(ids[: int(length)].tolist())


@pytest.mark.parametrize(
    ("name", "overrides"),
    [
        ("copy_memory", ["data.T=7"]),
        ("addition", ["data.digits=2", "data.n_train=500", "data.n_val=50", "data.n_test=50"]),
        ("spell", []),
        ("xor", []),
    ],
)
def test_yaml_builds_and_spec_matches_the_tensors(name, overrides, tmp_path):
    cfg = compose_train([f"data={name}", *overrides], tmp_path)
    datamodule = instantiate(cfg.data)
    spec = datamodule.spec
    assert spec.layout == type(datamodule).layout(cfg.data)
    for split in datamodule.splits.values():
        x, y = split.tensors["x"], split.tensors["y"]
        assert len(x) == len(y) > 0
        if spec.input_kind == "features":
            assert x.shape[1:] == (spec.input_size,)
        else:
            assert 0 <= int(x.min()) and int(x.max()) < spec.input_size
        if spec.target_kind != "value":
            assert 0 <= int(y.min()) and int(y.max()) < spec.target_size
        for lengths in ("x_len", "y_len"):
            if lengths in split.tensors:
                assert int(split.tensors[lengths].min()) >= 1
        if spec.layout.target == "sequence":  # every target ends with the end token
            ends = y[torch.arange(len(y)), split.tensors["y_len"] - 1]
            assert bool((ends == spec.eos_id).all())


@pytest.mark.parametrize(
    ("cls", "options"),
    [
        (CopyMemory, {"T": 5, **SIZES}),
        (Addition, {"digits": 3, **SIZES}),
        (Spell, {"n_train": 300}),
        (Xor, SIZES),
    ],
)
def test_same_seed_same_data_other_seed_other_data(cls, options):
    first, again, other = (built(cls, seed, **options).splits for seed in (0, 0, 1))
    for split in ("train", "val", "test"):
        for key, tensor in first[split].tensors.items():
            assert torch.equal(tensor, again[split].tensors[key])
    assert not torch.equal(first["train"].tensors["x"], other["train"].tensors["x"])


def test_copy_memory_layout_of_inputs_and_targets():
    T = 6
    data = built(CopyMemory, T=T, **SIZES)
    vocab = data.spec.input_vocab
    x, y = data.splits["train"].tensors["x"], data.splits["train"].tensors["y"]
    assert x.shape == y.shape == (SIZES["n_train"], T + 20)
    symbols = [vocab[i] for i in x[:, :10].flatten().tolist()]
    assert set(symbols) == {str(i) for i in range(1, 9)}
    assert {vocab[i] for i in x[:, 10:].flatten().tolist()} == {"_", ":"}
    assert bool((x[:, T + 9] == vocab.index(":")).all())  # the delimiter, and only there
    assert int((x == vocab.index(":")).sum()) == SIZES["n_train"]
    assert bool((y[:, :-10] == TARGET_VOCAB.index("_")).all())
    recalled = [TARGET_VOCAB[i] for i in y[:, -10:].flatten().tolist()]
    assert recalled == symbols


def test_copy_memory_memoryless_baseline():
    """Blank where the answer is always blank, a uniform guess over the 8 symbols elsewhere."""
    T = 20
    y = built(CopyMemory, T=T, **SIZES).splits["test"].tensors["y"]
    logits = torch.full((*y.shape, len(TARGET_VOCAB)), -1e9)
    logits[:, :-10, 0] = 0.0
    logits[:, -10:, 1:] = 0.0
    loss = F.cross_entropy(logits.flatten(0, 1), y.flatten())
    assert loss.item() == pytest.approx(memoryless_loss(T), rel=1e-5)
    assert memoryless_loss(T) == pytest.approx(10 * math.log(8) / 40)


@pytest.mark.parametrize("reverse", [True, False])
def test_addition_targets_are_the_sums(reverse):
    data = built(Addition, digits=3, reverse=reverse, **SIZES)
    for split in data.splits.values():
        t = split.tensors
        for i in range(len(t["x"])):
            query = text(ADDITION_VOCAB, t["x"][i], t["x_len"][i])
            answer = text(ADDITION_VOCAB, t["y"][i], t["y_len"][i])
            a, b = (query[::-1] if reverse else query).split("+")
            assert len(a) <= 3 and len(b) <= 3
            assert answer == f"{int(a) + int(b)}<eos>"


def pairs(split) -> set[tuple[int, int]]:
    t = split.tensors
    found = set()
    for i in range(len(t["x"])):
        a, b = map(int, text(ADDITION_VOCAB, t["x"][i], t["x_len"][i])[::-1].split("+"))
        found.add((min(a, b), max(a, b)))
    return found


def test_addition_questions_are_unique_and_held_out():
    splits = built(Addition, digits=2, n_train=800, n_val=200, n_test=200).splits
    train, val, test = (pairs(splits[s]) for s in ("train", "val", "test"))
    assert (len(train), len(val), len(test)) == (800, 200, 200)  # no duplicates within
    assert not train & test and not train & val and not val & test


def test_addition_refuses_more_questions_than_exist():
    with pytest.raises(ZooError, match="too many for data.digits=1"):
        built(Addition, digits=1, n_train=50, n_val=5, n_test=5)


def test_spell_targets_spell_their_labels():
    assert [spell(n) for n in (0, 7, 13, 40, 42, 100, 105, 342, 999)] == [
        "zero",
        "seven",
        "thirteen",
        "forty",
        "forty-two",
        "one hundred",
        "one hundred five",
        "three hundred forty-two",
        "nine hundred ninety-nine",
    ]
    data = built(Spell, numbers=30, n_train=200)
    for split in data.splits.values():
        t = split.tensors
        for label, y, n in zip(t["x"].tolist(), t["y"], t["y_len"], strict=True):
            assert text(SPELL_VOCAB, y, n) == spell(label) + "<eos>"
    assert data.splits["test"].tensors["x"].tolist() == list(range(30))
    assert set(data.splits["train"].tensors["x"].tolist()) == set(range(30))


def test_xor_classes_are_the_parity_of_positive_coordinates():
    data = built(Xor, dim=3, **SIZES)
    x, y = data.splits["train"].tensors["x"], data.splits["train"].tensors["y"]
    assert x.shape == (SIZES["n_train"], 3) and float(x.abs().max()) <= 1.0
    assert y.tolist() == [sum(v > 0 for v in row) % 2 for row in x.tolist()]
    assert 0.4 < y.float().mean().item() < 0.6
