"""A trial of zoo's Optuna search reports its objective to the study after every validation and
stops as soon as the study's pruner says so (hydra_plugins.zoo_optuna_sweeper).

The sweeper names the trial in the job's environment (`ZOO_OPTUNA_*`, through Hydra's
`hydra.job.env_set`), so the job talks to the study through its storage whichever launcher runs
it. The pruner is the one the study recorded (its `pruner` user attribute). Under DDP only rank
0 talks to the study; every rank stops with it. Outside a search this callback does nothing.

A trial run with several seeds (`hydra.sweeper.seeds`) is several jobs, and Optuna keeps one
intermediate value per trial and epoch. So each seed's job stores its own values on the trial
(user attribute `intermediate/seed<s>`) and writes the trial's value at that epoch as the mean
of the seeds that have reached it so far, which the pruner then judges: the seeds need not run
side by side, and a later seed refines the mean an earlier one wrote. When one seed's job is
told to stop, it marks the trial (`pruned`), and its other seeds stop at their next validation.
"""

from __future__ import annotations

import logging
import math
import os
import statistics

import pytorch_lightning as pl
from pytorch_lightning.trainer.states import TrainerFn

log = logging.getLogger(__name__)

STORAGE, STUDY, TRIAL = "ZOO_OPTUNA_STORAGE", "ZOO_OPTUNA_STUDY", "ZOO_OPTUNA_TRIAL"
SEED = "ZOO_OPTUNA_SEED"  # set for a trial run with several seeds: this job's


def make_pruner(kind: str, warmup_epochs: int = 0, startup_trials: int = 5, min_resource: int = 1):
    """The Optuna pruner `hydra.sweeper.pruner` names; None for an unknown name."""
    import optuna

    makers = {
        "none": optuna.pruners.NopPruner,
        "median": lambda: optuna.pruners.MedianPruner(
            n_startup_trials=startup_trials, n_warmup_steps=warmup_epochs
        ),
        "successive_halving": lambda: optuna.pruners.SuccessiveHalvingPruner(
            min_resource=min_resource
        ),
        "hyperband": lambda: optuna.pruners.HyperbandPruner(min_resource=min_resource),
    }
    return makers[kind]() if kind in makers else None


class StudyReport(pl.Callback):
    def __init__(self, metric: str):
        self.metric = metric
        self.pruned: dict | None = None  # {"epoch", "metric", "value"} once pruned
        # the study (single-objective), its storage and the trial id this job reports to
        self._study = self._storage = self._trial_id = None

    def on_fit_start(self, trainer, pl_module) -> None:
        if TRIAL in os.environ and trainer.is_global_zero:
            self._study, self._storage, self._trial_id = _study()

    def on_validation_end(self, trainer, pl_module) -> None:
        # an epoch's validation only: not the sanity check, nor the best checkpoint's pass
        # after training (zoo.run.train), which is no epoch of the trial
        if trainer.state.fn != TrainerFn.FITTING or trainer.sanity_checking:
            return
        if TRIAL not in os.environ:  # not a trial of a search
            return
        stop = None
        if self._study is not None:
            value = trainer.callback_metrics.get(self.metric)
            value = math.nan if value is None else float(value)
            try:
                if self._report(trainer.current_epoch, value):
                    stop = {
                        "epoch": trainer.current_epoch,
                        "metric": self.metric,
                        "value": None if math.isnan(value) else value,
                    }
            except Exception as exc:  # the study is a guest: its storage never fails a run
                log.warning("stopped reporting to the Optuna study: %s", exc)
                self._study = None
        stop = trainer.strategy.broadcast(stop, src=0)  # every DDP rank stops with rank 0
        if stop is not None:
            self.pruned, trainer.should_stop = stop, True

    def _report(self, epoch: int, value: float) -> bool:
        """Report `value` at `epoch` (the mean of the trial's seeds so far, with several);
        whether the trial is to stop."""
        storage, trial_id = self._storage, self._trial_id
        mean = value
        if SEED in os.environ:
            attrs = storage.get_trial(trial_id).user_attrs
            if "pruned" in attrs:  # another seed of this trial was told to stop
                return True
            mine = {**attrs.get(f"intermediate/seed{os.environ[SEED]}", {}), str(epoch): value}
            storage.set_trial_user_attr(trial_id, f"intermediate/seed{os.environ[SEED]}", mine)
            attrs = storage.get_trial(trial_id).user_attrs
            mean = statistics.fmean(
                values[str(epoch)]
                for key, values in attrs.items()
                if key.startswith("intermediate/") and str(epoch) in values
            )
        storage.set_trial_intermediate_value(trial_id, epoch, mean)
        if not self._study.pruner.prune(self._study, storage.get_trial(trial_id)):
            return False
        if SEED in os.environ:
            storage.set_trial_user_attr(
                trial_id, "pruned", {"seed": int(os.environ[SEED]), "epoch": epoch}
            )
        return True


def _study():
    """(the study, its storage, this job's trial id), with the study's own pruner; Nones in a
    multi-objective study, which takes no intermediate values."""
    import optuna

    storage = optuna.storages.RDBStorage(os.environ[STORAGE])
    study = optuna.load_study(study_name=os.environ[STUDY], storage=storage)
    if len(study.directions) > 1:  # Optuna takes intermediate values of one objective only
        return None, None, None
    study.pruner = make_pruner(**study.user_attrs.get("pruner", {"kind": "none"}))
    return study, storage, int(os.environ[TRIAL])
