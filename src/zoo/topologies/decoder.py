"""A unidirectional token decoder: embedding, recurrent stack, optional attention, output.

Shared by one-to-many (a condition fed at every step) and seq2seq (attention over the
encoder). `forward` runs a whole teacher-forced sequence; `step` is one token, for generation.
`DecoderTopology` is what both topologies share around it.
"""

from __future__ import annotations

from dataclasses import replace

import torch
from torch import nn

from zoo.cells import build_stack
from zoo.topologies.attention import Attention
from zoo.topologies.base import Topology
from zoo.topologies.decoder_state import DecoderState
from zoo.topologies.generation import Generating
from zoo.topologies.layers import Head


class Decoder(nn.Module):
    def __init__(self, spec, cell, embedding_dim: int, output_dropout: float = 0.0,
                 extra_size=0, memory_size=0, attention="none"):
        super().__init__()
        self.attention_kind = attention
        self.embed = nn.Embedding(spec.target_size, embedding_dim, padding_idx=spec.pad_id)
        rnn_in = embedding_dim + extra_size + (memory_size if attention == "bahdanau" else 0)
        self.rnn = build_stack(cell, None, rnn_in)
        hidden = self.rnn.hidden_size
        self.attention = None if attention == "none" else Attention(attention, hidden, memory_size)
        if attention == "luong":
            self.combine = nn.Sequential(nn.Linear(hidden + memory_size, hidden), nn.Tanh())
        out_in = hidden + (memory_size if attention == "bahdanau" else 0)
        self.out = Head(out_in, spec.target_size, input_dropout=output_dropout)

    def forward(self, y_in: torch.Tensor, state: DecoderState):
        """y_in (B, T) -> logits (B, T, V) and the state after the last step."""
        if self.attention_kind == "bahdanau":
            steps = []
            for t in range(y_in.size(1)):
                logits, state = self._bahdanau_step(y_in[:, t : t + 1], state)
                steps.append(logits)
            return torch.cat(steps, 1), state
        x = self.embed(y_in)
        if state.extra is not None:
            x = torch.cat([x, state.extra[:, None].expand(-1, x.size(1), -1)], -1)
        out, rnn = self.rnn(x, None, state.rnn)
        if self.attention_kind == "luong":
            context, _ = self.attention(out, state.memory, state.mask)
            out = self.combine(torch.cat([out, context], -1))
        return self.out(out), replace(state, rnn=rnn)

    def step(self, tokens: torch.Tensor, state: DecoderState):
        """tokens (B,) -> logits (B, V), next state."""
        logits, state = self(tokens[:, None], state)
        return logits[:, 0], state

    def _bahdanau_step(self, y_t, state):
        context, _ = self.attention(state.top_hidden()[:, None], state.memory, state.mask)
        parts = [self.embed(y_t), context]
        if state.extra is not None:
            parts.append(state.extra[:, None])
        out, rnn = self.rnn(torch.cat(parts, -1), None, state.rnn)
        logits = self.out(torch.cat([out, context], -1))
        return logits, replace(state, rnn=rnn)

    def begin(self, rnn=None, **parts) -> DecoderState:
        """The state a decoding starts from: `rnn` (None: zeros) and the `DecoderState`
        fields `memory`, `mask`, `extra`."""
        return DecoderState(rnn, stack=self.rnn, **parts)


def initial_rnn_state(bridge: nn.Module, summary: torch.Tensor, rnn) -> torch.Tensor | tuple:
    """Map a (B, D) vector to the decoder's initial state (L, B, H); LSTM cells start at 0."""
    h = torch.tanh(bridge(summary)).view(summary.size(0), rnn.num_layers, rnn.hidden_size)
    return rnn.state_from(h.transpose(0, 1).contiguous())


class DecoderTopology(Generating, Topology):
    """Teacher-forced training and the generation protocol through `self.decoder`; a subclass
    provides `self.spec`, `self.decoder` and `start(batch)`. Targets `batch["y"]` end with the
    end token; the decoder reads them shifted right behind the begin token."""

    can_generate = True

    def forward(self, batch, state=None):
        y_in = torch.cat([self.lead(batch), batch["y"][:, :-1]], 1)
        return self.decoder(y_in, self.start(batch))[0], None

    def lead(self, batch) -> torch.Tensor:
        x = batch["x"]
        return torch.full((x.size(0), 1), self.spec.bos_id, dtype=torch.long, device=x.device)

    def read(self, tokens: torch.Tensor, state: DecoderState) -> DecoderState:
        return self.decoder(tokens, state)[1]

    def step(self, tokens: torch.Tensor, state: DecoderState):
        return self.decoder.step(tokens, state)
