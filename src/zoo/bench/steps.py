"""Training steps written by hand, as a user would without zoo: the baselines."""

from __future__ import annotations

import time
from itertools import cycle, islice

import torch

from zoo.bench.peak import sync


def optimizer_of(task) -> torch.optim.Optimizer:
    """The optimizer zoo's task configures (without its scheduler)."""
    found = task.configure_optimizers()
    return found["optimizer"] if isinstance(found, dict) else found


def first_batches(loader, n: int) -> list:
    """`n` batches of `loader`, cycling when it holds fewer."""
    return list(islice(cycle(list(islice(loader, n))), n))


def on_device(task, batches) -> list:
    """The batches where the task trains, moved as Lightning moves them (the task's own
    transfer: inputs and targets; lengths stay on the CPU)."""
    device = next(task.parameters()).device
    return [task.transfer_batch_to_device(b, device, 0) for b in batches]


def zoo_model_steps(task, optimizer, batches, clip: float | None = None, skip: int = 0):
    """Train zoo's model (no Lightning) on `batches`; seconds for all but the first `skip`
    (the device's queued work included)."""
    task.train()
    device = next(task.parameters()).device
    start = time.perf_counter()
    for i, batch in enumerate(batches):
        if i == skip:
            sync(device)
            start = time.perf_counter()
        logits, _ = task.model(batch)
        logits, target = task.objective.select(logits, batch)
        loss = task.objective.loss(logits, target)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if clip:
            torch.nn.utils.clip_grad_norm_(task.parameters(), clip)
        optimizer.step()
    sync(device)
    return time.perf_counter() - start


def real_tokens(batches) -> int:
    return sum(int(b["x_len"].sum()) for b in batches)
