"""data=shakespeare: character language modelling on one contiguous text."""

from __future__ import annotations

import pytest
import torch
from conftest import datamodule, train_quick

from zoo.data.datasets.shakespeare import SHA256, URL
from zoo.errors import ZooError
from zoo.spec import Layout

TEXT = (
    "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n\n"
    "First Citizen:\nYou are all resolved rather to die than to famish?\n\n"
) * 20


@pytest.fixture
def text_file(tmp_path):
    path = tmp_path / "input.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def as_text(ids, spec) -> str:
    return "".join(spec.input_vocab[i] for i in ids)


def test_spec_is_a_causal_character_model_over_every_character(text_file):
    dm = datamodule("shakespeare", root=str(text_file.parent), seed=0)
    spec = dm.spec
    assert spec.layout == Layout("sequence", "aligned", causal=True)
    assert (spec.input_kind, spec.target_kind) == ("tokens", "tokens")
    assert set(spec.input_vocab) == set(TEXT) | {"<pad>", "<unk>"}
    assert spec.input_vocab == spec.target_vocab and spec.stateful is True


def test_splits_are_contiguous_and_targets_are_the_next_character(text_file):
    dm = datamodule("shakespeare", root=str(text_file), seed=0, val_size=0.1, test_size=0.1)
    dm.setup()
    parts = []
    for split in ("train", "val", "test"):
        t = dm.splits[split].tensors
        x, y = as_text(t["x"][0].tolist(), dm.spec), as_text(t["y"][0].tolist(), dm.spec)
        assert x[1:] == y[:-1]
        parts.append(x + y[-1])
    assert "".join(parts) == TEXT


def test_stateful_batches_continue_each_others_streams(text_file):
    dm = datamodule("shakespeare",
                    root=str(text_file), seed=0, batch_size=4, seq_len=10, val_size=0.1)
    dm.setup()
    stream = dm.splits["train"].tensors["x"][0]
    batches = list(dm.train_dataloader())
    assert len(batches) == len(stream) // 4 // 10
    assert all(b["x"].shape == (4, 10) and "x_len" not in b for b in batches)
    per_stream = len(stream) // 4
    for j in range(4):  # row j of the batches, end to end, is the j-th quarter of the stream
        row = torch.cat([b["x"][j] for b in batches])
        start = j * per_stream
        assert row.equal(stream[start : start + len(row)])
    for before, after in zip(batches, batches[1:], strict=False):
        assert before["y"][:, -1].equal(after["x"][:, 0])  # each row goes on where it stopped
    assert [b["x"].tolist() for b in dm.train_dataloader()] == [b["x"].tolist() for b in batches]


def test_stateless_chunks_are_shuffled_independent_examples(text_file):
    dm = datamodule("shakespeare",
                    root=str(text_file), seed=0, batch_size=4, seq_len=10, stateful=False)
    assert dm.spec.stateful is False
    torch.manual_seed(0)
    first = [b["x"] for b in dm.train_dataloader()]
    rows = torch.cat(first)
    stream = dm.splits["train"].tensors["x"][0]
    chunks = stream[: len(rows) * 10].view(-1, 10)
    assert sorted(map(tuple, rows.tolist())) == sorted(map(tuple, chunks.tolist()))
    assert not rows.equal(chunks)  # shuffled
    val = torch.cat([b["x"] for b in dm.val_dataloader()])
    assert val.equal(dm.splits["val"].tensors["x"][0][: len(val) * 10].view(-1, 10))


def test_zero_test_size_tests_on_the_val_text(text_file):
    dm = datamodule("shakespeare", root=str(text_file), seed=0, val_size=0.05, test_size=0)
    dm.setup()
    assert dm.splits["test"].tensors["x"].equal(dm.splits["val"].tensors["x"])


def test_a_split_too_short_for_the_batch_says_what_to_change(text_file):
    dm = datamodule("shakespeare", root=str(text_file), seed=0, batch_size=64, seq_len=50)
    with pytest.raises(ZooError, match="too short.*data.seq_len or data.batch_size"):
        dm.val_dataloader()


def test_without_root_it_downloads_the_verified_official_file(monkeypatch, text_file, tmp_path):
    calls = []

    def fetch(name, url, known_hash, cache_dir, filename=None):
        calls.append((url, known_hash, filename))
        return text_file

    monkeypatch.setattr("zoo.data.files.seed_source.fetch", fetch)
    datamodule("shakespeare", seed=0, cache_dir=str(tmp_path / "cache")).setup()
    assert calls == [(URL, SHA256, "input.txt")]


def test_missing_local_copy_says_where_it_looked(tmp_path):
    with pytest.raises(ZooError, match=r"input\.txt.*data\.root="):
        datamodule("shakespeare", root=str(tmp_path), seed=0).setup()


def test_stateful_training_learns_a_repeating_text(tmp_path):
    (tmp_path / "input.txt").write_text("the cat sat on the mat. " * 120, encoding="utf-8")
    overrides = [
        "data=shakespeare",
        f"data.root={tmp_path}",
        "data.batch_size=8",
        "data.seq_len=25",
        "data.val_size=0.1",
        "data.test_size=0.1",
        "topology=many_to_many",
        "cell.hidden_size=32",
        "trainer.max_epochs=4",
        "optimizer.lr=0.01",
    ]
    metrics, _ = train_quick(overrides, tmp_path)
    # 11 distinct characters: guessing uniformly gives a perplexity of 11
    assert metrics["test/ppl"] < 2.0


def test_shared_copy_has_1115394_characters_of_65_kinds(shared_data):
    dm = datamodule("shakespeare", root=str(shared_data / "tinyshakespeare"), seed=0)
    assert len(dm.spec.input_vocab) == 65 + 2  # and <pad>, <unk>
    lengths = [dm.splits[s].tensors["x"].size(1) + 1 for s in ("train", "val", "test")]
    assert sum(lengths) == 1115394


@pytest.mark.slow
def test_char_model_learns_shakespeare(shared_data, tmp_path):
    metrics, _ = train_quick(
        [
            "data=shakespeare",
            f"data.root={shared_data / 'tinyshakespeare'}",
            "topology=many_to_many",
            "cell.hidden_size=128",
            "trainer.max_epochs=1",
            "optimizer.lr=0.003",
        ],
        tmp_path,
    )
    # a unigram model of the text scores a perplexity of about 27
    assert metrics["test/ppl"] < 8
