"""minLSTM (Feng et al. 2024, "Were RNNs All We Needed?"), one layer, one direction.

f_t, i_t = sigmoid(W_f x_t + b_f), sigmoid(W_i x_t + b_i), h~_t = W_h x_t + b_h; the gates are
normalised, f'_t = f_t / (f_t + i_t), i'_t = i_t / (f_t + i_t), and
h_t = f'_t h_{t-1} + i'_t g(h~_t). No cell state: the state is h alone. The gates see only
the input, so all steps are computed at once by a parallel scan.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from zoo.cells.scan import log_g, parallel_scan_log


class MinLSTM(nn.Module):
    blocks = ("f", "i", "h")  # row blocks of `proj`, each hidden_size rows
    forget_block = 0  # which block `cell.forget_bias` sets

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.proj = nn.Linear(input_size, len(self.blocks) * hidden_size)

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
        """x (B, T, E), h0 (B, H) or None (zeros) -> every hidden state (B, T, H)."""
        f, i, h_tilde = self.proj(x).chunk(3, dim=-1)
        diff = F.softplus(-f) - F.softplus(-i)  # log(i / f) of the sigmoids
        log_f, log_i = -F.softplus(diff), -F.softplus(-diff)  # log f', log i'
        return parallel_scan_log(log_f, log_i + log_g(h_tilde), h0)
