"""data=names: surnames by language, classified (name -> language) or generated."""

from __future__ import annotations

import zipfile

import pytest
from conftest import compose_train, datamodule, train_quick

from zoo.data.datasets.names import URL
from zoo.errors import ZooError
from zoo.run.validate import validate
from zoo.spec import Layout

NAMES = {
    "Czech": [
        "Novak",
        "Dvorak",
        "Svoboda",
        "Cerny",
        "Kucera",
        "Vesely",
        "Horak",
        "Nemec",
        "Pokorny",
        "Marek",
    ],
    "Polish": [
        "Nowak",
        "Kowalski",
        "Wisniewski",
        "Ślusàrski",
        "Wojcik",
        "Kaminski",
        "Lewandowski",
        "Zielinski",
        "Szymanski",
        "Wozniak",
    ],
    "Irish": [
        "Murphy",
        "Kelly",
        "Byrne",
        "Ryan",
        "O'Brien",
        "Walsh",
        "O'Sullivan",
        "Doyle",
        "McCarthy",
        "Gallagher",
    ],
}


@pytest.fixture
def names_dir(tmp_path):
    folder = tmp_path / "names"
    folder.mkdir()
    for language, names in NAMES.items():
        (folder / f"{language}.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    return folder


def decode(ids, vocab):
    return "".join(vocab[i] for i in ids)


def test_classify_reads_a_folder_with_a_stratified_split(names_dir):
    dm = datamodule("names", root=str(names_dir), task="classify", seed=0, val_size=0.2,
                    test_size=0.2)
    spec = dm.spec
    assert spec.layout == Layout("sequence", "single")
    assert (spec.input_kind, spec.target_kind) == ("tokens", "class")
    assert spec.target_vocab == ["Czech", "Irish", "Polish"] and spec.target_size == 3
    for split, per_language in (("train", 6), ("val", 2), ("test", 2)):
        labels = dm.splits[split].tensors["y"].tolist()
        assert sorted(labels) == sorted([0, 1, 2] * per_language)
    data = dm.splits["train"]
    words = {
        decode(row[:n].tolist(), spec.input_vocab)
        for row, n in zip(data.tensors["x"], data.tensors["x_len"], strict=True)
    }
    every = {name for names in NAMES.values() for name in names}
    assert words <= every | {"Slusarski"}  # folded to ASCII as the tutorial does


def test_split_depends_on_the_seed_only(names_dir):
    first = datamodule("names", root=str(names_dir), seed=1)
    again = datamodule("names", root=str(names_dir), seed=1)
    other = datamodule("names", root=str(names_dir), seed=2)
    for dm in (first, again, other):
        dm.setup()
    x = first.splits["test"].tensors["x"]
    assert x.equal(again.splits["test"].tensors["x"])
    assert not x.equal(other.splits["test"].tensors["x"])


def test_generate_gives_the_language_and_expects_the_name_then_eos(names_dir):
    dm = datamodule("names", root=str(names_dir), task="generate", seed=0, ascii=False)
    spec = dm.spec
    assert spec.layout == Layout("single", "sequence")
    assert (spec.input_kind, spec.input_size, spec.target_kind) == ("label", 3, "tokens")
    assert spec.input_vocab == ["Czech", "Irish", "Polish"]
    assert spec.target_vocab[spec.bos_id] == "<bos>" and spec.target_vocab[spec.eos_id] == "<eos>"
    seen = set()
    for split in ("train", "val", "test"):
        t = dm.splits[split].tensors
        for language, row, n in zip(t["x"].tolist(), t["y"], t["y_len"].tolist(), strict=True):
            assert row[n - 1] == spec.eos_id
            name = decode(row[: n - 1].tolist(), spec.target_vocab)
            assert name in NAMES[spec.input_vocab[language]] or "<unk>" in name
            seen.add(name)
    assert len(seen) == 30
    # with ascii=False the accents stay (as <unk> when only a val/test name uses them)
    assert "Ślusàrski" in seen or "<unk>" in "".join(seen)


def test_the_tutorial_zip_reads_like_the_folder(tmp_path, names_dir):
    archive = tmp_path / "data.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in names_dir.iterdir():
            z.write(f, f"data/names/{f.name}")
        z.writestr("data/eng-fra.txt", "Go.\tVa !\n")
    from_zip = datamodule("names", root=str(archive), seed=0)
    from_folder = datamodule("names", root=str(names_dir), seed=0)
    assert from_zip.spec.target_vocab == from_folder.spec.target_vocab
    assert from_zip.splits["train"].tensors["x"].equal(from_folder.splits["train"].tensors["x"])


def test_without_root_it_downloads_the_tutorial_zip(monkeypatch, names_dir, tmp_path):
    archive = tmp_path / "data.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in names_dir.iterdir():
            z.write(f, f"data/names/{f.name}")
    calls = []

    def fetch(name, url, known_hash, cache_dir):
        calls.append(url)
        return archive

    monkeypatch.setattr("zoo.data.datasets.names.fetch", fetch)
    dm = datamodule("names", seed=0, cache_dir=str(tmp_path / "cache"))
    assert dm.spec.target_vocab == ["Czech", "Irish", "Polish"]
    assert calls == [URL]


def test_missing_local_copy_says_where_it_looked_and_what_to_set(tmp_path):
    with pytest.raises(ZooError, match=r"data\.root=.*empty.*point data\.root at a folder"):
        datamodule("names", root=str(tmp_path / "empty"), seed=0).setup()


def test_a_file_that_is_not_utf8_is_named_with_its_line(names_dir):
    (names_dir / "Greek.txt").write_bytes(b"Pappas\nKarra\xe9\n")
    with pytest.raises(ZooError, match=r"Greek\.txt, line 2: is not valid UTF-8"):
        datamodule("names", root=str(names_dir), seed=0).setup()


def test_sizes_that_leave_no_training_split_are_refused(names_dir):
    with pytest.raises(ZooError, match=r"val_size=0\.6 and test_size=0\.5 must"):
        datamodule("names", root=str(names_dir), seed=0, val_size=0.6,
                   test_size=0.5).setup()


def test_layout_follows_the_task_at_compose_time(tmp_path):
    cfg = compose_train(["data=names", "data.task=generate", "topology=many_to_one"], tmp_path)
    with pytest.raises(ZooError, match="topology=one_to_many"):
        validate(cfg)
    cfg = compose_train(["data=names", "data.task=spell"], tmp_path)
    with pytest.raises(ZooError, match="data.task='spell' is not known"):
        validate(cfg)


def test_processed_splits_are_cached(names_dir, tmp_path):
    first = datamodule("names", root=str(names_dir), seed=0, cache_dir=str(tmp_path / "cache"))
    first.setup()
    (cached,) = (tmp_path / "cache" / "processed").glob("names-*.pt")
    again = datamodule("names", root=str(names_dir), seed=0, cache_dir=str(tmp_path / "cache"))
    again.setup()
    assert again.spec == first.spec
    assert again.splits["val"].tensors["x"].equal(first.splits["val"].tensors["x"])
    assert cached.is_file()


def test_shared_copy_has_20074_names_in_18_languages(shared_data):
    dm = datamodule("names", root=str(shared_data / "names"), seed=0)
    assert dm.spec.target_size == 18
    assert sum(len(s) for s in dm.splits.values()) == 20074


@pytest.mark.slow
def test_classifier_learns_the_language_of_a_name(shared_data, tmp_path):
    # 47% of the names are Russian: always answering Russian scores about 0.47
    metrics, _ = train_quick(
        [
            "data=names",
            f"data.root={shared_data / 'names'}",
            "trainer.max_epochs=3",
            "optimizer.lr=0.003",
        ],
        tmp_path,
    )
    assert metrics["test/acc"] > 0.7
