"""The parallel scan behind minGRU and minLSTM (Feng et al. 2024; Heinsen 2023).

The recurrence h_t = a_t * h_{t-1} + b_t with a_t in (0, 1) and b_t > 0 is solved for all
steps at once in log space: with A_t = sum_{j<=t} log a_j,
h_t = exp(A_t) * (h_0 + sum_{k<=t} exp(log b_k - A_k)), the inner sum a `logcumsumexp`.
The initial state enters linearly, so it may have any sign (a decoder's tanh bridge).
Written by hand because torch has no associative scan for this recurrence.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def g(x: torch.Tensor) -> torch.Tensor:
    """The positive activation of the paper's log-space cells: x + 0.5 for x >= 0, else sigmoid."""
    return torch.where(x >= 0, x + 0.5, torch.sigmoid(x))


def log_g(x: torch.Tensor) -> torch.Tensor:
    """log(g(x)), computed without forming g(x)."""
    return torch.where(x >= 0, torch.log(F.relu(x) + 0.5), -F.softplus(-x))


def parallel_scan_log(
    log_a: torch.Tensor, log_b: torch.Tensor, h0: torch.Tensor | None = None
) -> torch.Tensor:
    """All h_t (B, T, H) of h_t = a_t h_{t-1} + b_t from log a, log b (B, T, H); h0 (B, H) or 0.

    Runs in at least float32 (logcumsumexp loses too much in half precision).
    """
    dtype = log_a.dtype
    log_a, log_b = (t.to(torch.promote_types(dtype, torch.float32)) for t in (log_a, log_b))
    a_star = log_a.cumsum(dim=1)
    h = torch.exp(a_star + torch.logcumsumexp(log_b - a_star, dim=1))
    if h0 is not None:
        h = h + torch.exp(a_star) * h0.to(h.dtype)[:, None]
    return h.to(dtype)
