"""Weight initialisation schemes for torch's recurrent layers.

Torch stores gate blocks stacked along dim 0 of `weight_hh` (LSTM: i, f, g, o; GRU: r, z, n),
so square schemes (orthogonal, identity) are applied per gate block.
"""

from __future__ import annotations

import torch
from torch import nn

SCHEMES = ("default", "orthogonal", "xavier", "identity")


def _gate_blocks(weight: torch.Tensor, hidden_size: int):
    return weight.data.split(hidden_size, dim=0)


def initialise(module: nn.RNNBase, scheme: str, forget_bias: float | None = None) -> None:
    """Initialise `module` in place by `scheme` (one of `SCHEMES`: the cell schema's `init`
    knob refuses any other); set the LSTM forget-gate bias if given."""
    hidden = module.hidden_size
    for name, param in module.named_parameters():
        if scheme == "default":
            break
        if name.startswith("bias"):
            nn.init.zeros_(param)
        elif name.startswith("weight_hh"):
            for block in _gate_blocks(param, hidden):
                if scheme == "orthogonal":
                    nn.init.orthogonal_(block)
                elif scheme == "identity":
                    block.copy_(torch.eye(hidden))
                else:
                    nn.init.xavier_uniform_(block)
        elif name.startswith("weight_ih"):
            for block in _gate_blocks(param, hidden):
                if scheme == "identity":
                    nn.init.normal_(block, std=0.001)  # Le et al. 2015, IRNN
                else:
                    nn.init.xavier_uniform_(block)
    if forget_bias is not None and isinstance(module, nn.LSTM):
        for name, param in module.named_parameters():
            if name.startswith("bias"):
                param.data[hidden : 2 * hidden] = forget_bias if name.startswith("bias_ih") else 0.0
