"""Build a recurrent stack from the `cell` and `direction` config groups.

The `cell` config names its class with `_target_` (`zoo.cells.stack.RecurrentStack`) and
`_partial_: true`: its keys are the class's keywords, and the input size and the direction,
known only where a topology places the stack, are given here.
"""

from __future__ import annotations

from hydra.utils import instantiate
from omegaconf import DictConfig

from zoo.cells.stack import RecurrentStack
from zoo.errors import ZooError


def build_stack(cell: DictConfig, direction: DictConfig | None, input_size: int) -> RecurrentStack:
    bidirectional = bool(direction.bidirectional) if direction is not None else False
    if not cell.get("_target_"):
        raise ZooError("the cell config names no class; give cell._target_ "
                       "(e.g. zoo.cells.stack.RecurrentStack).")
    # a partial, called here: an error of the class's own checks is raised as it is
    make = instantiate(cell, _partial_=True)
    return make(
        input_size=input_size,
        bidirectional=bidirectional,
        merge=direction.merge if bidirectional else "concat",
    )
