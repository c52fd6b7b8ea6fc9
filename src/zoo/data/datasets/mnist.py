"""MNIST and Fashion-MNIST as pixel sequences: 60,000 training and 10,000 test images, 28x28.

`mode` turns an image into a sequence: `rows` (28 steps of 28 features, a row at a time),
`pixels` (784 steps of 1 feature, sequential MNIST; Le et al. 2015) or `permuted` (the pixels
in one fixed random order drawn from the seed, permuted MNIST). Validation is carved from the
training images (`val_size`, seeded); test is the official test set.

Files come from `data.root` (a folder with the four IDX files, gzipped or not; torchvision's
`<root>/MNIST/raw` layout works too), else from a system copy (Debian's `dataset-fashion-mnist`
package), else from the official source, downloaded once and checked against its published
md5. Pixels are cached as bytes (a quarter of the size of floats) and scaled to [0, 1] once
loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from zoo.data.base import SIZE, LocalCopy, SequenceDataModule
from zoo.data.batches import TensorSequences
from zoo.data.files.download import fetch
from zoo.data.files.idx import read_idx
from zoo.data.split import carve_val
from zoo.errors import ZooError
from zoo.knobs import knob
from zoo.spec import Layout, Spec

FILES = {  # role -> the official file name, without .gz
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
MODES = ("rows", "pixels", "permuted")


@dataclass
class MnistData(LocalCopy):
    _target_: str = "zoo.data.datasets.mnist.Mnist"
    name: str = "mnist"
    mode: str = knob(choices=("rows", "pixels", "permuted"))
    val_size: Any = knob(**SIZE)  # carved from train; 0: validate on the test set


class Mnist(SequenceDataModule):
    cacheable = True
    title = "MNIST"
    mirrors = (
        "https://ossci-datasets.s3.amazonaws.com/mnist/",  # torchvision's mirror
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    )
    md5 = {
        "train_images": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train_labels": "d53e105ee54ea40749a09fcbcd1e9432",
        "test_images": "9fb629c4189551a2d022fa330f9573f3",
        "test_labels": "ec29112dd5afa0611ce80d1b7f02629c",
    }
    system_dirs: tuple[str, ...] = ()
    classes = [str(d) for d in range(10)]

    @classmethod
    def layout(cls, cfg) -> Layout:
        return Layout("sequence", "single")

    @property
    def dataset_name(self) -> str:
        return self.cfg.name

    def sources(self) -> list[Path]:
        return list(self.files().values())

    def files(self) -> dict[str, Path]:
        """role -> path of the four IDX files: from data.root, a system copy, or downloads."""
        if not hasattr(self, "_files"):
            root = self.cfg.root
            if root:
                self._files = self._find(Path(root).expanduser(), strict=True)
            else:
                found = [self._find(Path(d), strict=False) for d in self.system_dirs]
                self._files = next((f for f in found if f), None) or self._download()
        return self._files

    def _find(self, root: Path, strict: bool) -> dict[str, Path] | None:
        folders = [root, root / "raw", root / self.title.replace("-", "") / "raw"]
        files = {}
        for role, stem in FILES.items():
            names = [
                stem,
                stem + ".gz",
                stem.replace("-idx", ".idx"),
                stem.replace("-idx", ".idx") + ".gz",
            ]
            hits = [f / n for f in folders for n in names if (f / n).is_file()]
            if hits:
                files[role] = hits[0]
        if len(files) == len(FILES):
            return files
        if strict:
            missing = [FILES[r] for r in FILES if r not in files]
            raise ZooError(
                f"data={self.dataset_name}: {', '.join(missing)} (or .gz) not found in "
                f"data.root={root}; point data.root at the folder holding the four "
                f"{self.title} IDX files."
            )
        return None

    def _download(self) -> dict[str, Path]:
        if not self.cache_dir:
            raise ZooError(
                f"data={self.dataset_name}: data.root and data.cache_dir are both unset; "
                "set data.root to a local copy or cache_dir to a download folder."
            )
        return {
            role: fetch(
                self.dataset_name,
                [m + stem + ".gz" for m in self.mirrors],
                "md5:" + self.md5[role],
                self.cache_dir,
                local_copy_hint=f"a folder holding the four {self.title} IDX files",
            )
            for role, stem in FILES.items()
        }

    def build(self):
        mode = self.cfg.mode
        if mode not in MODES:
            raise ZooError(f"data.mode={mode!r} is not known; choose one of {MODES}.")
        files = self.files()
        splits = {}
        for split in ("train", "test"):
            images, labels = read_idx(files[f"{split}_images"]), read_idx(files[f"{split}_labels"])
            if images.dim() != 3 or len(images) != len(labels):
                raise ZooError(
                    f"data={self.dataset_name}: {files[f'{split}_images']} and its labels "
                    "do not hold matching images and labels; replace them."
                )
            splits[split] = TensorSequences(self._as_sequences(images, mode), labels.long())
        carve_val(self.dataset_name, splits, self.cfg.val_size, self.seed)
        features = splits["train"].tensors["x"].size(-1)
        spec = Spec(
            Layout("sequence", "single"),
            "features",
            int(features),
            "class",
            len(self.classes),
            target_vocab=list(self.classes),
        )
        return spec, splits

    def _as_sequences(self, images: torch.Tensor, mode: str) -> torch.Tensor:
        if mode == "rows":
            return images.contiguous()
        pixels = images.reshape(len(images), -1, 1)
        if mode == "permuted":
            g = torch.Generator().manual_seed(self.seed)
            pixels = pixels[:, torch.randperm(pixels.size(1), generator=g)]
        return pixels.contiguous()

    def setup(self, stage: str | None = None) -> None:
        super().setup(stage)
        for data in self.splits.values():  # val may be test itself: convert once
            if data.tensors["x"].dtype == torch.uint8:
                data.tensors["x"] = data.tensors["x"].float().div_(255.0)


@dataclass
class FashionMnistData(MnistData):
    _target_: str = "zoo.data.datasets.mnist.FashionMnist"
    name: str = "fashion_mnist"


class FashionMnist(Mnist):
    title = "Fashion-MNIST"
    mirrors = (
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    )
    md5 = {
        "train_images": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train_labels": "25c81989df183df01b3e8a0aad5dffbe",
        "test_images": "bef4ecab320f06d8554ea6380940ec79",
        "test_labels": "bb300cfdad3c16e7a12a480ee83cd310",
    }
    system_dirs = ("/usr/share/datasets/fashion-mnist",)  # Debian's dataset-fashion-mnist
    classes = [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ]
