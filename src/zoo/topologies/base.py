"""What every topology shares: the layouts it accepts, the directions it allows, and what it
can do beyond `forward` (generate, carry a state, be cut by truncated BPTT).

`check` runs at compose time on the static `Layout` of the data, before anything is loaded.
A topology is built through its config's `_target_` (zoo.topologies.build_model):
`cls(spec, cell, direction, **its config's keys)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from torch import nn

from zoo.errors import ZooError
from zoo.knobs import knob
from zoo.spec import Layout


@dataclass
class TopologyConfig:
    _target_: str = knob()
    _partial_: bool = True  # the Spec, cell and direction come from zoo.topologies.build_model
    name: str = knob()
    embedding_dim: int = knob(64, low=1)  # used when the input (or target) is tokens
    embedding_dropout: float = knob(0.0, low=0.0, below=1.0)


class Topology(nn.Module):
    """`forward(batch, state=None) -> (logits, state)`; logits line up with `batch["y"]`."""

    name: str = ""
    accepts: tuple[str, str] = ("sequence", "single")  # (layout.input, layout.target)
    # generate(batch) decodes each input's target sequence (greedy, sampled, beam); known
    # before the data loads, so the metrics a run logs (exact match, BLEU) follow from it
    can_generate = False
    # a loss at every step and a state that runs forward in time: tbptt_steps can cut it
    truncatable = False
    about = ""  # what the topology maps, for error messages

    @classmethod
    def accepts_layout(cls, layout: Layout) -> bool:
        return (layout.input, layout.target) == cls.accepts

    @classmethod
    def check(cls, layout: Layout, bidirectional: bool, data_name: str,
              options: Callable[[], Iterable[type]] = tuple) -> None:
        """Refuse data of another layout, or a direction the topology cannot take; `options`
        gives every topology class, the one that fits named in the refusal."""
        if not cls.accepts_layout(layout):
            fits = next((o.name for o in options() if o.accepts_layout(layout)), "?")
            raise ZooError(
                f"topology={cls.name} maps {cls.about}, but data={data_name} has a "
                f"{layout.input} input and a {layout.target} target; use "
                f"topology={fits} with this data."
            )
        if bidirectional and not cls.allows_bidirectional(layout):
            raise ZooError(cls.bidirectional_refusal(data_name))

    @classmethod
    def allows_bidirectional(cls, layout: Layout) -> bool:
        return True

    @classmethod
    def bidirectional_refusal(cls, data_name: str) -> str:
        return f"topology={cls.name} cannot be bidirectional; use direction=uni."

    @property
    def state_stack(self):
        """The recurrent stack whose state `forward` takes and returns (None where `forward`
        returns no state); it knows the state's structure (h, or (h, c))."""
        return None

    def detach_state(self, state):
        """A state `forward` returned, cut from the autograd graph (None stays None)."""
        return None if state is None else self.state_stack.detach_state(state)

    def continues_prompts(self) -> bool:
        """Whether `generate(batch)` continues `batch["x"]` as a prompt (a language model)."""
        return False

    def generate(self, batch, max_len=50, **options) -> list[list[int]]:
        raise ZooError(f"topology={self.name} does not generate.")
