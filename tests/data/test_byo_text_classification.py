"""data=text_classification: labelled texts from a CSV/TSV file or from class folders."""

from __future__ import annotations

import random

import pytest
from conftest import compose_train, datamodule, train_quick

from zoo.errors import ZooError
from zoo.run.validate import validate
from zoo.spec import Layout

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


def write_class_files(folder, texts: dict[str, list[str]]):
    folder.mkdir()
    for label, lines in texts.items():
        (folder / f"{label}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def texts_of(data, vocab, seq="x"):
    t = data.tensors
    return ["".join(vocab[i] for i in row[:n]) for row, n in zip(t[seq], t[f"{seq}_len"].tolist(),
                                                                strict=True)]


def test_class_files_hold_one_example_a_line(tmp_path):
    folder = write_class_files(tmp_path / "names", {
        "Irish": ["Murphy", "", "  Kelly  ", "Byrne"] * 3,
        "Czech": ["Novak", "Dvorak", "Cerny"] * 3,
    })
    (folder / "README.md").write_text("not a class\n")
    dm = datamodule("text_classification", path=str(folder), level="char", lowercase=False,
                    seed=0)
    assert dm.spec.target_vocab == ["Czech", "Irish"]  # the file names, sorted
    found = {}
    for data in dm.splits.values():
        for text, label in zip(texts_of(data, dm.spec.input_vocab), data.tensors["y"].tolist(),
                               strict=True):
            found.setdefault(dm.spec.target_vocab[label], []).append(text)
    assert sorted(found["Irish"]) == sorted(["Murphy", "Kelly", "Byrne"] * 3)  # blank skipped
    assert sorted(found["Czech"]) == sorted(["Novak", "Dvorak", "Cerny"] * 3)


def test_a_folder_with_sub_folders_is_read_as_class_folders(tmp_path):
    folder = write_class_files(tmp_path / "data", {"loose": ["ignored line"] * 5})
    for label in ("neg", "pos"):
        (folder / label).mkdir()
        for i in range(5):
            (folder / label / f"{i}.txt").write_text(f"{label} text")
    dm = datamodule("text_classification", path=str(folder), seed=0)
    assert dm.spec.target_vocab == ["neg", "pos"]
    assert sum(len(d) for d in dm.splits.values()) == 10


def test_a_class_file_that_is_not_utf8_is_named_with_its_line(tmp_path):
    folder = write_class_files(tmp_path / "names", {"Czech": ["Novak"] * 5, "Irish": []})
    (folder / "Irish.txt").write_bytes(b"Murphy\nKelly\nByrn\xe9\n")
    with pytest.raises(ZooError, match=r"Irish\.txt, line 3: is not valid UTF-8"):
        datamodule("text_classification", path=str(folder), seed=0).setup()


def test_a_folder_of_neither_format_says_what_to_put_there(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "reviews.csv").write_text("text,label\ngood,pos\n")
    with pytest.raises(ZooError, match=r"holds neither class sub-folders nor <class>\.txt"):
        datamodule("text_classification", path=str(tmp_path / "data"), seed=0).setup()


def test_one_class_is_refused(tmp_path):
    folder = write_class_files(tmp_path / "names", {"Czech": ["Novak"] * 9, "Irish": []})
    with pytest.raises(ZooError, match=r"1 class\(es\) \(Czech\); give examples of at least two"):
        datamodule("text_classification", path=str(folder), seed=0).setup()


def label_counts(dm) -> dict[str, list[int]]:
    dm.setup()
    return {s: [d.tensors["y"].tolist().count(c) for c in (0, 1)] for s, d in dm.splits.items()}


def test_stratify_keeps_each_class_share_in_every_split(tmp_path):
    folder = write_class_files(tmp_path / "texts", {
        "common": [f"common text {i}" for i in range(40)],
        "rare": [f"rare text {i}" for i in range(10)],
    })
    options = dict(path=str(folder), val_size=0.2, test_size=0.2, seed=0)
    stratified = datamodule("text_classification", stratify=True, **options)
    assert label_counts(stratified) == {"train": [24, 6], "val": [8, 2], "test": [8, 2]}
    shuffled = datamodule("text_classification", stratify=False, **options)
    assert label_counts(shuffled) != label_counts(stratified)  # this seed's shuffle is uneven


def test_generate_gives_the_class_and_expects_the_text_then_eos(tmp_path):
    lines = {"Czech": ["Novak", "Dvorak", "Cerny"] * 4, "Irish": ["Murphy", "Kelly"] * 5}
    folder = write_class_files(tmp_path / "names", lines)
    dm = datamodule("text_classification", path=str(folder), task="generate", level="char",
                    lowercase=False, seed=0)
    spec = dm.spec
    assert spec.layout == Layout("single", "sequence")
    assert (spec.input_kind, spec.input_size, spec.target_kind) == ("label", 2, "tokens")
    assert spec.input_vocab == ["Czech", "Irish"] and spec.tokenization is None
    assert spec.target_vocab[spec.eos_id] == "<eos>" and spec.target_vocab[spec.bos_id] == "<bos>"
    assert spec.target_tokenization.level == "char"
    generated = {}
    for data in dm.splits.values():
        t = data.tensors
        assert t["x"].dim() == 1 and "x_len" not in t
        for row, n in zip(t["y"], t["y_len"].tolist(), strict=True):
            assert row[n - 1] == spec.eos_id
        for label, text in zip(t["x"].tolist(), texts_of(data, spec.target_vocab, "y"),
                               strict=True):
            generated.setdefault(spec.input_vocab[label], []).append(text.removesuffix("<eos>"))
    assert {k: sorted(v) for k, v in generated.items()} == {k: sorted(v) for k, v in lines.items()}


@pytest.mark.parametrize(("task", "topology", "wanted"), [
    ("generate", "many_to_one", "topology=one_to_many"),
    ("classify", "one_to_many", "topology=many_to_one"),
])
def test_the_task_sets_the_layout_at_compose_time(tmp_path, task, topology, wanted):
    cfg = compose_train(["data=text_classification", f"data.task={task}",
                         f"topology={topology}"], tmp_path)
    with pytest.raises(ZooError, match=wanted):
        validate(cfg)


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
