"""Corpus BLEU of generated target text, accumulated over a whole split and scaled 0-100.

`CorpusBleu` (`val/bleu`, `test/bleu`, `test/bleu_beam`): sacreBLEU's definition (13a
tokenisation, 4-grams, brevity penalty) through torchmetrics' `SacreBLEUScore`, on the run's
own target tokens joined back into text (so lowercased and normalised as the data was). A
reference word the training vocabulary lacks (read as <unk>) stays a word no hypothesis can
match, so it counts as a miss instead of vanishing from the reference.

`StandardBleu` (`test/sacrebleu`, `test/sacrebleu_beam`): the score a paper quotes, from the
sacrebleu package with its defaults (its signature, in metrics.json, says which): detokenised
outputs against the references as written in the data file (case, accents and all), where
the data carries them (`y_text`: data=parallel_text, data=eng_fra). The package is optional
(`pip install 'zoo[translation]'`); `require_sacrebleu` asks for it before a run starts.
"""

from __future__ import annotations

import importlib.util
import re

import torch
from torchmetrics import Metric
from torchmetrics.text import SacreBLEUScore

from zoo.data.padding import utf8_texts
from zoo.data.preprocess.codec import TextCodec
from zoo.errors import ZooError
from zoo.spec import Spec

UNMATCHABLE = "\u2047"  # stands for a reference word outside the vocabulary
SPACE_BEFORE = re.compile(r" ([.,!?;:%)\]}])")  # tokens joined by spaces: "vois ." -> "vois."
SPACE_AFTER = re.compile(r"([(\[{]) ")


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


def has_sacrebleu() -> bool:
    return importlib.util.find_spec("sacrebleu") is not None


def require_sacrebleu(what: str) -> None:
    """One sentence, before any data loads, where `what` would score BLEU without sacrebleu."""
    if not has_sacrebleu():
        raise ZooError(
            f"{what} records sacreBLEU's standard score beside zoo's BLEU, which needs the "
            "sacrebleu package; pip install 'zoo[translation]' (or set bleu=false)."
        )


def detokenize(text: str) -> str:
    """Words joined by spaces as plain text: no space before closing or after opening
    punctuation. (13a splits these marks off again, so this mostly spares sacrebleu's
    warning about tokenised input.)"""
    return SPACE_AFTER.sub(r"\1", SPACE_BEFORE.sub(r"\1", text))


class StandardBleu(Metric):
    """sacrebleu's `BLEU().corpus_score` of a split, summed from each batch's n-gram counts
    (sacrebleu's own sufficient statistics, so the sum is the corpus score and is exact across
    distributed processes too)."""

    full_state_update = False

    def __init__(self, spec: Spec):
        super().__init__()
        from sacrebleu.metrics import BLEU  # optional: zoo[translation]

        self.codec = TextCodec.for_target(spec)
        self.bleu = BLEU()
        order = self.bleu.max_ngram_order
        self.add_state("correct", torch.zeros(order, dtype=torch.float64), dist_reduce_fx="sum")
        self.add_state("total", torch.zeros(order, dtype=torch.float64), dist_reduce_fx="sum")
        self.add_state("lengths", torch.zeros(2, dtype=torch.float64), dist_reduce_fx="sum")

    def hypothesis(self, ids: list[int]) -> str:
        text = self.codec.decode(ids)
        return detokenize(text) if self.codec.level == "word" else text

    def update(self, hypotheses: list[list[int]], texts: torch.Tensor,
               lengths: torch.Tensor) -> None:
        """Token ids of the outputs; their references as `y_text`, `y_text_len` hold them."""
        found = self.bleu.corpus_score([self.hypothesis(h) for h in hypotheses],
                                       [utf8_texts(texts, lengths)])
        self.correct += torch.tensor(found.counts, dtype=torch.float64, device=self.device)
        self.total += torch.tensor(found.totals, dtype=torch.float64, device=self.device)
        self.lengths += torch.tensor([found.sys_len, found.ref_len], dtype=torch.float64,
                                     device=self.device)

    def signature(self) -> str | None:
        """sacrebleu's signature of the score ("nrefs:1|case:mixed|eff:no|tok:13a|..."),
        once a batch was scored."""
        return self.bleu.get_signature().format() if hasattr(self.bleu, "num_refs") else None

    def compute(self) -> torch.Tensor:
        bleu = self.bleu
        score = bleu.compute_bleu(
            [int(c) for c in self.correct], [int(t) for t in self.total],
            int(self.lengths[0]), int(self.lengths[1]), smooth_method=bleu.smooth_method,
            smooth_value=bleu.smooth_value, effective_order=bleu.effective_order,
            max_ngram_order=bleu.max_ngram_order).score
        return torch.tensor(score, dtype=torch.float32)
