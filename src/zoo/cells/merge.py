"""How the forward and backward halves of a bidirectional output are combined (as Keras's
`Bidirectional(merge_mode=...)`)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from zoo.knobs import knob

MERGES = ("concat", "sum", "mean", "mul")


def merge_directions(forward: torch.Tensor, backward: torch.Tensor, merge: str) -> torch.Tensor:
    if merge == "concat":
        return torch.cat([forward, backward], dim=-1)
    if merge == "sum":
        return forward + backward
    if merge == "mean":
        return (forward + backward) / 2
    return forward * backward


def merged_size(hidden_size: int, bidirectional: bool, merge: str) -> int:
    return 2 * hidden_size if bidirectional and merge == "concat" else hidden_size


@dataclass
class DirectionConfig:
    bidirectional: bool = False
    merge: str = knob("concat", choices=MERGES)  # Keras's merge_mode
