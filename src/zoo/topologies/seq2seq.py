"""Encoder-decoder (seq2seq): a source sequence -> a target sequence of another length.

The encoder may be bidirectional; its final summary initialises the (always unidirectional)
decoder through a learned bridge, and the decoder may attend over the encoder's outputs.
"""

from __future__ import annotations

from torch import nn

from zoo.cells import build_stack
from zoo.topologies.base import Topology
from zoo.topologies.decoder import Decoder, initial_rnn_state
from zoo.topologies.decoder_state import DecoderState
from zoo.topologies.generation import Generating
from zoo.topologies.layers import InputLayer, length_mask


class Seq2Seq(Generating, Topology):
    name = "seq2seq"
    accepts = ("sequence", "sequence")
    about = "a sequence to a sequence of another length"

    def __init__(self, spec, cell, direction, cfg):
        super().__init__()
        self.spec = spec
        self.input = InputLayer(spec, cfg.embedding_dim, cfg.get("embedding_dropout", 0.0))
        self.encoder = build_stack(cell, direction, self.input.size)
        size = self.encoder.output_size
        self.decoder = Decoder(spec, cell, cfg, memory_size=size, attention=cfg.attention)
        rnn = self.decoder.rnn
        self.bridge = nn.Linear(size, rnn.num_layers * rnn.hidden_size)

    def start(self, batch) -> DecoderState:
        x, lengths = batch["x"], batch.get("x_len")
        memory, final = self.encoder(self.input(x), lengths)
        rnn = initial_rnn_state(self.bridge, self.encoder.summary(final), self.decoder.rnn)
        mask = length_mask(lengths, x.size(0), x.size(1), x.device)
        return DecoderState(rnn, memory=memory, mask=mask)
