"""Token vocabularies: special tokens first, then tokens by frequency (ties by first sight).

Written by hand because the job is a frequency count and two dicts; a tokenizer library
would add a dependency without adding behaviour for character- and word-level vocabularies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"


def is_special(token: str) -> bool:
    """A token in angle brackets (<pad>, <unk>, ...), not text."""
    return len(token) > 2 and token.startswith("<") and token.endswith(">")


class Vocabulary:
    def __init__(self, tokens: list[str]):
        self.tokens = list(tokens)
        self.index = {t: i for i, t in enumerate(self.tokens)}
        if len(self.index) != len(self.tokens):
            raise ValueError("vocabulary tokens must be unique")

    @classmethod
    def build(cls, sequences: Iterable[Iterable[str]], specials=(PAD, UNK, BOS, EOS),
              max_size: int | None = None, min_freq: int = 1) -> Vocabulary:
        counts = Counter()
        for seq in sequences:
            counts.update(seq)
        ranked = [t for t, c in counts.most_common() if c >= min_freq and t not in specials]
        if max_size is not None:
            ranked = ranked[: max(max_size - len(specials), 0)]
        return cls([*specials, *ranked])

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self.index

    def id(self, token: str) -> int:
        return self.index[token]

    def encode(self, seq: Iterable[str]) -> list[int]:
        unk = self.index.get(UNK)
        if unk is None:
            return [self.index[t] for t in seq]
        return [self.index.get(t, unk) for t in seq]

    def decode(self, ids: Iterable[int], join: str = "") -> str:
        return join.join(self.tokens[i] for i in ids)
