"""One-to-many: a class id or a feature vector -> a token sequence (conditional generation).

The condition sets the decoder's initial state (`condition: init`), is fed at every step
(`input`), or both. Training uses teacher forcing; `generate` samples or beam-searches.
"""

from __future__ import annotations

from dataclasses import dataclass

from torch import nn

from zoo.errors import ZooError
from zoo.knobs import knob
from zoo.topologies.base import TopologyConfig
from zoo.topologies.decoder import Decoder, DecoderTopology, initial_rnn_state
from zoo.topologies.decoder_state import DecoderState
from zoo.topologies.layers import InputLayer, OutputHead

CONDITIONING = ("init", "input", "both")


@dataclass
class OneToManyConfig(TopologyConfig):
    _target_: str = "zoo.topologies.one_to_many.OneToMany"
    name: str = "one_to_many"
    condition_dim: int = knob(32, low=1)  # embedding of a class-id condition
    condition: str = knob("both", choices=CONDITIONING)
    head: OutputHead = knob(factory=OutputHead)


class OneToMany(DecoderTopology):
    name = "one_to_many"
    accepts = ("single", "sequence")
    about = "one class or vector to a sequence"

    @classmethod
    def allows_bidirectional(cls, layout):
        return False

    @classmethod
    def bidirectional_refusal(cls, data_name):
        return "topology=one_to_many is a decoder, which cannot be bidirectional; " \
            "use direction=uni."

    def __init__(self, spec, cell, direction, *, name: str, embedding_dim: int,
                 embedding_dropout: float, condition_dim: int, condition: str, head):
        super().__init__()
        mode = condition
        if mode not in CONDITIONING:
            raise ZooError(
                f"topology.condition={mode!r} is not known; choose one of {CONDITIONING}."
            )
        self.spec, self.mode = spec, mode
        self.condition = InputLayer(spec, condition_dim)
        feed = self.condition.size if mode in ("input", "both") else 0
        self.decoder = Decoder(spec, cell, embedding_dim, head.dropout, extra_size=feed)
        if mode in ("init", "both"):
            rnn = self.decoder.rnn
            self.bridge = nn.Linear(self.condition.size, rnn.num_layers * rnn.hidden_size)

    def start(self, batch) -> DecoderState:
        c = self.condition(batch["x"])
        rnn = initial_rnn_state(self.bridge, c, self.decoder.rnn) if self.mode != "input" else None
        return self.decoder.begin(rnn, extra=c if self.mode != "init" else None)

