"""data=parallel_text: source<TAB>target pairs for sequence-to-sequence models."""

from __future__ import annotations

import pytest
from conftest import NAMES, datamodule, train_quick, write_pairs

from zoo.errors import ZooError

pytestmark = pytest.mark.usefixtures("one_thread")



def test_pairs_give_separate_vocabularies_and_targets_ending_with_eos(tmp_path):
    dm = datamodule("parallel_text", path=str(write_pairs(tmp_path / "pairs.tsv")), seed=0)
    spec = dm.spec
    assert spec.layout.target == "sequence"
    assert set(spec.input_vocab) == {"<pad>", "<unk>", *map(str, range(10))}
    assert set(spec.target_vocab) == {"<pad>", "<unk>", "<bos>", "<eos>", *NAMES}
    assert (spec.bos_id, spec.eos_id) == (2, 3)
    train = dm.splits["train"].tensors
    n, m = int(train["x_len"][0]), int(train["y_len"][0])
    source = [spec.input_vocab[i] for i in train["x"][0, :n]]
    target = [spec.target_vocab[i] for i in train["y"][0, :m]]
    assert target == [NAMES[int(d)] for d in source] + ["<eos>"]
    assert {s: len(d) for s, d in dm.splits.items()} == {"train": 480, "val": 60, "test": 60}


def test_char_level_swapped_columns_and_length_filter(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("ab\tXYZ\nabcdef\tQ\nb\tY\n" * 5)
    dm = datamodule("parallel_text",
        path=str(path), level="char", lowercase=False, swap_columns=True, max_len=3, seed=0
    )
    assert set(dm.spec.input_vocab) >= {"X", "Y", "Z"} and "a" in dm.spec.target_vocab
    # training leaves out the 6-character side; val and test (2 pairs each) keep every pair
    assert int(dm.splits["train"].tensors["y_len"].max()) == 2 + 1  # "ab", then <eos>
    long_held = sum(int((dm.splits[s].tensors["y_len"] == 6 + 1).sum()) for s in ("val", "test"))
    assert [len(dm.splits[s]) for s in ("val", "test")] == [2, 2]
    assert len(dm.splits["train"]) == 11 - (5 - long_held)


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("go\tva\n\nI see. Je vois.\n", 3, "has no tab; each line must be source<TAB>target"),
        ("go\tva\n\t!\n", 2, "has an empty source"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path, content, line, words):
    path = tmp_path / "bad.tsv"
    path.write_text(content)
    with pytest.raises(ZooError, match=f"bad.tsv, line {line}: {words}"):
        datamodule("parallel_text", path=str(path)).setup()


def test_seq2seq_learns_to_spell_out_digits(tmp_path):
    path = write_pairs(tmp_path / "pairs.tsv")
    metrics, _ = train_quick(
        [
            "data=parallel_text",
            f"data.path={path}",
            "topology=seq2seq",
            "trainer=cpu",
            "cell.hidden_size=32",
            "data.batch_size=32",
            "optimizer.lr=0.01",
            "trainer.max_epochs=4",
            "exact_match=false",
        ],
        tmp_path,
    )
    assert metrics["test/acc"] > 0.6  # per-token accuracy; chance is about 1/11
