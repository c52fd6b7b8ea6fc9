"""The state a step-by-step decoder carries, with batch reordering for beam search."""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch


def _select_rnn(state, idx):
    if isinstance(state, tuple):
        return tuple(s.index_select(1, idx) for s in state)
    return state.index_select(1, idx)


@dataclass
class DecoderState:
    rnn: torch.Tensor | tuple | None  # (L, B, H) or (h, c)
    memory: torch.Tensor | None = None  # encoder outputs (B, S, M)
    mask: torch.Tensor | None = None  # (B, S), True at real source steps
    extra: torch.Tensor | None = None  # a condition fed at every step (B, X)

    def select(self, idx: torch.Tensor) -> DecoderState:
        """Rows `idx` of the batch (repeats allowed)."""

        def pick(t):
            return None if t is None else t.index_select(0, idx)

        return replace(
            self,
            rnn=None if self.rnn is None else _select_rnn(self.rnn, idx),
            memory=pick(self.memory),
            mask=pick(self.mask),
            extra=pick(self.extra),
        )

    def top_hidden(self) -> torch.Tensor:
        h = self.rnn[0] if isinstance(self.rnn, tuple) else self.rnn
        return h[-1]
