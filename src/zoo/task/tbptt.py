"""Truncated backpropagation through time within a batch: `tbptt_steps=k` (null: full BPTT).

Each batch's time axis is cut into windows of k steps. A window starts from the state the
previous one ended in, detached, so no gradient flows further back than k steps, and it gets its
own backward pass and optimizer step. Lightning 2 removed `truncated_bptt_steps`, so this runs
under manual optimisation, and does by hand the two things Lightning then leaves out: gradient
clipping (the trainer's `gradient_clip_val`, moved to the task) and stepping the schedulers.

Only a model with a loss at every step and a state that runs forward in time can be cut
(a topology class says so with `truncatable`: many_to_many), and only unidirectional. The
others are refused when the config is composed. The model's recurrent stack (`state_stack`)
knows the state's structure (h, or (h, c)) that the windows carry.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
from omegaconf import DictConfig

from zoo.errors import ZooError
from zoo.topologies import topology_class

State = torch.Tensor | tuple[torch.Tensor, ...] | None


def check_truncation(cfg: DictConfig) -> None:
    """Refuse `tbptt_steps` where it cannot apply, before anything is built."""
    k = cfg.tbptt_steps
    if k is None:
        return
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ZooError(
            f"tbptt_steps={k!r} must be a positive number of time steps, or null for full "
            "backpropagation through time."
        )
    topology = topology_class(cfg.topology)
    if not topology.truncatable:
        raise ZooError(
            f"tbptt_steps={k} needs a loss at every time step (topology=many_to_many), but "
            f"topology={cfg.topology.name} maps {topology.about}; set tbptt_steps=null."
        )
    if cfg.direction.bidirectional:
        raise ZooError(
            f"tbptt_steps={k} carries the state forward from window to window, which a "
            "bidirectional model cannot do; use direction=uni or set tbptt_steps=null."
        )
    if cfg.trainer.accumulate_grad_batches != 1:
        raise ZooError(
            f"tbptt_steps={k} takes an optimizer step per window, so it cannot accumulate "
            "gradients; remove trainer.accumulate_grad_batches or set tbptt_steps=null."
        )


def truncation(cfg: DictConfig) -> dict | None:
    """The task's `tbptt` option: the window length and the gradient clipping it applies."""
    if cfg.tbptt_steps is None:
        return None
    return {"steps": cfg.tbptt_steps, "gradient_clip_val": cfg.trainer.gradient_clip_val}


def split_time(batch: dict, steps: int) -> Iterator[tuple[torch.Tensor | None, dict]]:
    """(rows, window) for each window of `steps` time steps: the rows still running at its
    start and their slice of x, y and lengths (rows is None when the batch has no lengths)."""
    x, y, lengths = batch["x"], batch["y"], batch.get("x_len")
    for start in range(0, x.size(1), steps):
        end = start + steps
        if lengths is None:
            yield None, {"x": x[:, start:end], "y": y[:, start:end]}
            continue
        rows = (lengths > start).nonzero().squeeze(1)  # on the lengths' device (the CPU)
        left = (lengths[rows] - start).clamp(max=steps)
        on = rows.to(x.device)
        yield rows, {"x": x[on, start:end], "y": y[on, start:end], "x_len": left}


def windows(model, batch: dict, steps: int, state: State = None):
    """Run `model` over `batch` window by window; yields (window, logits, state).

    `state` is every row's state after the window, detached (a row that has ended keeps the
    state of its last step); the next window starts from it.
    """
    stack = model.state_stack
    for rows, window in split_time(batch, steps):
        logits, final = model(window, _take_rows(stack, state, rows))
        state = _put_rows(stack, state, rows, stack.detach_state(final))
        yield window, logits, state


def truncated_training_step(task, batch: dict, state: State = None) -> State:
    """One optimizer step per window of `task.tbptt["steps"]`; returns the final state."""
    optimizer = task.optimizers()
    for window, logits, carried in windows(task.model, batch, task.tbptt["steps"], state):
        loss = task.score("train", *task.objective.select(logits, window))
        optimizer.zero_grad()
        task.manual_backward(loss)
        optimizer.step()
        step_schedulers(task, "step")
        state = carried
    return state


def clip_gradients(task, optimizer) -> None:
    """The trainer config's clipping, which manual optimisation leaves to the task."""
    value = task.tbptt.get("gradient_clip_val")
    if value:
        task.clip_gradients(optimizer, gradient_clip_val=value)


def step_schedulers(task, interval: str) -> None:
    """Step the schedulers with this `interval` ("step" or "epoch"), as Lightning would."""
    trainer = task.trainer
    for config in trainer.lr_scheduler_configs:
        if config.interval != interval:
            continue
        if not config.reduce_on_plateau:
            config.scheduler.step()
            continue
        value = trainer.callback_metrics.get(config.monitor)
        if value is None:
            raise ZooError(
                f"scheduler.monitor={config.monitor!r} was not logged before the end of the "
                "training epoch; monitor a metric that is, e.g. val/loss."
            )
        config.scheduler.step(value)


def _take_rows(stack, state: State, rows: torch.Tensor | None) -> State:
    """`rows` (dim 1, torch's state layout) of `state`."""
    if state is None or rows is None:
        return state
    return stack.map_state(lambda s: s.index_select(1, rows.to(s.device)), state)


def _put_rows(stack, state: State, rows: torch.Tensor | None, part: State) -> State:
    """`state` with `rows` (dim 1, torch's state layout) replaced by `part`."""
    if state is None or rows is None:
        return part
    return stack.map_state(lambda s, p: s.index_copy(1, rows.to(s.device), p), state, part)
