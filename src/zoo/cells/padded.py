"""Exact runs of torch's fused recurrent layers on right-padded input, without packing.

Packing a batch of unequal lengths sends torch's CPU kernels down a per-step path with
shrinking batches. This path keeps one fused call per layer and direction instead and stays
exact for every sequence: a causal direction's outputs at a sequence's real steps never see
its padding, so the forward direction runs on the padded batch and its final h is taken at each
true last step; the backward direction runs on each sequence reversed within its own length
(an index gather, padding left in place), so its real steps come first too, and its outputs
are gathered back. Padded outputs are zeroed before the next layer.

An LSTM's final cell state c at a true length cannot be read from the outputs, so this path
returns the final h alone; a caller that needs c packs (see `RecurrentStack`).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from zoo.cells.min_layer import reversal_index, take_steps

OPS = {"LSTM": torch.lstm, "GRU": torch.gru, "RNN_TANH": torch.rnn_tanh,
       "RNN_RELU": torch.rnn_relu}


def _weights(module: nn.RNNBase, layer: int, direction: int) -> list[torch.Tensor]:
    suffix = f"l{layer}{'_reverse' if direction else ''}"
    names = ["weight_ih", "weight_hh", *(["bias_ih", "bias_hh"] if module.bias else [])]
    return [getattr(module, f"{name}_{suffix}") for name in names]


def _direction(module: nn.RNNBase, row: int, x: torch.Tensor, state) -> torch.Tensor:
    """One layer and direction (state row `row`) as one fused call: every output (B, T, H)."""
    layer, direction = divmod(row, 2 if module.bidirectional else 1)
    shape = (1, x.size(0), module.hidden_size)
    if state is None:
        hx = [x.new_zeros(shape) for _ in range(2 if module.mode == "LSTM" else 1)]
    else:
        hx = [s[row : row + 1] for s in (state if isinstance(state, tuple) else (state,))]
    args = (_weights(module, layer, direction), module.bias, 1, 0.0, module.training, False, True)
    if module.mode == "LSTM":
        return OPS["LSTM"](x, hx, *args)[0]
    return OPS[module.mode](x, hx[0], *args)[0]


def run_padded(module: nn.RNNBase, x: torch.Tensor, lengths: torch.Tensor, state=None):
    """A batch-first torch layer on `x` (B, T, E) with `lengths` (B,) -> (outputs with padding
    zero, final h (num_layers * directions, B, H)) as packing gives, without packing."""
    lengths = lengths.to(x.device)
    steps = x.size(1)
    last = (lengths - 1)[:, None]
    real = (torch.arange(steps, device=x.device)[None, :] < lengths[:, None])[..., None]
    directions = 2 if module.bidirectional else 1
    backward = reversal_index(lengths, steps) if directions == 2 else None
    finals = []
    for layer in range(module.num_layers):
        if layer and module.dropout:
            x = F.dropout(x, module.dropout, module.training)
        outputs = []
        for d in range(directions):
            inputs = x if d == 0 else take_steps(x, backward)
            out = _direction(module, layer * directions + d, inputs, state)
            finals.append(take_steps(out, last)[:, 0])
            outputs.append(out if d == 0 else take_steps(out, backward))
        x = torch.cat(outputs, -1).masked_fill(~real, 0.0)
    return x, torch.stack(finals)
