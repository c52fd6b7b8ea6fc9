"""The datamodule base: a subclass declares its static `layout` and builds its splits once.

`layout(cfg)` is a classmethod so the composition check can run before any data is loaded.
`build()` returns the `Spec` and the `train`/`val`/`test` `TensorSequences`.
"""

from __future__ import annotations

import pytorch_lightning as pl
from torch.utils.data import DataLoader

from zoo.data.batches import TensorSequences, batch_sampler
from zoo.spec import Layout, Spec


class SequenceDataModule(pl.LightningDataModule):
    def __init__(self, batch_size: int = 64, eval_batch_size: int | None = None,
                 num_workers: int = 0, bucket: bool = True, seed: int = 0, **options):
        super().__init__()
        self.batch_size = batch_size
        self.eval_batch_size = eval_batch_size or batch_size
        self.num_workers, self.bucket, self.seed = num_workers, bucket, seed
        self.options = options
        self._spec: Spec | None = None
        self.splits: dict[str, TensorSequences] = {}

    @classmethod
    def layout(cls, cfg) -> Layout:
        raise NotImplementedError

    def build(self) -> tuple[Spec, dict[str, TensorSequences]]:
        raise NotImplementedError

    @property
    def spec(self) -> Spec:
        self.setup()
        return self._spec

    def setup(self, stage: str | None = None) -> None:
        if self._spec is None:
            self._spec, self.splits = self.build()

    def _loader(self, split: str, train: bool) -> DataLoader:
        self.setup()
        data = self.splits[split]
        size = self.batch_size if train else self.eval_batch_size
        sampler = batch_sampler(data, size, shuffle=train, bucket=self.bucket,
                                drop_last=self.drop_last if train else False)
        return DataLoader(data, sampler=sampler, batch_size=None, num_workers=self.num_workers,
                          persistent_workers=self.num_workers > 0)

    drop_last = False

    def train_dataloader(self):
        return self._loader("train", True)

    def val_dataloader(self):
        return self._loader("val", False)

    def test_dataloader(self):
        return self._loader("test", False)
