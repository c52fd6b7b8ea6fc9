"""Spell a number: the class id 42 -> the characters "forty-two" (one-to-many), from the seed.

Conditional generation in its smallest form: the condition is a label (an integer below
`numbers`), the target its English spelling, ending with the end token. A label's id says
nothing about its neighbours' spellings, so there is nothing to generalise to an unseen
label: the training set draws labels with replacement, and validation and test hold every
label once, scoring whether each spelling is generated exactly. The spelling is written by
hand (a few lines) rather than taken from a number-to-words package.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from zoo.data.base import DataConfig, SequenceDataModule
from zoo.data.batches import TensorSequences
from zoo.data.padding import padded
from zoo.data.preprocess.vocab import BOS, EOS, PAD, UNK, Vocabulary
from zoo.errors import ZooError
from zoo.knobs import knob
from zoo.spec import Layout, Spec, Tokenization

ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
VOCAB = Vocabulary([PAD, UNK, BOS, EOS, " ", "-", *"abcdefghijklmnopqrstuvwxyz"])
MAX_NUMBERS = 1000


def spell(n: int) -> str:
    """English spelling of 0 <= n < 1000, e.g. 342 -> "three hundred forty-two"."""
    hundreds, rest = divmod(n, 100)
    words = [f"{ONES[hundreds]} hundred"] if hundreds else []
    if rest or not hundreds:
        if rest < 20:
            words.append(ONES[rest])
        else:
            tens, ones = divmod(rest, 10)
            words.append(TENS[tens] + (f"-{ONES[ones]}" if ones else ""))
    return " ".join(words)


@dataclass
class SpellData(DataConfig):
    _target_: str = "zoo.data.synthetic.spell.Spell"
    name: str = "spell"
    numbers: int = knob(low=1, high=1000)
    n_train: int = knob(low=1)


class Spell(SequenceDataModule):
    @classmethod
    def layout(cls, cfg) -> Layout:
        return Layout("single", "sequence")

    def build(self):
        numbers = self.cfg.numbers
        if not 1 <= numbers <= MAX_NUMBERS:
            raise ZooError(f"data.numbers={numbers} must lie between 1 and {MAX_NUMBERS}.")
        g = torch.Generator().manual_seed(self.seed)
        labels = {
            "train": torch.randint(0, numbers, (self.cfg.n_train,), generator=g),
            "val": torch.arange(numbers),
            "test": torch.arange(numbers),
        }
        names, eos = [spell(i) for i in range(numbers)], VOCAB.id(EOS)
        splits = {}
        for split, x in labels.items():
            y, y_len = padded([VOCAB.encode(names[i]) + [eos] for i in x.tolist()])
            splits[split] = TensorSequences(x, y, y_len=y_len)
        spec = Spec(
            self.layout(None),
            "label",
            numbers,
            "tokens",
            len(VOCAB),
            pad_id=VOCAB.id(PAD),
            bos_id=VOCAB.id(BOS),
            eos_id=VOCAB.id(EOS),
            input_vocab=names,
            target_vocab=VOCAB.tokens,
            target_tokenization=Tokenization("char"),
        )
        return spec, splits
