"""Build a `RecurrentStack` from the `cell` and `direction` config groups."""

from __future__ import annotations

from omegaconf import DictConfig

from zoo.cells.merge import check_merge
from zoo.cells.stack import RecurrentStack


def build_stack(cell: DictConfig, direction: DictConfig | None, input_size: int) -> RecurrentStack:
    bidirectional = bool(direction.bidirectional) if direction is not None else False
    if direction is not None:
        check_merge(direction.merge)  # a typo is an error even where the merge is unused
    return RecurrentStack(
        kind=cell.kind,
        input_size=input_size,
        hidden_size=cell.hidden_size,
        num_layers=cell.num_layers,
        dropout=cell.dropout,
        bidirectional=bidirectional,
        merge=direction.merge if bidirectional else "concat",
        nonlinearity=cell.nonlinearity,
        init=cell.init,
        forget_bias=cell.forget_bias,
        packing=cell.packing,
    )
