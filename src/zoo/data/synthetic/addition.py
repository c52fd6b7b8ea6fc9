"""Addition as string transduction (Keras's addition_rnn example; Zaremba & Sutskever 2014):
the characters "123+45" -> the characters "168", generated from the seed.

Each operand has a uniformly drawn number of digits (1 to `digits`), then uniform digits, as
in Keras. Questions are unique up to the order of the operands across all splits, so the
validation and test sums are never seen in training (neither "a+b" nor "b+a"). With
`reverse` the query is fed back to front, as Keras does (after Sutskever et al. 2014, who
found reversed sources easier to learn). The target ends with the end token.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from zoo.data.base import GeneratedSizes, SequenceDataModule
from zoo.data.batches import TensorSequences
from zoo.data.padding import padded
from zoo.data.preprocess.vocab import BOS, EOS, PAD, UNK, Vocabulary
from zoo.errors import ZooError
from zoo.knobs import knob
from zoo.spec import Layout, Spec, Tokenization

VOCAB = Vocabulary([PAD, UNK, BOS, EOS, *"0123456789+"])


def unique_pairs(n: int, digits: int, rng: random.Random) -> list[tuple[int, int]]:
    """`n` operand pairs, no two equal up to order."""
    seen, pairs = set(), []
    while len(pairs) < n:
        a, b = (int(rng.randrange(10 ** rng.randint(1, digits))) for _ in range(2))
        key = (min(a, b), max(a, b))
        if key not in seen:
            seen.add(key)
            pairs.append((a, b))
    return pairs


def question(a: int, b: int, reverse: bool) -> str:
    text = f"{a}+{b}"
    return text[::-1] if reverse else text


def distinct_pairs(digits: int) -> int:
    """How many questions exist up to operand order (the Keras draw reaches them all)."""
    numbers = 10**digits
    return numbers * (numbers + 1) // 2


@dataclass
class AdditionData(GeneratedSizes):
    _target_: str = "zoo.data.synthetic.addition.Addition"
    name: str = "addition"
    digits: int = knob(low=1)
    reverse: bool = knob()


class Addition(SequenceDataModule):
    @classmethod
    def layout(cls, cfg) -> Layout:
        return Layout("sequence", "sequence")

    def build(self):
        digits = self.cfg.digits
        reverse = self.cfg.reverse
        sizes = [getattr(self.cfg, f"n_{split}") for split in ("train", "val", "test")]
        if digits < 1:
            raise ZooError(f"data.digits={digits} must be at least 1.")
        # Keras's draw favours short operands, so ask for at most a quarter of all questions
        if sum(sizes) > distinct_pairs(digits) // 4:
            raise ZooError(
                f"data.n_train + data.n_val + data.n_test = {sum(sizes)} unique questions are "
                f"too many for data.digits={digits}; ask for at most "
                f"{distinct_pairs(digits) // 4} or raise data.digits."
            )
        pairs = unique_pairs(sum(sizes), digits, random.Random(self.seed))
        splits, start, eos = {}, 0, VOCAB.id(EOS)
        for split, size in zip(("train", "val", "test"), sizes, strict=True):
            chunk = pairs[start : start + size]
            start += size
            x, x_len = padded([VOCAB.encode(question(a, b, reverse)) for a, b in chunk])
            y, y_len = padded([VOCAB.encode(str(a + b)) + [eos] for a, b in chunk])
            splits[split] = TensorSequences(x, y, x_len, y_len)
        spec = Spec(
            self.layout(None),
            "tokens",
            len(VOCAB),
            "tokens",
            len(VOCAB),
            pad_id=VOCAB.id(PAD),
            bos_id=VOCAB.id(BOS),
            eos_id=VOCAB.id(EOS),
            input_vocab=VOCAB.tokens,
            target_vocab=VOCAB.tokens,
            tokenization=Tokenization("char", reverse=reverse),
        )
        return spec, splits
