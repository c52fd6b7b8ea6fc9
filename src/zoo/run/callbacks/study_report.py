"""A trial of zoo's Optuna search reports its objective to the study after every validation and
stops as soon as the study's pruner says so (hydra_plugins.zoo_optuna_sweeper).

The sweeper names the trial in the job's environment (`ZOO_OPTUNA_*`, through Hydra's
`hydra.job.env_set`), so the job talks to the study through its storage whichever launcher runs
it. The pruner is the one the study recorded (its `pruner` user attribute). Under DDP only rank
0 talks to the study; every rank stops with it. Outside a search this callback does nothing.
"""

from __future__ import annotations

import logging
import math
import os

import pytorch_lightning as pl

log = logging.getLogger(__name__)

STORAGE, STUDY, TRIAL = "ZOO_OPTUNA_STORAGE", "ZOO_OPTUNA_STUDY", "ZOO_OPTUNA_TRIAL"


def make_pruner(kind: str, warmup_epochs: int = 0, startup_trials: int = 5,
                min_resource: int = 1):
    """The Optuna pruner `hydra.sweeper.pruner` names; None for an unknown name."""
    import optuna

    makers = {
        "none": optuna.pruners.NopPruner,
        "median": lambda: optuna.pruners.MedianPruner(n_startup_trials=startup_trials,
                                                      n_warmup_steps=warmup_epochs),
        "successive_halving": lambda: optuna.pruners.SuccessiveHalvingPruner(
            min_resource=min_resource),
        "hyperband": lambda: optuna.pruners.HyperbandPruner(min_resource=min_resource),
    }
    return makers[kind]() if kind in makers else None


class StudyReport(pl.Callback):
    def __init__(self, metric: str):
        self.metric = metric
        self.pruned: dict | None = None  # {"epoch", "metric", "value"} once pruned
        self._trial = None

    def on_fit_start(self, trainer, pl_module) -> None:
        if TRIAL in os.environ and trainer.is_global_zero:
            self._trial = _trial()

    def on_validation_end(self, trainer, pl_module) -> None:
        if trainer.sanity_checking or TRIAL not in os.environ:
            return
        stop = None
        if self._trial is not None:
            value = trainer.callback_metrics.get(self.metric)
            value = math.nan if value is None else float(value)
            try:
                self._trial.report(value, step=trainer.current_epoch)
                if self._trial.should_prune():
                    stop = {"epoch": trainer.current_epoch, "metric": self.metric,
                            "value": None if math.isnan(value) else value}
            except Exception as exc:  # the study is a guest: its storage never fails a run
                log.warning("stopped reporting to the Optuna study: %s", exc)
                self._trial = None
        stop = trainer.strategy.broadcast(stop, src=0)  # every DDP rank stops with rank 0
        if stop is not None:
            self.pruned, trainer.should_stop = stop, True


def _trial():
    """The running trial this job is, with the study's own pruner (None in a multi-objective
    study, which takes no intermediate values)."""
    import optuna

    study = optuna.load_study(study_name=os.environ[STUDY], storage=os.environ[STORAGE])
    if len(study.directions) > 1:  # Optuna takes intermediate values of one objective only
        return None
    study.pruner = make_pruner(**study.user_attrs.get("pruner", {"kind": "none"}))
    return optuna.trial.Trial(study, int(os.environ[TRIAL]))
