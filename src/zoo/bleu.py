"""Corpus BLEU of generated target text, as translation papers report it: sacreBLEU's
definition (13a tokenisation, 4-grams, brevity penalty) through torchmetrics' `SacreBLEUScore`,
accumulated over a whole split and scaled 0-100.

Hypotheses and references are the run's own target tokens joined back into text. A reference
word the training vocabulary lacks (read as <unk>) stays a word no hypothesis can match, so it
counts as a miss instead of vanishing from the reference.
"""

from __future__ import annotations

import torch
from torchmetrics.text import SacreBLEUScore

from zoo.inference.codec import TextCodec
from zoo.spec import Spec

UNMATCHABLE = "\u2047"  # stands for a reference word outside the vocabulary


class CorpusBleu(SacreBLEUScore):
    def __init__(self, spec: Spec):
        super().__init__(tokenize="13a")
        self.codec = TextCodec.for_target(spec)

    def update_ids(self, hypotheses: list[list[int]], references: list[list[int]]) -> None:
        """Token ids of the outputs and of their references (without the end token)."""
        self.update([self.codec.decode(h) for h in hypotheses],
                    [[self._reference(r)] for r in references])

    def _reference(self, ids: list[int]) -> str:
        unk = self.codec.unk
        words = [UNMATCHABLE if i == unk else self.codec.decode([i]) for i in ids]
        return self.codec.join.join(w for w in words if w)

    def compute(self) -> torch.Tensor:
        return super().compute() * 100
