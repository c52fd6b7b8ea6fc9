"""Lists of token ids -> one padded (N, T) tensor plus lengths, as `TensorSequences` holds."""

from __future__ import annotations

import torch
from torch.nn.utils.rnn import pad_sequence


def padded(seqs: list[list[int]], pad: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    x = pad_sequence(
        [torch.tensor(s, dtype=torch.long) for s in seqs], batch_first=True, padding_value=pad
    )
    return x, torch.tensor([len(s) for s in seqs], dtype=torch.long)
