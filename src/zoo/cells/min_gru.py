"""minGRU (Feng et al. 2024, "Were RNNs All We Needed?"), one layer, one direction.

z_t = sigmoid(W_z x_t + b_z), h~_t = W_h x_t + b_h, h_t = (1 - z_t) h_{t-1} + z_t g(h~_t).
The gates see only the input, so all steps are computed at once by a parallel scan.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from zoo.cells.scan import log_g, parallel_scan_log


class MinGRU(nn.Module):
    blocks = ("z", "h")  # row blocks of `proj`, each hidden_size rows
    forget_block = None

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.proj = nn.Linear(input_size, len(self.blocks) * hidden_size)

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
        """x (B, T, E), h0 (B, H) or None (zeros) -> every hidden state (B, T, H)."""
        k, h_tilde = self.proj(x).chunk(2, dim=-1)
        log_z, log_keep = -F.softplus(-k), -F.softplus(k)  # log z, log (1 - z)
        return parallel_scan_log(log_keep, log_z + log_g(h_tilde), h0)
