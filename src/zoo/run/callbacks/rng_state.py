"""The random number generators' states, kept in every checkpoint so a resumed run draws what
the uninterrupted run would have drawn: torch's global generator (which the batch samplers of
`zoo.data.batches` shuffle with), numpy's and Python's.

Saved as plain tensors and tuples, so checkpoints still load with weights-only loading.
"""

from __future__ import annotations

import random

import numpy as np
import pytorch_lightning as pl
import torch


def rng_states() -> dict:
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    return {
        "torch": torch.get_rng_state(),
        "numpy": (kind, torch.from_numpy(keys.astype(np.int64)), pos, has_gauss, cached),
        "python": random.getstate(),
    }


def set_rng_states(states: dict) -> None:
    torch.set_rng_state(states["torch"])
    kind, keys, pos, has_gauss, cached = states["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    random.setstate(states["python"])


class RngState(pl.Callback):
    """Restores the states as soon as Lightning loads the checkpoint, before the fit loop
    makes the first epoch's batch iterator (which draws from torch's generator)."""

    def state_dict(self) -> dict:
        return rng_states()

    def load_state_dict(self, state_dict: dict) -> None:
        set_rng_states(state_dict)
