"""The copy-memory task (Hochreiter & Schmidhuber 1997; as set up by Arjovsky et al. 2016),
generated from the seed.

An input of T + 20 tokens: 10 symbols drawn from 8, then T - 1 blanks, a delimiter, and 10
more blanks. The target, one class per step, is blank for the first T + 10 steps and then the
10 symbols in order: the model must carry them across the T-step gap. A memoryless model
(blank everywhere, then a uniform guess) scores a cross-entropy of 10 * ln(8) / (T + 20).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from zoo.data.base import GeneratedSizes, SequenceDataModule
from zoo.data.batches import TensorSequences
from zoo.data.preprocess.vocab import PAD
from zoo.errors import ZooError
from zoo.knobs import knob
from zoo.spec import Layout, Spec, Tokenization

SYMBOLS, RECALL = 8, 10
# input ids: 0 is padding (unused, every sequence has the same length), then blank, delimiter,
# and the 8 symbols; target classes: blank, then the 8 symbols
INPUT_VOCAB = [PAD, "_", ":", *[str(i) for i in range(1, SYMBOLS + 1)]]
TARGET_VOCAB = ["_", *[str(i) for i in range(1, SYMBOLS + 1)]]
BLANK, DELIMITER, FIRST_SYMBOL = 1, 2, 3


def memoryless_loss(T: int) -> float:
    """The cross-entropy of the best model that remembers nothing."""
    return RECALL * math.log(SYMBOLS) / (T + 2 * RECALL)


def copy_memory(n: int, T: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs (n, T + 20) of input ids and targets (n, T + 20) of target classes."""
    symbols = torch.randint(0, SYMBOLS, (n, RECALL), generator=generator)
    x = torch.full((n, T + 2 * RECALL), BLANK, dtype=torch.long)
    x[:, :RECALL] = symbols + FIRST_SYMBOL
    x[:, T + RECALL - 1] = DELIMITER
    y = torch.zeros_like(x)  # class 0 is blank
    y[:, -RECALL:] = symbols + 1
    return x, y


@dataclass
class CopyMemoryData(GeneratedSizes):
    _target_: str = "zoo.data.synthetic.copy_memory.CopyMemory"
    name: str = "copy_memory"
    T: int = knob(low=1)


class CopyMemory(SequenceDataModule):
    @classmethod
    def layout(cls, cfg) -> Layout:
        return Layout("sequence", "aligned", causal=False)

    def build(self):
        T = self.cfg.T
        if T < 1:
            raise ZooError(f"data.T={T} is too short; the copy-memory task needs T >= 1.")
        g = torch.Generator().manual_seed(self.seed)
        splits = {
            split: TensorSequences(*copy_memory(getattr(self.cfg, f"n_{split}"), T, g))
            for split in ("train", "val", "test")
        }
        spec = Spec(
            self.layout(None),
            "tokens",
            len(INPUT_VOCAB),
            "class",
            len(TARGET_VOCAB),
            input_vocab=INPUT_VOCAB,
            target_vocab=TARGET_VOCAB,
            tokenization=Tokenization("char"),
        )
        return spec, splits
