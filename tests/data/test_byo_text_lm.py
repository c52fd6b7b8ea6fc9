"""data=text_lm: next-token language modelling on the user's own text."""

from __future__ import annotations

import math

import pytest
import torch
from conftest import compose_train, datamodule, train_quick

from zoo.errors import ZooError
from zoo.run.validate import validate

pytestmark = pytest.mark.usefixtures("one_thread")

TEXT = "the cat sat on the mat.\n" * 100


def test_chunks_are_inputs_and_targets_shifted_by_one(tmp_path):
    path = tmp_path / "book.txt"
    path.write_text(TEXT)
    dm = datamodule("text_lm", path=str(path), seq_len=10, batch_size=4, eval_batch_size=4)
    spec = dm.spec
    assert spec.layout.causal and spec.target_kind == "tokens"
    assert spec.input_vocab == spec.target_vocab and spec.input_vocab[:2] == ["<pad>", "<unk>"]
    assert set(spec.input_vocab[2:]) == set(TEXT)
    batch = next(iter(dm.val_dataloader()))
    assert batch["x"].shape == (4, 10)
    assert torch.equal(batch["x"][:, 1:], batch["y"][:, :-1])
    text = "".join(spec.input_vocab[i] for i in batch["x"][0])
    assert text in TEXT * 2


def test_contiguous_split_and_train_only_vocabulary(tmp_path):
    path = tmp_path / "book.txt"
    path.write_text("ab" * 90 + "zz" * 5 + "ab" * 5)  # 200 characters, 'z' only in val
    dm = datamodule("text_lm",
                    path=str(path), val_size=0.05, test_size=0.05, seq_len=4, seed=0)
    assert "z" not in dm.spec.input_vocab
    assert dm.splits["val"].tensors["x"][0].tolist() == [1] * 9  # <unk> for the unseen 'z'
    assert len(dm.splits["train"].tensors["x"][0]) == 179


def test_word_level_and_separate_files(tmp_path):
    (tmp_path / "train.txt").write_text("the cat sat . the dog ran .\n" * 20)
    (tmp_path / "valid.txt").write_text("the cat ran .\n" * 5)
    dm = datamodule("text_lm",
        path={"train": str(tmp_path / "train.txt"), "val": str(tmp_path / "valid.txt")},
        level="word",
        seq_len=5,
        seed=0,
    )
    assert set(dm.spec.input_vocab) == {"<pad>", "<unk>", "the", "cat", "sat", ".", "dog", "ran"}
    assert len(dm.splits["val"].tensors["x"][0]) == 19  # 20 words, shifted by one


def test_invalid_utf8_names_file_and_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"fine\nalso fine\n\xff broken\n")
    with pytest.raises(ZooError, match="bad.txt, line 3: is not valid UTF-8"):
        datamodule("text_lm", path=str(path)).setup()


def test_missing_path_names_the_option():
    with pytest.raises(ZooError, match=r"data=text_lm .* set data\.path="):
        datamodule("text_lm").setup()


def test_bidirectional_language_model_is_refused_at_compose_time(tmp_path):
    cfg = compose_train(["data=text_lm", "topology=many_to_many", "direction=bi"], tmp_path)
    with pytest.raises(ZooError, match="direction=uni"):
        validate(cfg)


def test_learns_a_repetitive_text(tmp_path):
    path = tmp_path / "book.txt"
    path.write_text(TEXT)
    metrics, _ = train_quick(
        [
            "data=text_lm",
            f"data.path={path}",
            "topology=many_to_many",
            "trainer=cpu",
            "data.seq_len=24",
            "data.batch_size=8",
            "cell.hidden_size=32",
            "optimizer.lr=0.01",
            "trainer.max_epochs=4",
        ],
        tmp_path,
    )
    uniform = math.log(len(set(TEXT)) + 2)
    assert metrics["test/loss"] < uniform / 3 and metrics["test/acc"] > 0.8
