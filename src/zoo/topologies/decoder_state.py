"""The state a step-by-step decoder carries, with batch reordering for beam search."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import torch


@dataclass
class DecoderState:
    rnn: torch.Tensor | tuple | None  # (L, B, H), or (h, c): as `stack` returns it
    memory: torch.Tensor | None = None  # encoder outputs (B, S, M)
    mask: torch.Tensor | None = None  # (B, S), True at real source steps
    extra: torch.Tensor | None = None  # a condition fed at every step (B, X)
    # the RecurrentStack whose state `rnn` is (it knows the state's structure); without one,
    # `rnn` is a single tensor
    stack: object = field(default=None, repr=False, compare=False)

    def select(self, idx: torch.Tensor) -> DecoderState:
        """Rows `idx` of the batch (repeats allowed)."""

        def pick(t):
            return None if t is None else t.index_select(0, idx)

        return replace(
            self,
            rnn=None if self.rnn is None else self._map_rnn(lambda s: s.index_select(1, idx)),
            memory=pick(self.memory),
            mask=pick(self.mask),
            extra=pick(self.extra),
        )

    def top_hidden(self) -> torch.Tensor:
        h = self.rnn if self.stack is None else self.stack.hidden(self.rnn)
        return h[-1]

    def _map_rnn(self, fn):
        return fn(self.rnn) if self.stack is None else self.stack.map_state(fn, self.rnn)
