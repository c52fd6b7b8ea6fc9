"""What every topology shares: the layouts it accepts and the directions it allows.

`check` runs at compose time on the static `Layout` of the data, before anything is loaded.
"""

from __future__ import annotations

from torch import nn

from zoo.errors import ZooError
from zoo.spec import Layout


class Topology(nn.Module):
    """`forward(batch, state=None) -> (logits, state)`; logits line up with `batch["y"]`."""

    name: str = ""
    accepts: tuple[str, str] = ("sequence", "single")  # (layout.input, layout.target)
    can_generate = False
    about = ""  # what the topology maps, for error messages

    @classmethod
    def check(cls, layout: Layout, bidirectional: bool, data_name: str) -> None:
        if (layout.input, layout.target) != cls.accepts:
            raise ZooError(
                f"topology={cls.name} maps {cls.about}, but data={data_name} has a "
                f"{layout.input} input and a {layout.target} target; use "
                f"topology={suggest(layout)} with this data."
            )
        if bidirectional and not cls.allows_bidirectional(layout):
            raise ZooError(cls.bidirectional_refusal(data_name))

    @classmethod
    def allows_bidirectional(cls, layout: Layout) -> bool:
        return True

    @classmethod
    def bidirectional_refusal(cls, data_name: str) -> str:
        return f"topology={cls.name} cannot be bidirectional; use direction=uni."


def suggest(layout: Layout) -> str:
    from zoo.topologies.registry import TOPOLOGIES

    for name, cls in TOPOLOGIES.items():
        if cls.accepts == (layout.input, layout.target):
            return name
    return "?"
