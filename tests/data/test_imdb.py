"""IMDB: Keras-compatible word ids from every accepted form of the data, Keras-style cutting."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import datamodule, train_quick

from zoo.data.datasets import imdb as imdb_module
from zoo.data.datasets.imdb import Imdb
from zoo.data.files.imdb_reader import keras_words
from zoo.data.padding import padded
from zoo.errors import ZooError

WORD_INDEX = {"the": 1, "movie": 2, "great": 3, "bad": 4, "was": 5, "br": 6, "don't": 7}
REVIEWS = {  # (split, label) -> texts, file ids in order
    ("train", "pos"): ["The movie was great!", "great, GREAT<br /><br />movie"],
    ("train", "neg"): ["The movie was bad.", "bad bad (really) bad", "don't"],
    ("test", "pos"): ["a great movie"],
    ("test", "neg"): ["bad... the movie"],
}
# Keras ids (rank + 3, start 1, unknown words skipped), in (split, label, file id) order
TRAIN_IDS = [[1, 4, 5, 8, 7], [1, 7, 7, 7], [1, 10], [1, 4, 5, 8, 6], [1, 6, 6, 9, 9, 5]]
TRAIN_LABELS = [0, 0, 0, 1, 1]


def write_acl_imdb(folder: Path, word_index: bool = True) -> Path:
    for (split, label), texts in REVIEWS.items():
        (folder / "aclImdb" / split / label).mkdir(parents=True, exist_ok=True)
        for i, text in enumerate(texts):
            (folder / "aclImdb" / split / label / f"{i}_7.txt").write_text(text)
    (folder / "aclImdb" / "train" / "unsup").mkdir()
    (folder / "aclImdb" / "train" / "unsup" / "0_0.txt").write_text("ignored review")
    if word_index:
        (folder / "imdb_word_index.json").write_text(json.dumps(WORD_INDEX))
    return folder


def write_archive(folder: Path, prefix: str = "") -> Path:
    source = write_acl_imdb(folder / "src")
    folder.mkdir(exist_ok=True)
    archive = folder / "aclImdb_v1.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(source / "aclImdb", arcname=prefix + "aclImdb")
    (folder / "imdb_word_index.json").write_text(json.dumps(WORD_INDEX))
    return archive


def imdb(root, tmp_path, **options) -> Imdb:
    options = {"name": "imdb", "num_words": None, "maxlen": None, **options}
    dm = datamodule("imdb",
                    cache_dir=str(tmp_path / "cache"), root=str(root) if root else None, **options)
    dm.setup()
    return dm


def rows(data) -> list[list[int]]:
    t = data.tensors
    return [x[:n].tolist() for x, n in zip(t["x"], t["x_len"], strict=True)]


def test_keras_word_splitting():
    text = "I LOVED it!<br /><br />Don't miss:\tpart-2 (2005)...most\x85and"
    assert keras_words(text) == [
        "i",
        "loved",
        "it",
        "br",
        "br",
        "don't",
        "miss",
        "part",
        "2",
        "2005",
        "most\x85and",
    ]


def test_pad_truncate_is_keras_pad_sequences_with_lengths():
    seqs = [[1, 2, 3, 4], [5], [6, 7]]
    x, n = padded(seqs, maxlen=3, truncating="pre")
    assert x.tolist() == [[2, 3, 4], [5, 0, 0], [6, 7, 0]] and n.tolist() == [3, 1, 2]
    x, n = padded(seqs, maxlen=3, truncating="post")
    assert x.tolist() == [[1, 2, 3], [5, 0, 0], [6, 7, 0]]
    x, n = padded(seqs)
    assert x.shape == (3, 4) and n.tolist() == [4, 1, 2]
    with pytest.raises(ZooError, match="data.truncating='middle'"):
        padded(seqs, 2, "middle")


def test_folder_gives_keras_ids_and_labels(tmp_path):
    dm = imdb(write_acl_imdb(tmp_path), tmp_path)
    train = dm.splits["train"]
    assert rows(train) == TRAIN_IDS
    assert train.tensors["y"].tolist() == TRAIN_LABELS
    assert rows(dm.splits["test"]) == [[1, 7, 4, 5], [1, 6, 5]]
    assert dm.splits["val"] is dm.splits["test"]  # the Keras example validates on test
    assert train.tensors["x"].dtype == torch.int32 and train.tensors["x_len"].dtype == torch.int64
    spec = dm.spec
    assert spec.input_kind == "tokens" and spec.target_kind == "class"
    assert spec.target_vocab == ["neg", "pos"] and spec.pad_id == 0
    assert spec.input_size == 7 + 3 + 1
    assert spec.input_vocab[:5] == ["<pad>", "<start>", "<oov>", "<unused>", "the"]


def test_num_words_maxlen_truncating_and_index_from(tmp_path):
    root = write_acl_imdb(tmp_path)
    dm = imdb(root, tmp_path, num_words=7, maxlen=3, truncating="pre")
    assert rows(dm.splits["train"]) == [[5, 2, 2], [2, 2, 2], [1, 2], [5, 2, 6], [2, 2, 5]]
    assert dm.spec.input_size == 7 and len(dm.spec.input_vocab) == 7
    post = imdb(root, tmp_path, maxlen=2, truncating="post", index_from=2)
    assert rows(post.splits["train"])[:2] == [[1, 3], [1, 6]]
    with pytest.raises(ZooError, match="data.padding='middle'"):
        imdb(root, tmp_path, padding="middle")
    with pytest.raises(ZooError, match="data.index_from=1"):
        imdb(root, tmp_path, index_from=1)


def test_padding_pre_and_post_store_the_same_sequences(tmp_path):
    root = write_acl_imdb(tmp_path)
    pre, post = (imdb(root, tmp_path, maxlen=4, padding=p) for p in ("pre", "post"))
    for name in ("x", "x_len", "y"):
        assert torch.equal(pre.splits["train"].tensors[name], post.splits["train"].tensors[name])


def test_archive_matches_folder_even_nested(tmp_path):
    folder = imdb(write_acl_imdb(tmp_path / "f"), tmp_path / "f")
    for i, prefix in enumerate(("", "downloads/v1/")):
        archive = write_archive(tmp_path / f"a{i}", prefix)
        for root in (archive, archive.parent):  # the file itself, or a folder holding it
            dm = imdb(root, tmp_path / f"a{i}")
            for split in ("train", "test"):
                assert rows(dm.splits[split]) == rows(folder.splits[split])


def test_keras_npz_ranks_become_the_same_ids(tmp_path):
    arrays = {"y_train": np.array([1, 0, 0]), "y_test": np.array([1])}
    for split, reviews in {"train": [[1, 2, 5, 3], [4, 4, 4], [7]], "test": [[3, 2]]}.items():
        arrays[f"x_{split}"] = np.empty(len(reviews), dtype=object)
        arrays[f"x_{split}"][:] = reviews
    np.savez(tmp_path / "imdb.npz", **arrays)
    (tmp_path / "imdb_word_index.json").write_text(json.dumps(WORD_INDEX))
    dm = imdb(tmp_path, tmp_path, num_words=8)
    assert rows(dm.splits["train"]) == [[1, 4, 5, 2, 6], [1, 7, 7, 7], [1, 2]]
    assert dm.splits["train"].tensors["y"].tolist() == [1, 0, 0]
    assert dm.spec.input_vocab[4] == "the" and dm.spec.input_size == 8


def test_val_split_is_carved_from_train(tmp_path):
    root = write_acl_imdb(tmp_path)
    a, b = (imdb(root, tmp_path / str(i), val_size=2, seed=1) for i in range(2))
    assert (len(a.splits["train"]), len(a.splits["val"]), len(a.splits["test"])) == (3, 2, 2)
    assert rows(a.splits["val"]) == rows(b.splits["val"])
    together = sorted(rows(a.splits["train"]) + rows(a.splits["val"]))
    assert together == sorted(TRAIN_IDS)


def test_without_a_word_index_words_are_ranked_from_train(tmp_path):
    dm = imdb(write_acl_imdb(tmp_path, word_index=False), tmp_path)
    vocab = dm.spec.input_vocab
    assert vocab[4:6] == ["bad", "movie"]  # the most frequent training words
    assert [vocab[i] for i in rows(dm.splits["train"])[0][1:]] == ["the", "movie", "was", "bad"]


def test_truncated_archive_is_a_clear_error_and_nothing_is_cached(tmp_path):
    archive = write_archive(tmp_path)
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(ZooError, match="corrupt or truncated archive"):
        imdb(archive, tmp_path)
    assert not list((tmp_path / "cache").rglob("*.pt"))


def test_missing_or_empty_roots_are_clear_errors(tmp_path):
    with pytest.raises(ZooError, match="does not exist"):
        imdb(tmp_path / "nowhere", tmp_path)
    with pytest.raises(ZooError, match="no aclImdb/ folder, .tar.gz archive or imdb.npz"):
        imdb(tmp_path, tmp_path)
    empty = tmp_path / "empty.tar.gz"
    with tarfile.open(empty, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("README"), io.BytesIO())
    with pytest.raises(ZooError, match="holds no train/neg and train/pos reviews"):
        imdb(empty, tmp_path)


def test_second_setup_reads_the_processed_cache(tmp_path, monkeypatch):
    root = write_acl_imdb(tmp_path)
    first = imdb(root, tmp_path, maxlen=4)
    monkeypatch.setattr(Imdb, "build", lambda self: pytest.fail("rebuilt despite the cache"))
    second = imdb(root, tmp_path, maxlen=4)
    assert rows(second.splits["train"]) == rows(first.splits["train"])
    assert second.spec == first.spec


def test_download_is_verified_and_offline_says_how_to_fix_it(tmp_path, monkeypatch):
    archive = write_archive(tmp_path / "site")
    index = archive.parent / "imdb_word_index.json"
    handler = partial(SimpleHTTPRequestHandler, directory=str(archive.parent))
    handler.log_message = lambda *a: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    site = f"http://127.0.0.1:{server.server_address[1]}/"
    md5 = {p: "md5:" + hashlib.md5(p.read_bytes()).hexdigest() for p in (archive, index)}
    try:
        monkeypatch.setattr(imdb_module, "ARCHIVE_URL", site + archive.name)
        monkeypatch.setattr(imdb_module, "ARCHIVE_MD5", md5[archive])
        monkeypatch.setattr(imdb_module, "WORD_INDEX_URL", site + index.name)
        monkeypatch.setattr(imdb_module, "WORD_INDEX_MD5", md5[index])
        dm = imdb(None, tmp_path)
        assert rows(dm.splits["train"]) == TRAIN_IDS
        assert (tmp_path / "cache" / "downloads" / "imdb" / archive.name).is_file()
    finally:
        server.shutdown()
        server.server_close()
    monkeypatch.setattr(imdb_module, "ARCHIVE_URL", "http://127.0.0.1:9/aclImdb_v1.tar.gz")
    with pytest.raises(
        ZooError, match=r"aclImdb_v1.tar.gz is not in the cache.*set data.root to a folder holding"
    ):
        imdb(None, tmp_path / "offline")


def test_tiny_reviews_are_learned(tmp_path):
    root = tmp_path / "reviews"
    rng = np.random.default_rng(0)
    words = ["the", "movie", "was", "br", "don't"]
    for split, n in (("train", 64), ("test", 32)):
        for label, cue in (("pos", "great"), ("neg", "bad")):
            (root / "aclImdb" / split / label).mkdir(parents=True)
            for i in range(n):
                text = " ".join(rng.choice(words, 6)) + f" {cue} " + " ".join(rng.choice(words, 3))
                (root / "aclImdb" / split / label / f"{i}_1.txt").write_text(text)
    (root / "imdb_word_index.json").write_text(json.dumps(WORD_INDEX))
    metrics, _ = train_quick(
        [
            "data=imdb",
            f"data.root={root}",
            "data.batch_size=32",
            "trainer.max_epochs=6",
            "optimizer.lr=0.02",
            "cell.hidden_size=16",
            "topology.embedding_dim=16",
            "trainer=cpu",
        ],
        tmp_path,
    )
    assert metrics["test/acc"] == 1.0


@pytest.mark.slow
def test_shared_imdb_copy(shared_data, tmp_path):
    dm = imdb(shared_data / "imdb", tmp_path, num_words=20000, maxlen=200)
    for split in ("train", "test"):
        data = dm.splits[split].tensors
        assert len(data["y"]) == 25000 and data["y"].sum() == 12500
        assert data["x"].max() == 19999 and data["x_len"].max() == 200
    first = dm.splits["train"].tensors["x"][0]
    words = [dm.spec.input_vocab[i] for i in first[:10]]
    assert words[0] == "<start>" and "<unused>" not in words
