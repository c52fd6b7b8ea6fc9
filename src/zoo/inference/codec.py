"""Text <-> token ids with a run's own vocabulary and tokenisation, read from its Spec.

A datamodule records how it cut text into tokens in `spec.extra["tokenizer"]` (inputs) and
optionally `spec.extra["target_tokenizer"]` (targets, default: the same):

    {"level": "char" | "word", "lowercase": false, "normalize": "zoo.data.eng_fra.normalize"}

`normalize` (optional) names a function `str -> str` inside the zoo package, applied first.
Without a record, the level is guessed from the vocabulary (all single characters: char)
and text is lowercased when the vocabulary has no capital letter.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from zoo.data.tokenize import joiner, tokenizer
from zoo.errors import ZooError
from zoo.spec import Spec


def _is_special(token: str) -> bool:
    return len(token) > 2 and token.startswith("<") and token.endswith(">")


def _normalizer(path: str | None) -> Callable[[str], str] | None:
    if not path:
        return None
    module, _, name = path.rpartition(".")
    if not module.startswith("zoo."):
        raise ZooError(
            f"the checkpoint's tokenizer names normalize={path!r}; only functions "
            "of the zoo package are run."
        )
    return getattr(importlib.import_module(module), name)


def guess_tokenizer(tokens: list[str]) -> dict:
    plain = [t for t in tokens if not _is_special(t)]
    level = "char" if all(len(t) == 1 for t in plain) else "word"
    lowercase = not any(c.isupper() for t in plain for c in t)
    return {"level": level, "lowercase": lowercase}


class TextCodec:
    def __init__(self, tokens: list[str], how: dict | None, pad_id: int = 0):
        how = dict(how or guess_tokenizer(tokens))
        self.tokens = list(tokens)
        self.index = {t: i for i, t in enumerate(self.tokens)}
        self.level = how.get("level", "char")
        self.split = tokenizer(self.level, bool(how.get("lowercase", False)))
        self.normalize = _normalizer(how.get("normalize"))
        self.join = joiner(self.level)
        self.unk = self.index.get("<unk>")
        self.pad_id = pad_id

    @classmethod
    def for_input(cls, spec: Spec) -> TextCodec:
        return cls(spec.input_vocab or [], spec.extra.get("tokenizer"), spec.pad_id)

    @classmethod
    def for_target(cls, spec: Spec) -> TextCodec:
        how = spec.extra.get("target_tokenizer") or spec.extra.get("tokenizer")
        return cls(spec.target_vocab or [], how, spec.pad_id)

    def encode(self, text: str) -> list[int]:
        text = self.normalize(text) if self.normalize else text
        ids = []
        for token in self.split(text):
            found = self.index.get(token, self.unk)
            if found is None:
                raise ZooError(
                    f"{token!r} is not in the model's vocabulary, which has no "
                    "<unk> token; use only tokens seen in training."
                )
            ids.append(found)
        return ids

    def decode(self, ids: list[int]) -> str:
        """Token strings joined at the tokenizer's level, special tokens left out."""
        return self.join.join(
            self.tokens[i] for i in ids if i < len(self.tokens) and not _is_special(self.tokens[i])
        )
