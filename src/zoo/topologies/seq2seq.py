"""Encoder-decoder (seq2seq): a source sequence -> a target sequence of another length.

The encoder may be bidirectional; its final summary initialises the (always unidirectional)
decoder through a learned bridge (`condition: init`), is fed with every decoder step (`input`,
as Keras's RepeatVector; the decoder starts from zeros), or both; the decoder may attend over
the encoder's outputs.
"""

from __future__ import annotations

from dataclasses import dataclass

from torch import nn

from zoo.cells import build_stack
from zoo.errors import ZooError
from zoo.knobs import knob
from zoo.topologies.attention import ATTENTIONS
from zoo.topologies.base import TopologyConfig
from zoo.topologies.decoder import Decoder, DecoderTopology, initial_rnn_state
from zoo.topologies.decoder_state import DecoderState
from zoo.topologies.layers import InputLayer, OutputHead, length_mask

CONDITIONING = ("init", "input", "both")


@dataclass
class Seq2SeqConfig(TopologyConfig):
    _target_: str = "zoo.topologies.seq2seq.Seq2Seq"
    name: str = "seq2seq"
    attention: str = knob("luong", choices=ATTENTIONS)
    condition: str = knob("init", choices=CONDITIONING)
    head: OutputHead = knob(factory=OutputHead)


class Seq2Seq(DecoderTopology):
    name = "seq2seq"
    accepts = ("sequence", "sequence")
    about = "a sequence to a sequence of another length"

    def __init__(self, spec, cell, direction, *, name: str, embedding_dim: int,
                 embedding_dropout: float, attention: str, condition: str, head):
        super().__init__()
        self.spec = spec
        self.input = InputLayer(spec, embedding_dim, embedding_dropout)
        self.encoder = build_stack(cell, direction, self.input.size)
        size = self.encoder.output_size
        self.mode = condition
        if self.mode not in CONDITIONING:
            raise ZooError(
                f"topology.condition={self.mode!r} is not known; choose one of {CONDITIONING}."
            )
        feed = size if self.mode != "init" else 0
        self.decoder = Decoder(
            spec, cell, embedding_dim, head.dropout, extra_size=feed, memory_size=size,
            attention=attention,
        )
        rnn = self.decoder.rnn
        if self.mode != "input":
            self.bridge = nn.Linear(size, rnn.num_layers * rnn.hidden_size)

    def start(self, batch) -> DecoderState:
        x, lengths = batch["x"], batch.get("x_len")
        memory, final = self.encoder(self.input(x), lengths, cell_state=False)
        summary = self.encoder.summary(final)
        if self.mode == "input":
            rnn = self.decoder.rnn.zero_state(summary.size(0), summary.device, summary.dtype)
        else:
            rnn = initial_rnn_state(self.bridge, summary, self.decoder.rnn)
        mask = length_mask(lengths, x.size(0), x.size(1), x.device)
        extra = summary if self.mode != "init" else None
        return self.decoder.begin(rnn, memory=memory, mask=mask, extra=extra)
