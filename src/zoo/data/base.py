"""The datamodule bases: a subclass declares its static `layout` and builds its splits once.

`layout(cfg)` is a classmethod so the composition check can run before any data is loaded.
`build()` returns the `Spec` and the `train`/`val`/`test` `TensorSequences`. A subclass that
reads files sets `cacheable = True` and lists them in `sources()`: its processed splits are
then cached under `cache_dir`, keyed by every option and the files' identity.

Each datamodule's schema (a dataclass of its `data` keys, in Hydra's ConfigStore as
`/schema/data/<name>`) sits beside its class and starts from `DataConfig` or one of the
families of keys below; zoo.config.store collects every one that names its option.

`FileDataModule` is the base of the datamodules that read `data.path` (`formats/`) and of the
built-in datasets over them (`datasets/`), which say where their file comes from instead
(`split_paths`) and fix some of the format's options (`FIXED`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytorch_lightning as pl
from omegaconf import II
from torch.utils.data import DataLoader

from zoo.data import cache
from zoo.data.batches import TensorSequences, batch_sampler
from zoo.data.files.local_files import source_paths
from zoo.knobs import knob
from zoo.spec import Layout, Spec

log = logging.getLogger(__name__)


# a split size: a count of examples (a whole number >= 1) or a fraction below 1; 0 holds out
# none (what that means is the datamodule's); zoo.data.split.held_out reads it
SIZE = {"low": 0}
LEVELS = ("word", "char")
TEXT_TASKS = ("classify", "generate")  # text -> label, or label -> text


@dataclass
class DataConfig:
    _target_: str = knob()
    name: str = knob()
    batch_size: int = knob(low=1)
    # evaluation batches (no gradients, so larger fits); null: max(4 x batch_size, 256), or
    # batch_size for stateful streams (their number)
    eval_batch_size: int | None = knob(None, low=1)
    num_workers: int = knob(0, low=0)  # DataLoader worker processes
    bucket: bool = True  # batch sequences of similar length together (less padding)
    seed: int = II("seed")
    cache_dir: str | None = II("paths.data_dir")  # downloads and processed-data caches


@dataclass
class GeneratedSizes(DataConfig):
    n_train: int = knob(low=1)
    n_val: int = knob(low=1)
    n_test: int = knob(low=1)


@dataclass
class LocalCopy(DataConfig):
    root: str | None = knob()


@dataclass
class SplitSizes(DataConfig):
    val_size: Any = knob(**SIZE)
    test_size: Any = knob(**SIZE)


@dataclass
class OwnFiles(SplitSizes):
    # a file, a folder, or {train: ..., val: ..., test: ...}
    path: Any = knob()


@dataclass
class VocabularyOptions(OwnFiles):
    lowercase: bool = knob()
    max_size: int | None = knob(low=1)
    min_freq: int = knob(low=1)


@dataclass
class DelimitedOptions(OwnFiles):
    """The options of a delimited file (csv, text_classification)."""

    delimiter: str | None = knob()
    header: Any = knob(choices=("auto", True, False))
    multiline: bool = knob()
    quoting: str = knob(choices=("minimal", "none"))



class SequenceDataModule(pl.LightningDataModule):
    def __init__(self, batch_size: int = 64, eval_batch_size: int | None = None,
                 num_workers: int = 0, bucket: bool = True, seed: int = 0,
                 cache_dir: str | None = None, **options):
        super().__init__()
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir else None
        self.batch_size = batch_size
        self._eval_batch_size = eval_batch_size
        self.num_workers, self.bucket, self.seed = num_workers, bucket, seed
        self.cfg = SimpleNamespace(**options)  # the rest of its `data` keys: self.cfg.T
        self._spec: Spec | None = None
        self.splits: dict[str, TensorSequences] = {}

    @classmethod
    def layout(cls, cfg) -> Layout:
        raise NotImplementedError

    def build(self) -> tuple[Spec, dict[str, TensorSequences]]:
        raise NotImplementedError

    cacheable = False
    cache_revision = 0  # bump when `build` makes something else from the same options and files
    stateful = False  # batches are parallel streams carrying state: their count is batch_size

    @property
    def eval_batch_size(self) -> int:
        """`eval_batch_size` if set; else 4x the training batch, at least 256 (no gradients in
        evaluation), except for stateful streams, whose number is the batch size."""
        if self._eval_batch_size:
            return self._eval_batch_size
        return self.batch_size if self.stateful else max(4 * self.batch_size, 256)

    def test_is_val(self) -> bool:
        """Whether the val and test splits hold the same examples (one evaluation serves both)."""
        self.setup()
        val, test = self.splits.get("val"), self.splits.get("test")
        return val is not None and test is not None and val.same_examples(test)

    def sources(self) -> list[Path]:
        """The files `build` reads (their size and time are part of the cache key)."""
        return []

    @property
    def spec(self) -> Spec:
        self.setup()
        return self._spec

    def setup(self, stage: str | None = None) -> None:
        if self._spec is not None:
            return
        if not (self.cacheable and self.cache_dir):
            self._spec, self.splits = self.build()
            return
        options = {k: v for k, v in vars(self.cfg).items() if k != "name"}
        options["seed"] = self.seed
        kind = type(self).__name__ + (f"@{self.cache_revision}" if self.cache_revision else "")
        key = cache.cache_key(kind, options, self.sources())
        path = self.cache_dir / "processed" / f"{type(self).__name__.lower()}-{key}.pt"
        found = cache.load(path)
        if found is None:
            start = time.time()
            found = self.build()
            cache.save(path, *found)
            log.info("processed %s in %.1f s -> %s", type(self).__name__, time.time() - start, path)
        self._spec, self.splits = found

    def _batches(self, split: str, train: bool):
        """The split's dataset and the batch sampler that cuts it into batches."""
        data = self.splits[split]
        size = self.batch_size if train else self.eval_batch_size
        sampler = batch_sampler(data, size, shuffle=train, bucket=self.bucket,
                                drop_last=self.drop_last if train else False)
        return data, sampler

    def _loader(self, split: str, train: bool) -> DataLoader:
        self.setup()
        data, sampler = self._batches(split, train)
        return DataLoader(data, sampler=sampler, batch_size=None, num_workers=self.num_workers,
                          persistent_workers=self.num_workers > 0)

    drop_last = False

    def train_dataloader(self):
        return self._loader("train", True)

    def val_dataloader(self):
        return self._loader("val", False)

    def test_dataloader(self):
        return self._loader("test", False)


class FileDataModule(SequenceDataModule):
    cacheable = True
    FIXED: dict = {}  # options a built-in dataset fixes instead of taking them from its config

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.cfg = self.with_fixed(vars(self.cfg))

    @classmethod
    def with_fixed(cls, cfg) -> SimpleNamespace:
        """`cfg`'s options over the ones this dataset fixes: `layout` gets the `data` config,
        without them; `build` has them in `self.cfg`."""
        given = vars(cfg) if isinstance(cfg, SimpleNamespace) else cfg
        return SimpleNamespace(**{**cls.FIXED, **given})

    @property
    def dataset_name(self) -> str:
        return self.cfg.name

    @cached_property
    def split_paths(self) -> dict[str, Path]:
        """The files of each split: `{"all": file or folder}` or the separate split files."""
        return source_paths(self.dataset_name, self.cfg.path)

    def sources(self):
        return list(self.split_paths.values())
