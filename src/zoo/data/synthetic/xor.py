"""The XOR problem (Minsky & Papert 1969; Rumelhart et al. 1986), one-to-one, from the seed.

A point drawn uniformly from [-1, 1]^dim; its class is the parity of its positive coordinates
(for dim=2: 1 when the two signs differ). No linear model separates the classes, so a single
recurrent step must use its nonlinearity; always guessing one class scores an accuracy of 0.5.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from zoo.data.base import GeneratedSizes, SequenceDataModule
from zoo.data.batches import TensorSequences
from zoo.errors import ZooError
from zoo.knobs import knob
from zoo.spec import Layout, Spec


def xor_points(n: int, dim: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Points (n, dim) and their parity classes (n,)."""
    x = torch.rand(n, dim, generator=generator) * 2 - 1
    return x, (x > 0).sum(-1) % 2


@dataclass
class XorData(GeneratedSizes):
    _target_: str = "zoo.data.synthetic.xor.Xor"
    name: str = "xor"
    dim: int = knob(low=2)


class Xor(SequenceDataModule):
    @classmethod
    def layout(cls, cfg) -> Layout:
        return Layout("single", "single")

    def build(self):
        dim = self.cfg.dim
        if dim < 1:
            raise ZooError(f"data.dim={dim} must be at least 1.")
        g = torch.Generator().manual_seed(self.seed)
        splits = {
            split: TensorSequences(*xor_points(getattr(self.cfg, f"n_{split}"), dim, g))
            for split in ("train", "val", "test")
        }
        spec = Spec(self.layout(None), "features", dim, "class", 2, target_vocab=["even", "odd"])
        return spec, splits
