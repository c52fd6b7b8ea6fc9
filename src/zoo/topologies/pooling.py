"""Summaries of an encoded sequence for many-to-one: last state, mean, max or attention."""

from __future__ import annotations

import torch
from torch import nn

from zoo.errors import ZooError

SUMMARIES = ("last", "mean", "max", "attention")


class Pooling(nn.Module):
    def __init__(self, kind: str, size: int):
        super().__init__()
        if kind not in SUMMARIES:
            raise ZooError(f"topology.summary={kind!r} is not known; choose one of {SUMMARIES}.")
        self.kind = kind
        if kind == "attention":
            self.score = nn.Sequential(nn.Linear(size, size), nn.Tanh(), nn.Linear(size, 1))

    def forward(self, outputs, final_summary, mask) -> torch.Tensor:
        """`outputs` (B, T, H); `final_summary` (B, H) from the last states; `mask` (B, T)."""
        if self.kind == "last":
            return final_summary
        m = mask.unsqueeze(-1)
        if self.kind == "mean":
            return (outputs * m).sum(1) / m.sum(1).clamp(min=1)
        if self.kind == "max":
            return outputs.masked_fill(~m, float("-inf")).max(1).values
        scores = self.score(outputs).masked_fill(~m, float("-inf"))
        return (scores.softmax(1) * outputs).sum(1)
