"""Smoke runs: cut short or changed to check that a composition runs (any `debug=` option,
`trainer.fast_dev_run`, a `trainer.limit_*_batches`, `trainer.overfit_batches`, or
`trainer.max_steps` ending training before `max_epochs`). Their metrics say nothing about the
model, so metrics.json marks them and zoo-table leaves them out unless asked
(`--include-smoke`) and never marks them best."""

from __future__ import annotations

LIMITS = ("limit_train_batches", "limit_val_batches", "limit_test_batches")


def smoke_reason(trainer_cfg, debug: str | None = None) -> str | None:
    """Why the run is a smoke run (one `key=value`), or None. `debug`: the run's `debug=`
    choice (conf/debug/: every option there debugs a composition, none measures a model)."""
    if debug:
        return f"debug={debug}"
    if trainer_cfg.get("fast_dev_run"):
        return f"trainer.fast_dev_run={trainer_cfg.fast_dev_run}"
    if trainer_cfg.get("overfit_batches"):  # the same few training batches every epoch
        return f"trainer.overfit_batches={trainer_cfg.overfit_batches}"
    for key in LIMITS:
        value = trainer_cfg.get(key)
        if value is not None and not (isinstance(value, float) and value == 1.0):  # 1: a batch
            return f"trainer.{key}={value}"
    return None


def cut_by_max_steps(trainer) -> str | None:
    """`trainer.max_steps=N` when it ended a fit before its `max_epochs` (-1: no epoch limit,
    so the step budget is the plan, not a cut)."""
    max_steps, max_epochs = trainer.max_steps, trainer.max_epochs
    if max_steps in (None, -1) or trainer.global_step < max_steps:
        return None
    if max_epochs in (None, -1) or trainer.current_epoch >= max_epochs:
        return None
    return f"trainer.max_steps={max_steps}"

