"""Text <-> token ids with a run's own vocabulary, cut as its Spec records: inputs by
`spec.tokenization`, targets by `spec.target_tokenization`, else as inputs are but without
truncation or reversal.
"""

from __future__ import annotations

import sys
from dataclasses import replace

from zoo.data.preprocess.normalize import NORMALIZERS
from zoo.data.preprocess.tokenize import tokenizer
from zoo.data.preprocess.vocab import is_special
from zoo.errors import ZooError
from zoo.spec import Spec, Tokenization


def _normalizer(name: str | None):
    if name is None:
        return None
    if name not in NORMALIZERS:
        raise ZooError(
            f"the checkpoint's text was normalised with {name!r}, which this zoo does not "
            f"know; it knows {', '.join(NORMALIZERS)}."
        )
    return NORMALIZERS[name]


def _recorded(how: Tokenization | None, side: str) -> Tokenization:
    if how is None:
        raise ZooError(f"this model's Spec records no tokenisation of its {side} text.")
    return how


class TextCodec:
    def __init__(self, tokens: list[str], how: Tokenization):
        self.tokens = list(tokens)
        self.index = {t: i for i, t in enumerate(self.tokens)}
        self.level, self.lowercase = how.level, how.lowercase
        self.split = tokenizer(self.level, self.lowercase)
        self.normalize = _normalizer(how.normalize)
        self.max_len, self.reverse = how.max_len, how.reverse
        self.join = how.join
        self.unk = self.index.get("<unk>")

    @classmethod
    def for_input(cls, spec: Spec) -> TextCodec:
        return cls(spec.input_vocab or [], _recorded(spec.tokenization, "input"))

    @classmethod
    def for_target(cls, spec: Spec) -> TextCodec:
        how = spec.target_tokenization or (
            spec.tokenization and replace(spec.tokenization, max_len=None, reverse=False)
        )
        return cls(spec.target_vocab or [], _recorded(how, "target"))

    def encode(self, text: str, pretokenized: bool = False) -> list[int]:
        """Token ids of `text`, cut as the run's data was; `pretokenized`: `text` is tokens
        separated by whitespace, taken as they are (lowercased if the run lowercased)."""
        if pretokenized:
            tokens = [t.lower() if self.lowercase else t for t in text.split()]
        else:
            tokens = self.split(self.normalize(text) if self.normalize else text)
        tokens = tokens[: self.max_len]
        ids = []
        for token in tokens[::-1] if self.reverse else tokens:
            found = self.index.get(token, self.unk)
            if found is None:
                raise ZooError(
                    f"{token!r} is not in the model's vocabulary, which has no "
                    "<unk> token; use only tokens seen in training."
                )
            ids.append(found)
        return ids

    def warn_if_unknown(self, ids: list[int], what: str) -> None:
        """A warning when every token of `what` is outside the vocabulary (read as <unk>)."""
        if ids and self.unk is not None and all(i == self.unk for i in ids):
            print(f"warning: {what}: all {len(ids)} tokens are unknown to the model's "
                  "vocabulary (read as <unk>), so the output says nothing about them.",
                  file=sys.stderr)

    def decode(self, ids: list[int]) -> str:
        """Token strings joined at the tokenizer's level, special tokens left out."""
        return self.join.join(
            self.tokens[i] for i in ids if i < len(self.tokens) and not is_special(self.tokens[i])
        )
