"""Text normalisers a Spec may name (`Tokenization.normalize`), so a trained run's inputs are
cut as its data was."""

from __future__ import annotations

import re

from zoo.data.preprocess.ascii_fold import to_ascii

PUNCTUATION = re.compile(r"([.!?])")
NOT_LETTERS = re.compile(r"[^a-zA-Z.!?]+")


def eng_fra(text: str) -> str:
    """The PyTorch translation tutorial's normalizeString: ASCII, lowercase, " ." / " !" /
    " ?", letters only."""
    text = to_ascii(text.lower().strip())
    return NOT_LETTERS.sub(" ", PUNCTUATION.sub(r" \1", text)).strip()


NORMALIZERS = {"eng_fra": eng_fra}  # the names `Tokenization.normalize` may hold
