"""Many-to-many, aligned: one output per input step (tagging, language modelling,
per-step regression). For a causal target (language modelling) it must be unidirectional."""

from __future__ import annotations

from zoo.cells import build_stack
from zoo.topologies.base import Topology
from zoo.topologies.layers import InputLayer, build_head


class ManyToMany(Topology):
    name = "many_to_many"
    accepts = ("sequence", "aligned")
    about = "a sequence to one output per step"

    @classmethod
    def allows_bidirectional(cls, layout):
        return not layout.causal

    @classmethod
    def bidirectional_refusal(cls, data_name):
        return (
            f"data={data_name} is a language-modelling target (each step predicts the next), "
            "so a bidirectional model would see the future; use direction=uni."
        )

    def __init__(self, spec, cell, direction, cfg):
        super().__init__()
        self.input = InputLayer(spec, cfg.embedding_dim, cfg.embedding_dropout)
        self.encoder = build_stack(cell, direction, self.input.size)
        self.head = build_head(cfg, self.encoder.output_size, spec.target_size)

    def forward(self, batch, state=None):
        outputs, state = self.encoder(self.input(batch["x"]), batch.get("x_len"), state)
        return self.head(outputs), state
