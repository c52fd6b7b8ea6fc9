"""data=text_classification: labelled texts from a CSV/TSV file or from class folders."""

from __future__ import annotations

import random

import pytest
from conftest import datamodule, train_quick

from zoo.errors import ZooError

pytestmark = pytest.mark.usefixtures("one_thread")

POS = "good great fine superb lovely".split()
NEG = "bad awful poor dreadful dull".split()
FILLER = "the a movie film plot actor scene it was".split()


def review(rng, label):
    words = rng.choices(FILLER, k=rng.randint(2, 6)) + [rng.choice((NEG, POS)[label])]
    rng.shuffle(words)
    return " ".join(words)


def write_reviews(path, n=300, seed=0):
    rng = random.Random(seed)
    rows = ["text,label"]
    for _ in range(n):
        label = rng.randrange(2)
        rows.append(f'"{review(rng, label).capitalize()}, really.",{("neg", "pos")[label]}')
    path.write_text("\n".join(rows) + "\n")
    return path


def test_csv_gives_word_ids_lengths_and_sorted_classes(tmp_path):
    dm = datamodule("text_classification",
                    path=str(write_reviews(tmp_path / "reviews.csv")), seed=0)
    spec = dm.spec
    assert (spec.input_kind, spec.target_kind, spec.target_vocab) == (
        "tokens",
        "class",
        ["neg", "pos"],
    )
    assert spec.input_vocab[:4] == ["<pad>", "<unk>", "<bos>", "<eos>"]
    assert {"really", ",", ".", "the"} <= set(spec.input_vocab)  # lowercased, punctuation kept
    assert {s: len(d) for s, d in dm.splits.items()} == {"train": 240, "val": 30, "test": 30}
    train = dm.splits["train"].tensors
    first = train["x"][0, : train["x_len"][0]].tolist()
    assert spec.input_vocab[first[-1]] == "." and 0 not in first


def test_vocabulary_comes_from_train_only_and_texts_are_truncated(tmp_path):
    train = write_reviews(tmp_path / "train.csv", n=50)
    test = tmp_path / "test.csv"
    test.write_text("text,label\nzebra good good good good good,pos\n")
    dm = datamodule("text_classification",
                    path={"train": str(train), "test": str(test)}, max_len=3, seed=0)
    assert "zebra" not in dm.spec.input_vocab
    x = dm.splits["test"].tensors["x"][0].tolist()
    assert x[0] == 1 and len(x) == 3  # <unk>, then cut to max_len


def test_tsv_by_column_index_at_char_level(tmp_path):
    path = tmp_path / "data.tsv"
    path.write_text("1\tAb\n0\tba\n" * 10)
    dm = datamodule("text_classification",
        path=str(path), text_column=1, label_column=0, level="char", lowercase=False, seed=0
    )
    assert dm.spec.target_vocab == ["0", "1"]
    assert {"A", "b", "a"} <= set(dm.spec.input_vocab) and dm.spec.tokenization.join == ""


def test_class_folders(tmp_path):
    for label, texts in {
        "pos": ["fine film", "great"],
        "neg": ["dull", "awful plot", "bad"],
    }.items():
        (tmp_path / "reviews" / label).mkdir(parents=True)
        for i, text in enumerate(texts * 4):
            (tmp_path / "reviews" / label / f"{i}.txt").write_text(text)
    dm = datamodule("text_classification", path=str(tmp_path / "reviews"), seed=0)
    assert dm.spec.target_vocab == ["neg", "pos"]
    assert sum(len(d) for d in dm.splits.values()) == 20


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("text,label\ngood,pos\njust some text\n", 3, "has 1 field, too few"),
        ("text,label\ngood,pos\n  ,neg\n", 3, "the text is empty"),
        ("text,label\ngood,pos\nbad,\n", 3, "has an empty label"),
    ],
)
def test_malformed_rows_name_file_and_line(tmp_path, content, line, words):
    path = tmp_path / "bad.csv"
    path.write_text(content + "fine,pos\nawful,neg\nok,pos\n" * 3)
    dm = datamodule("text_classification", path=str(path), seed=0)
    with pytest.raises(ZooError, match=f"bad.csv, line {line}: .*{words}"):
        dm.setup()


def test_unknown_column_is_named(tmp_path):
    path = write_reviews(tmp_path / "reviews.csv", n=20)
    with pytest.raises(ZooError, match="data.text_column='body' is not a column"):
        datamodule("text_classification", path=str(path), text_column="body").setup()


def test_trains_end_to_end_above_chance(tmp_path):
    path = write_reviews(tmp_path / "reviews.csv")
    metrics, _ = train_quick(
        [
            "data=text_classification",
            f"data.path={path}",
            "trainer=cpu",
            "cell.hidden_size=32",
            "optimizer.lr=0.01",
            "trainer.max_epochs=3",
        ],
        tmp_path,
    )
    assert metrics["test/acc"] > 0.8  # chance is about 0.5
