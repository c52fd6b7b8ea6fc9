"""Character- and word-level tokenisers for the bring-your-own text datamodules.

Words are runs of letters/digits (with inner apostrophes, as in "don't") and each other
non-space character on its own, so punctuation becomes a token; characters keep every
character, spaces and line breaks included. Written by hand: a regular expression is all
these two levels need, and a trained tokenizer would change results between datasets.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from zoo.errors import ZooError

LEVELS = ("char", "word")
WORD = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")


def tokenizer(level: str, lowercase: bool = False) -> Callable[[str], list[str]]:
    """A function from text to its tokens at `level` ("char" or "word")."""
    if level not in LEVELS:
        raise ZooError(f"data.level={level!r} is not known; choose one of {LEVELS}.")

    def tokens(text: str) -> list[str]:
        text = text.lower() if lowercase else text
        return list(text) if level == "char" else WORD.findall(text)

    return tokens


def token_limit(max_len) -> int | None:
    """`data.max_len` checked: None (no limit) or a positive number of tokens."""
    if max_len is None:
        return None
    if int(max_len) < 1:
        raise ZooError(f"data.max_len={max_len} must be at least 1, or null for no limit.")
    return int(max_len)
