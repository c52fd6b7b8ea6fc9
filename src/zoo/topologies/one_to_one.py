"""One-to-one: a single step; a feature vector (or label) -> a class or a value."""

from __future__ import annotations

from dataclasses import dataclass

from zoo.cells import build_stack
from zoo.knobs import knob
from zoo.topologies.base import Topology, TopologyConfig
from zoo.topologies.layers import DenseHead, InputLayer, build_head


@dataclass
class OneToOneConfig(TopologyConfig):
    _target_: str = "zoo.topologies.one_to_one.OneToOne"
    name: str = "one_to_one"
    head: DenseHead = knob(factory=DenseHead)


class OneToOne(Topology):
    name = "one_to_one"
    accepts = ("single", "single")
    about = "one item to one class or value"

    def __init__(self, spec, cell, direction, *, name: str, embedding_dim: int,
                 embedding_dropout: float, head):
        super().__init__()
        self.input = InputLayer(spec, embedding_dim, embedding_dropout)
        self.encoder = build_stack(cell, direction, self.input.size)
        self.head = build_head(head, self.encoder.output_size, spec.target_size)

    def forward(self, batch, state=None):
        outputs, _ = self.encoder(self.input(batch["x"]).unsqueeze(1))
        return self.head(outputs[:, 0]), None
