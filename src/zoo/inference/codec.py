"""Text <-> token ids with a run's own vocabulary and tokenisation, read from its Spec.

A datamodule records how it cut text into tokens in `spec.extra`, either as top-level keys
`level`, `lowercase` and `max_len`, or as `spec.extra["tokenizer"]` (inputs) and optionally
`spec.extra["target_tokenizer"]` (targets; default: the same), a dict of:

    level: "char" | "word"   lowercase: bool   max_len: keep the first n input tokens
    reverse: feed the tokens back to front   normalize: "zoo.data.eng_fra.normalize"

`normalize` names a function `str -> str` inside the zoo package, applied first. What is
not recorded is guessed from the vocabulary: the level is char when every token is a single
character, and text is lowercased when the vocabulary has no capital letter.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from zoo.data.tokenize import joiner, tokenizer
from zoo.errors import ZooError
from zoo.spec import Spec

RECORDED = ("level", "lowercase", "max_len")  # top-level keys of spec.extra
INPUT_ONLY = ("max_len", "reverse")  # how inputs are cut, never targets


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


def _recorded(extra: dict, target: bool) -> dict:
    if target and extra.get("target_tokenizer"):
        return extra["target_tokenizer"]
    how = extra.get("tokenizer") or {k: extra[k] for k in RECORDED if k in extra}
    return {k: v for k, v in how.items() if not (target and k in INPUT_ONLY)}


class TextCodec:
    def __init__(self, tokens: list[str], how: dict | None):
        how = {**guess_tokenizer(tokens), **(how or {})}
        self.tokens = list(tokens)
        self.index = {t: i for i, t in enumerate(self.tokens)}
        self.level = how["level"]
        self.split = tokenizer(self.level, bool(how["lowercase"]))
        self.normalize = _normalizer(how.get("normalize"))
        self.max_len, self.reverse = how.get("max_len"), bool(how.get("reverse", False))
        self.join = joiner(self.level)
        self.unk = self.index.get("<unk>")

    @classmethod
    def for_input(cls, spec: Spec) -> TextCodec:
        return cls(spec.input_vocab or [], _recorded(spec.extra, target=False))

    @classmethod
    def for_target(cls, spec: Spec) -> TextCodec:
        return cls(spec.target_vocab or [], _recorded(spec.extra, target=True))

    def encode(self, text: str) -> list[int]:
        text = self.normalize(text) if self.normalize else text
        tokens = self.split(text)[: self.max_len]
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

    def decode(self, ids: list[int]) -> str:
        """Token strings joined at the tokenizer's level, special tokens left out."""
        return self.join.join(
            self.tokens[i] for i in ids if i < len(self.tokens) and not _is_special(self.tokens[i])
        )
