"""Lists of token ids -> one padded (N, T) tensor plus lengths, as `TensorSequences` holds.

Optionally cut first, as Keras's `pad_sequences`: each sequence to `maxlen`, `truncating`
`pre` dropping tokens from the start (keeping the last `maxlen`), `post` from the end.
Padding always goes after the tokens and the real lengths are returned with them, because
every model here reads `x_len` (packed recurrences, masked pooling): Keras's `padding="pre"`
puts the pad tokens first instead, which gives the same result as long as the pads are
masked, and `TensorSequences` trims each batch on the right to its longest sequence, which
left-padding would break.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
import torch

from zoo.errors import ZooError

TRUNCATING = ("pre", "post")


def padded(
    seqs: list[list[int]],
    maxlen: int | None = None,
    truncating: str = "pre",
    pad: int = 0,
    dtype=np.int64,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(x, lengths): x is (N, longest kept length) of `dtype`, each row's tokens first;
    lengths are int64."""
    if truncating not in TRUNCATING:
        raise ZooError(f"data.truncating={truncating!r} is not known; choose one of {TRUNCATING}.")
    if maxlen is not None and maxlen < 1:
        raise ZooError(f"data.maxlen={maxlen} must be a positive number of tokens, or null.")
    if maxlen is not None:
        seqs = [s[-maxlen:] if truncating == "pre" else s[:maxlen] for s in seqs]
    lengths = np.fromiter(map(len, seqs), dtype=np.int64, count=len(seqs))
    width = int(lengths.max(initial=0))
    x = np.full((len(seqs), width), pad, dtype=dtype)
    x[np.arange(width) < lengths[:, None]] = np.fromiter(
        chain.from_iterable(seqs), dtype, count=int(lengths.sum())
    )
    return torch.from_numpy(x), torch.from_numpy(lengths)


def utf8_rows(texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Texts as (bytes, lengths): each text's UTF-8 bytes, padded as `padded` pads tokens."""
    return padded([list(text.encode()) for text in texts], dtype=np.uint8)


def utf8_texts(rows: torch.Tensor, lengths: torch.Tensor) -> list[str]:
    """The texts of `utf8_rows`."""
    return [bytes(row[:n].tolist()).decode() for row, n in zip(rows, lengths.tolist(),
                                                               strict=True)]
