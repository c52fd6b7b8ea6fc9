"""MNIST / Fashion-MNIST: IDX reading, pixel-sequence modes, validation carving, sources."""

from __future__ import annotations

import gzip
import hashlib
import struct
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import datamodule

from zoo.data.datasets.mnist import FILES, FashionMnist, Mnist
from zoo.data.files.idx import read_idx
from zoo.errors import ZooError

N_TRAIN, N_TEST = 40, 12


def write_idx(path: Path, array: np.ndarray, gz: bool = True) -> Path:
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(
        f">{array.ndim}i", *array.shape
    )
    data = header + array.astype(np.uint8).tobytes()
    path = path.with_name(path.name + ".gz") if gz else path
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def write_mnist(folder: Path, gz: bool = True, seed: int = 0) -> dict[str, np.ndarray]:
    """Four IDX files of random 28x28 images; returns the arrays written."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train_images": rng.integers(0, 256, (N_TRAIN, 28, 28)),
        "train_labels": rng.integers(0, 10, N_TRAIN),
        "test_images": rng.integers(0, 256, (N_TEST, 28, 28)),
        "test_labels": rng.integers(0, 10, N_TEST),
    }
    for role, array in arrays.items():
        write_idx(folder / FILES[role], array, gz)
    return arrays


def mnist(root, tmp_path, cls=Mnist, **options) -> Mnist:
    options.setdefault("val_size", 10)
    dm = datamodule(cls, cache_dir=str(tmp_path / "cache"), root=str(root) if root else None,
                    **options)
    dm.setup()
    return dm


def test_read_idx_plain_and_gzipped(tmp_path):
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    for gz in (False, True):
        path = write_idx(tmp_path / f"a{gz}-idx3-ubyte", array, gz)
        assert torch.equal(read_idx(path), torch.from_numpy(array))


def test_rows_pixels_and_permuted_modes(tmp_path):
    arrays = write_mnist(tmp_path / "raw")
    rows = mnist(tmp_path / "raw", tmp_path, mode="rows", val_size=0)
    test = rows.splits["test"].tensors
    assert test["x"].shape == (N_TEST, 28, 28) and test["x"].dtype == torch.float32
    expected = torch.from_numpy(arrays["test_images"]).float() / 255
    assert torch.allclose(test["x"], expected)
    assert torch.equal(test["y"], torch.from_numpy(arrays["test_labels"]))
    assert rows.spec.input_size == 28 and rows.spec.target_size == 10
    assert rows.splits["val"] is rows.splits["test"]

    pixels = mnist(tmp_path / "raw", tmp_path, mode="pixels", val_size=0)
    assert pixels.spec.input_size == 1
    assert torch.equal(pixels.splits["test"].tensors["x"], expected.reshape(N_TEST, 784, 1))

    perms = [
        mnist(tmp_path / "raw", tmp_path, mode="permuted", seed=s, val_size=0) for s in (0, 0, 1)
    ]
    x = [p.splits["test"].tensors["x"][..., 0] for p in perms]
    flat = expected.reshape(N_TEST, 784)
    # every image's pixels moved by one and the same permutation (not the identity)
    source = (x[0][:, :, None] == flat[:, None, :]).all(0).nonzero()
    assert source[:, 0].tolist() == list(range(784))
    assert sorted(source[:, 1].tolist()) == list(range(784))
    assert source[:, 1].tolist() != list(range(784))
    assert torch.equal(x[0], x[1])  # the same seed, the same order
    assert not torch.equal(x[0], x[2])


def test_validation_is_carved_from_train_with_the_seed(tmp_path):
    arrays = write_mnist(tmp_path / "raw")
    a = mnist(tmp_path / "raw", tmp_path, val_size=10, seed=3)
    b = mnist(tmp_path / "raw", tmp_path / "other", val_size=10, seed=3)
    c = mnist(tmp_path / "raw", tmp_path, val_size=0.25, seed=4)
    assert (len(a.splits["train"]), len(a.splits["val"]), len(a.splits["test"])) == (30, 10, 12)
    assert torch.equal(a.splits["val"].tensors["x"], b.splits["val"].tensors["x"])
    assert len(c.splits["val"]) == 10 and not torch.equal(
        a.splits["val"].tensors["x"], c.splits["val"].tensors["x"]
    )
    both = torch.cat([a.splits["train"].tensors["x"], a.splits["val"].tensors["x"]])
    train = torch.from_numpy(arrays["train_images"]).float() / 255
    assert torch.equal(
        torch.sort(both.flatten(1), 0).values, torch.sort(train.flatten(1), 0).values
    )
    with pytest.raises(ZooError, match="val_size=40"):
        mnist(tmp_path / "raw", tmp_path, val_size=40)


def test_plain_files_and_torchvision_layout(tmp_path):
    arrays = write_mnist(tmp_path / "data" / "MNIST" / "raw", gz=False)
    dm = mnist(tmp_path / "data", tmp_path, val_size=0)
    assert torch.equal(dm.splits["test"].tensors["y"], torch.from_numpy(arrays["test_labels"]))


def test_second_setup_reads_the_processed_cache(tmp_path, monkeypatch):
    write_mnist(tmp_path / "raw")
    first = mnist(tmp_path / "raw", tmp_path)
    cached = list((tmp_path / "cache" / "processed").glob("mnist-*.pt"))
    assert len(cached) == 1 and cached[0].stat().st_size < 2 * 28 * 28 * (N_TRAIN + N_TEST)
    monkeypatch.setattr(Mnist, "build", lambda self: pytest.fail("rebuilt despite the cache"))
    second = mnist(tmp_path / "raw", tmp_path)
    for split in ("train", "val", "test"):
        assert torch.equal(first.splits[split].tensors["x"], second.splits[split].tensors["x"])


def test_truncated_gzip_is_a_clear_error_and_nothing_is_cached(tmp_path):
    write_mnist(tmp_path / "raw")
    path = tmp_path / "raw" / (FILES["train_images"] + ".gz")
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(ZooError, match="corrupt or truncated gzip"):
        mnist(tmp_path / "raw", tmp_path)
    assert not list((tmp_path / "cache").rglob("*.pt"))


def test_truncated_idx_and_missing_files_are_clear_errors(tmp_path):
    write_mnist(tmp_path / "raw", gz=False)
    path = tmp_path / "raw" / FILES["test_labels"]
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(ZooError, match="truncated or damaged"):
        mnist(tmp_path / "raw", tmp_path)
    path.unlink()
    with pytest.raises(ZooError, match=r"t10k-labels-idx1-ubyte \(or .gz\) not found in data.root"):
        mnist(tmp_path / "raw", tmp_path)
    with pytest.raises(ZooError, match="data.mode='columns' is not known"):
        write_mnist(tmp_path / "raw")
        mnist(tmp_path / "raw", tmp_path, mode="columns")


def test_download_from_a_mirror_is_verified(tmp_path, monkeypatch):
    arrays = write_mnist(tmp_path / "mirror")
    md5 = {
        role: hashlib.md5((tmp_path / "mirror" / (stem + ".gz")).read_bytes()).hexdigest()
        for role, stem in FILES.items()
    }
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path / "mirror"))
    handler.log_message = lambda *a: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    try:
        monkeypatch.setattr(Mnist, "mirrors", (f"http://127.0.0.1:{server.server_address[1]}/",))
        monkeypatch.setattr(Mnist, "md5", md5)
        dm = mnist(None, tmp_path, val_size=0)
        assert torch.equal(dm.splits["test"].tensors["y"], torch.from_numpy(arrays["test_labels"]))
        downloaded = sorted(
            p.name for p in (tmp_path / "cache" / "downloads" / "mnist").glob("*.gz")
        )
        assert downloaded == sorted(stem + ".gz" for stem in FILES.values())
        monkeypatch.setattr(Mnist, "md5", {**md5, "test_labels": "0" * 32})
        with pytest.raises(ZooError, match="does not match its published checksum"):
            mnist(None, tmp_path / "again", val_size=0)
        assert not (
            tmp_path / "again" / "cache" / "downloads" / "mnist" / "t10k-labels-idx1-ubyte.gz"
        ).exists()
    finally:
        server.shutdown()
        server.server_close()


def test_offline_without_root_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setattr(Mnist, "mirrors", ("http://127.0.0.1:9/",))
    hint = "set data.root to a folder holding the four MNIST IDX files"
    with pytest.raises(ZooError, match=rf"not in the cache .*downloads/mnist.*{hint}"):
        mnist(None, tmp_path)


def test_fashion_mnist_is_found_in_a_system_folder(tmp_path, monkeypatch):
    arrays = write_mnist(tmp_path / "usr-share", seed=5)
    monkeypatch.setattr(FashionMnist, "system_dirs", (str(tmp_path / "usr-share"),))
    dm = mnist(None, tmp_path, cls=FashionMnist, name="fashion_mnist", val_size=0)
    assert torch.equal(dm.splits["test"].tensors["y"], torch.from_numpy(arrays["test_labels"]))
    assert dm.spec.target_vocab[9] == "Ankle boot"


def test_shared_mnist_copy(shared_data, tmp_path):
    dm = mnist(shared_data / "mnist", tmp_path, val_size=5000)
    sizes = {s: len(d) for s, d in dm.splits.items()}
    assert sizes == {"train": 55000, "val": 5000, "test": 10000}
    labels = torch.cat([dm.splits["train"].tensors["y"], dm.splits["val"].tensors["y"]])
    assert torch.bincount(labels).tolist()[:2] == [5923, 6742]  # MNIST's digit counts
    assert dm.splits["test"].tensors["x"].max() == 1.0


@pytest.mark.slow
def test_debian_fashion_mnist_copy(tmp_path):
    folder = Path(FashionMnist.system_dirs[0])
    if not folder.is_dir():
        pytest.skip("dataset-fashion-mnist is not installed")
    dm = mnist(None, tmp_path, cls=FashionMnist, name="fashion_mnist", val_size=0)
    assert (len(dm.splits["train"]), len(dm.splits["test"])) == (60000, 10000)
    assert torch.bincount(dm.splits["test"].tensors["y"]).tolist() == [1000] * 10
