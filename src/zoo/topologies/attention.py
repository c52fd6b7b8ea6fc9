"""Attention over encoder outputs for the seq2seq decoder.

`luong`: the "general" score h_t^T W h_s, applied after the decoder step (Luong et al. 2015).
`bahdanau`: the additive score v^T tanh(W_q s_{t-1} + W_m h_s), computed from the previous
decoder state before the step, its context fed into the step (Bahdanau et al. 2015).
"""

from __future__ import annotations

import torch
from torch import nn

ATTENTIONS = ("none", "luong", "bahdanau")


class Attention(nn.Module):
    def __init__(self, kind: str, query_size: int, memory_size: int):
        super().__init__()
        self.kind = kind
        if kind == "luong":
            self.proj = nn.Linear(memory_size, query_size, bias=False)
        else:
            self.query = nn.Linear(query_size, memory_size, bias=False)
            self.key = nn.Linear(memory_size, memory_size)
            self.v = nn.Linear(memory_size, 1, bias=False)

    def forward(self, query, memory, mask):
        """query (B, T, Q), memory (B, S, M), mask (B, S) -> context (B, T, M), weights."""
        if self.kind == "luong":
            scores = query @ self.proj(memory).transpose(1, 2)
        else:
            hidden = torch.tanh(self.query(query)[:, :, None] + self.key(memory)[:, None])
            scores = self.v(hidden).squeeze(-1)
        weights = scores.masked_fill(~mask[:, None, :], float("-inf")).softmax(-1)
        return weights @ memory, weights
