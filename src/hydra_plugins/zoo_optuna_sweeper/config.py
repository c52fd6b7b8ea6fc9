"""The sweeper's config schema, registered as `hydra/sweeper=zoo_optuna` (no postponed
annotations: Hydra's plugin scan runs this module outside sys.modules)."""

from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore


@dataclass
class ZooOptunaSweeperConf:
    _target_: str = "hydra_plugins.zoo_optuna_sweeper.sweeper.OptunaSweeper"
    _recursive_: bool = False  # the sweeper makes the sampler itself (seeded per resume)
    # an Optuna sampler (`_target_` and its arguments); a seed is offset by the trials already
    # in the study, so a resumed study draws new points instead of replaying the first ones
    sampler: Any = field(default_factory=lambda: {"_target_": "optuna.samplers.TPESampler"})
    # the objective: a metric a run logs, or a number its record holds (params, wall_s), and
    # which way is better (minimize | maximize | min | max | auto); lists of both, e.g.
    # metric=[val/acc,params] direction=[max,min], make a multi-objective study (a Pareto front)
    direction: Any = "minimize"
    metric: Any = "objective"
    study_name: str = "zoo"
    storage: str | None = None  # an Optuna storage URL; null: sqlite:///<sweep dir>/optuna.db
    n_trials: int = 20  # finished trials the study should hold, counting earlier runs
    n_jobs: int = 1  # jobs kept running (a parallel launcher runs them side by side)
    # async: launch the next job as soon as one ends; batch: n_jobs at a time, each batch
    # waiting for its slowest job (as Hydra's own Optuna plugin)
    slots: str = "async"
    # runs per trial, with seeds seed..seed+seeds-1 (folders <trial>_seed<seed>); the
    # trial's objective is their mean, each seed's value its `seed_values` user attribute
    seeds: int = 1
    # stop a trial early when its objective after an epoch is hopeless against the others':
    # none | median | successive_halving | hyperband (optuna.pruners); its record says "pruned"
    pruner: str = "none"
    warmup_epochs: int = 0  # median: epochs a trial trains before it can be pruned
    startup_trials: int = 5  # median: trials that finish before any is pruned
    # successive_halving, hyperband: the epoch (from 0) after which a trial is first judged
    min_resource: int = 1
    # the search space: key -> Hydra sweep syntax (interval, tag(log, ...), int(...), choice,
    # range); the command line adds sweeps (`cell=rnn,gru`) or fixes a key (`cell=gru`)
    params: dict[str, Any] = field(default_factory=dict)


ConfigStore.instance().store(
    group="hydra/sweeper", name="zoo_optuna", node=ZooOptunaSweeperConf, provider="zoo"
)
