"""Unicode to plain ASCII as the PyTorch tutorials do: decompose (NFD) and drop the combining
marks, so "Ślusàrski" becomes "Slusarski"; optionally keep only an allowed set of characters."""

from __future__ import annotations

import unicodedata


def to_ascii(text: str, allowed: str | None = None) -> str:
    if allowed is None and text.isascii():  # nothing to decompose or drop
        return text
    kept = (c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    if allowed is not None:
        kept = (c for c in kept if c in allowed)
    return "".join(kept)
