"""Many-to-many, aligned: one output per input step (tagging, language modelling,
per-step regression). For a causal target (language modelling) it must be unidirectional.

On causal token data it is a language model: it speaks the decoders' generation protocol
(`zoo.topologies.generation`), its lead the prompt, so `generate` continues the prompt."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from zoo.cells import build_stack
from zoo.errors import ZooError
from zoo.knobs import knob
from zoo.topologies.base import Topology, TopologyConfig
from zoo.topologies.decoder_state import DecoderState
from zoo.topologies.generation import Generating
from zoo.topologies.layers import DenseHead, InputLayer, build_head


@dataclass
class ManyToManyConfig(TopologyConfig):
    _target_: str = "zoo.topologies.many_to_many.ManyToMany"
    name: str = "many_to_many"
    head: DenseHead = knob(factory=DenseHead)


class ManyToMany(Generating, Topology):
    name = "many_to_many"
    accepts = ("sequence", "aligned")
    about = "a sequence to one output per step"
    truncatable = True

    @classmethod
    def allows_bidirectional(cls, layout):
        return not layout.causal

    @classmethod
    def bidirectional_refusal(cls, data_name):
        return (
            f"data={data_name} is a language-modelling target (each step predicts the next), "
            "so a bidirectional model would see the future; use direction=uni."
        )

    def __init__(self, spec, cell, direction, *, name: str, embedding_dim: int,
                 embedding_dropout: float, head):
        super().__init__()
        self.spec = spec
        self.input = InputLayer(spec, embedding_dim, embedding_dropout)
        self.encoder = build_stack(cell, direction, self.input.size)
        self.head = build_head(head, self.encoder.output_size, spec.target_size)

    def forward(self, batch, state=None):
        outputs, state = self.encoder(self.input(batch["x"]), batch.get("x_len"), state)
        return self.head(outputs), state

    @property
    def state_stack(self):
        return self.encoder

    def continues_prompts(self) -> bool:
        spec = self.spec
        return bool(spec.layout.causal and spec.input_kind == "tokens"
                    and spec.target_kind == "tokens")

    def generate(self, batch, max_len=50, **options) -> list[list[int]]:
        """The tokens that follow each prompt `batch["x"]` (B, P >= 1), up to the end token."""
        if not self.continues_prompts():
            raise ZooError(
                "topology=many_to_many generates only as a language model (token input, "
                "next-token targets)."
            )
        return super().generate(batch, max_len, **options)

    def start(self, batch) -> DecoderState:
        return DecoderState(None, stack=self.encoder)

    def lead(self, batch) -> torch.Tensor:
        return batch["x"]

    def read(self, tokens: torch.Tensor, state: DecoderState) -> DecoderState:
        _, rnn = self.encoder(self.input(tokens), None, state.rnn)
        return DecoderState(rnn, stack=self.encoder)

    def step(self, tokens: torch.Tensor, state: DecoderState):
        logits, rnn = self({"x": tokens[:, None]}, state.rnn)
        return logits[:, 0], DecoderState(rnn, stack=self.encoder)
