"""Many-to-one: a sequence -> a class or a value (sentiment, sequence regression)."""

from __future__ import annotations

from dataclasses import dataclass

from zoo.cells import build_stack
from zoo.knobs import knob
from zoo.topologies.base import Topology, TopologyConfig
from zoo.topologies.layers import DenseHead, InputLayer, build_head, length_mask
from zoo.topologies.pooling import SUMMARIES, Pooling


@dataclass
class ManyToOneConfig(TopologyConfig):
    _target_: str = "zoo.topologies.many_to_one.ManyToOne"
    name: str = "many_to_one"
    # a: embeddings start U(-a, a) (Keras: 0.05); null: torch's N(0, 1)
    embedding_init_range: float | None = knob(None, low=0.0)
    summary: str = knob("last", choices=SUMMARIES)
    head: DenseHead = knob(factory=DenseHead)


class ManyToOne(Topology):
    name = "many_to_one"
    accepts = ("sequence", "single")
    about = "a sequence to one class or value"

    def __init__(self, spec, cell, direction, *, name: str, embedding_dim: int,
                 embedding_dropout: float, embedding_init_range: float | None, summary: str,
                 head):
        super().__init__()
        self.input = InputLayer(spec, embedding_dim, embedding_dropout, embedding_init_range)
        self.encoder = build_stack(cell, direction, self.input.size)
        self.pool = Pooling(summary, self.encoder.output_size)
        self.head = build_head(head, self.encoder.output_size, spec.target_size)

    def forward(self, batch, state=None):
        x, lengths = batch["x"], batch.get("x_len")
        outputs, final = self.encoder(self.input(x), lengths, cell_state=False)
        mask = length_mask(lengths, x.size(0), x.size(1), x.device)
        return self.head(self.pool(outputs, self.encoder.summary(final), mask)), None
