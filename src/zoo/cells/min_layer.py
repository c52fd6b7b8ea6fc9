"""One layer of a custom parallel-scan cell (minGRU, minLSTM), uni- or bidirectional.

It mirrors a single-layer torch `nn.RNN` for `RecurrentStack`: outputs (B, T, D*H) with the
directions concatenated, outputs past a sequence's end zero, and a final state (D, B, H) taken
at each sequence's true last step. The backward direction reverses each sequence within its
own length, so padding never reaches a real step.
"""

from __future__ import annotations

import torch
from torch import nn

from zoo.cells.min_gru import MinGRU
from zoo.cells.min_lstm import MinLSTM
from zoo.errors import ZooError

MIN_CELLS = {"mingru": MinGRU, "minlstm": MinLSTM}


def reversal_index(lengths: torch.Tensor, steps: int) -> torch.Tensor:
    """(B, T) time indices that reverse each sequence's first `length` steps, padding in place."""
    t = torch.arange(steps, device=lengths.device)[None, :]
    n = lengths[:, None]
    return torch.where(t < n, n - 1 - t, t)


def take_steps(x: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """x (B, T, F) at the time indices `index` (B, K): (B, K, F)."""
    return x.gather(1, index[..., None].expand(-1, -1, x.size(-1)))


class MinLayer(nn.Module):
    num_layers = 1

    def __init__(self, kind: str, input_size: int, hidden_size: int, bidirectional: bool):
        super().__init__()
        self.kind, self.input_size, self.hidden_size = kind, input_size, hidden_size
        self.bidirectional = bidirectional
        cell = MIN_CELLS[kind]
        self.directions = nn.ModuleList(
            cell(input_size, hidden_size) for _ in range(2 if bidirectional else 1)
        )

    def forward(
        self,
        x: torch.Tensor,
        lengths: torch.Tensor | None = None,
        state: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        batch, steps = x.shape[:2]
        h0 = [None] * len(self.directions) if state is None else list(state.unbind(0))
        if lengths is None:
            lengths = torch.full((batch,), steps, device=x.device)
        lengths = lengths.to(x.device)
        last = (lengths - 1)[:, None]
        outputs, finals = [], []
        forward = self.directions[0](x, h0[0])
        outputs.append(forward)
        finals.append(take_steps(forward, last)[:, 0])
        if self.bidirectional:
            index = reversal_index(lengths, steps)
            backward = self.directions[1](take_steps(x, index), h0[1])
            finals.append(take_steps(backward, last)[:, 0])
            outputs.append(take_steps(backward, index))
        real = torch.arange(steps, device=x.device)[None, :, None] < lengths[:, None, None]
        out = torch.cat(outputs, -1).masked_fill(~real, 0.0)
        return out, torch.stack(finals)

    def initialise(self, scheme: str, forget_bias: float | None = None) -> None:
        """`default` keeps torch's Linear init; `xavier` per gate block with zero biases."""
        if scheme in ("orthogonal", "identity"):
            raise ZooError(
                f"cell.init={scheme!r} shapes a recurrent weight matrix, which "
                f"cell.kind={self.kind!r} does not have; use cell.init=default or xavier."
            )
        h = self.hidden_size
        for cell in self.directions:
            if scheme == "xavier":
                for block in cell.proj.weight.data.split(h):
                    nn.init.xavier_uniform_(block)
                nn.init.zeros_(cell.proj.bias)
            if forget_bias is not None:
                f = cell.forget_block
                cell.proj.bias.data[f * h : (f + 1) * h] = forget_bias
