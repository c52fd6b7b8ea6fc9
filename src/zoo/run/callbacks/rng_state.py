"""The random number generators' states, kept in every checkpoint so a resumed run draws what
the uninterrupted run would have drawn: torch's global generator (which the batch samplers of
`zoo.data.batches` shuffle with), numpy's and Python's, and on a CUDA machine every device's
generator (dropout masks drawn on the GPU) with the index of the device the run trained on.

A checkpoint without CUDA states (written on a CPU) loads anywhere and leaves the CUDA
generators as seeded; CUDA states met on a machine without CUDA are left unused. The device the
checkpoint's process trained on gives its state to the device this process trains on: under
DDP, where only rank 0's states are saved, every rank's own device then draws as rank 0's did
(they were seeded alike and draw the same shapes).

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
        **(
            {"cuda": torch.cuda.get_rng_state_all(), "cuda_device": torch.cuda.current_device()}
            if torch.cuda.is_available()
            else {}
        ),
    }


def set_rng_states(states: dict) -> None:
    torch.set_rng_state(states["torch"])
    kind, keys, pos, has_gauss, cached = states["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    random.setstate(states["python"])
    if "cuda" in states and torch.cuda.is_available():
        saved = states["cuda"]
        for device, state in enumerate(saved[: torch.cuda.device_count()]):
            torch.cuda.set_rng_state(state, device)
        torch.cuda.set_rng_state(saved[states["cuda_device"]], torch.cuda.current_device())


class RngState(pl.Callback):
    """Restores the states as soon as Lightning loads the checkpoint, before the fit loop
    makes the first epoch's batch iterator (which draws from torch's generator)."""

    def state_dict(self) -> dict:
        return rng_states()

    def load_state_dict(self, state_dict: dict) -> None:
        set_rng_states(state_dict)
