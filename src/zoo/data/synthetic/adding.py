"""The adding problem (Hochreiter & Schmidhuber 1997; Le et al. 2015), generated from the seed.

Each sequence has T steps of two features: a value from U[0, 1] and a marker that is 1 at
exactly two positions, one in each half. The target is the sum of the two marked values.
Always predicting the mean scores an MSE of about 0.167.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from zoo.data.base import GeneratedSizes, SequenceDataModule
from zoo.data.batches import TensorSequences
from zoo.knobs import knob
from zoo.spec import Layout, Spec


def adding_problem(n: int, steps: int, generator: torch.Generator):
    values = torch.rand(n, steps, generator=generator)
    half = steps // 2
    first = torch.randint(0, half, (n,), generator=generator)
    second = torch.randint(half, steps, (n,), generator=generator)
    marker = torch.zeros(n, steps)
    rows = torch.arange(n)
    marker[rows, first] = 1.0
    marker[rows, second] = 1.0
    x = torch.stack([values, marker], dim=-1)
    y = (values[rows, first] + values[rows, second]).unsqueeze(-1)
    return x, y


@dataclass
class AddingData(GeneratedSizes):
    _target_: str = "zoo.data.synthetic.adding.Adding"
    name: str = "adding"
    T: int = knob(low=2)


class Adding(SequenceDataModule):
    @classmethod
    def layout(cls, cfg) -> Layout:
        return Layout("sequence", "single")

    def build(self):
        T = self.cfg.T
        g = torch.Generator().manual_seed(self.seed)
        splits = {}
        for split in ("train", "val", "test"):
            splits[split] = TensorSequences(*adding_problem(getattr(self.cfg, f"n_{split}"), T, g))
        spec = Spec(Layout("sequence", "single"), "features", 2, "value", 1)
        return spec, splits
