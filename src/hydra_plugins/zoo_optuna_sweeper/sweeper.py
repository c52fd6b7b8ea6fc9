"""The Optuna sweeper: ask the study for trials, launch them as Hydra jobs (one folder each,
numbered by trial), tell it their objectives. The study lives in a SQLite file in the sweep
folder, so running the same command again resumes it up to `n_trials` finished trials.

Each trial's job reports its objective to the study after every validation and stops when the
study's pruner (`hydra.sweeper.pruner`) says so (zoo.run.callbacks.study_report); its record
says `"status": "pruned"`. A trial whose objective is missing or NaN (a failed or diverged run)
is pruned too: the study goes on, and TPE counts the pruned point among the bad ones. Trials
left running by an interrupted sweep are marked failed when it resumes, and are not counted.

With `hydra.sweeper.n_jobs=N` the sweeper keeps N jobs running: as soon as one ends, the next
is launched (`hydra.sweeper.slots=batch`: N at a time, as Hydra's own Optuna plugin). With
`hydra.sweeper.seeds=K` each trial is K jobs (seeds seed..seed+K-1, folders <trial>_seed<s>)
whose mean is its objective; each job reports the mean of its trial's seeds so far.
"""

from __future__ import annotations

import json
import logging
import math
import os
import socket
import statistics
from pathlib import Path

import optuna
from filelock import FileLock
from hydra.core.plugins import Plugins
from hydra.plugins.sweeper import Sweeper
from hydra.utils import instantiate
from omegaconf import OmegaConf
from optuna.trial import TrialState

from hydra_plugins.zoo_optuna_sweeper.search_space import search_space
from zoo.errors import ZooError
from zoo.run.callbacks.study_report import SEED, STORAGE, STUDY, TRIAL, make_pruner
from zoo.sweep.resume import ResumingLauncher, record_values
from zoo.task.best_metric import check_mode
from zoo.task.direction import direction as metric_direction

log = logging.getLogger(__name__)

DIRECTIONS = {"min": "minimize", "max": "maximize", "minimize": "minimize", "maximize": "maximize"}
COUNTED = (TrialState.COMPLETE, TrialState.PRUNED)
TAKEN = (*COUNTED, TrialState.RUNNING)  # trials of the budget, another sweeper's running ones too
OWNER = "sweeper"  # a trial's user attribute: the sweeper running it, host:pid


def this_sweeper() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def is_stale(trial) -> bool:
    """Whether a running trial was left by a sweeper that is gone, seen by a sweeper that
    starts: one of this host whose process has ended (or is this one: a restart that got the
    same pid), or one that did not say which it was. A sweeper on another host is taken to be
    alive."""
    owner = str(trial.user_attrs.get(OWNER, ""))
    host, _, pid = owner.rpartition(":")
    if owner == this_sweeper():
        return True
    if host != socket.gethostname():
        return not host
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, ValueError):
        return not pid.isdigit()
    return False


def study_direction(direction: str, metric: str) -> str:
    """The study's direction for `direction` (${optimized_mode}) and `metric`; a direction
    that contradicts the metric's known one (maximise a loss) is refused."""
    if direction == "auto":
        direction = metric_direction(metric) or ""
    if direction not in DIRECTIONS:
        raise ZooError(
            f"the Optuna sweep cannot tell whether to minimise or maximise {metric}; "
            "set optimized_mode=min or optimized_mode=max."
        )
    check_mode(metric, DIRECTIONS[direction][:3])  # minimize -> min
    return DIRECTIONS[direction]


def at_least_one(name: str, value) -> int:
    """`hydra.sweeper.<name>`, refused unless a whole number >= 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ZooError(
            f"hydra.sweeper.{name}={value!r} cannot run a study; give "
            f"hydra.sweeper.{name}=1 or more."
        )
    return value


def startup_trials(n_trials: int) -> int:
    """Random trials before a model-based sampler takes over: a quarter of the budget, 1 to
    10 (TPE's own 10 would make a search of 10 trials or fewer a random search)."""
    return max(1, min(10, n_trials // 4))


def phase(study: optuna.Study, startup: int | None) -> str:
    """Where the study's sampler draws the next trial from, for the log (`startup`: the
    sampler's random trials, None for a sampler without)."""
    if startup is None:
        return type(study.sampler).__name__
    done = len(study.get_trials(deepcopy=False, states=COUNTED))
    return (
        f"random start-up ({done + 1} of {startup})"
        if done < startup
        else type(study.sampler).__name__.removesuffix("Sampler")
    )


def pruner_spec(kind: str, warmup_epochs, startup_trials, min_resource) -> dict:
    """What the study records of its pruner, so that each trial's job builds the same one."""
    spec = {
        "kind": str(kind),
        "warmup_epochs": int(warmup_epochs),
        "startup_trials": int(startup_trials),
        "min_resource": at_least_one("min_resource", min_resource),
    }
    if make_pruner(**spec) is None:
        raise ZooError(
            f"hydra.sweeper.pruner={kind} is not a pruner zoo knows; give none, "
            "median, successive_halving or hyperband."
        )
    return spec


def _quoted(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def trial_env(
    storage: str, study: str, trial: optuna.trial.Trial, seed: int | None = None
) -> list[str]:
    """Overrides that name the trial (and the seed of a trial run with several) in its job's
    environment (zoo.run.callbacks.study_report)."""
    env = {STORAGE: storage, STUDY: study, TRIAL: str(trial._trial_id)}
    if seed is not None:
        env[SEED] = str(seed)
    return [f"++hydra.job.env_set.{k}={_quoted(v)}" for k, v in env.items()]


def job_record(job_return) -> dict:
    """The job's metrics.json ({} without one). A job run by Hydra knows its output folder;
    one a resumed sweep skipped names it (zoo.sweep)."""
    try:
        folder = (
            OmegaConf.select(job_return.hydra_cfg, "hydra.runtime.output_dir")
            if job_return.hydra_cfg is not None
            else job_return.working_dir
        )
        record = json.loads((Path(folder) / "metrics.json").read_text(encoding="utf-8"))
    except (TypeError, OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def objectives(direction, metric) -> tuple[list[str], list[str]]:
    """(metrics, study directions): one objective, or several (`hydra.sweeper.metric` and
    `hydra.sweeper.direction` as lists of the same length: a Pareto front)."""
    if not OmegaConf.is_list(metric) and not isinstance(metric, list):
        return [str(metric)], [study_direction(str(direction), str(metric))]
    metrics = [str(m) for m in metric]
    given = (
        [str(d) for d in direction]
        if OmegaConf.is_list(direction) or isinstance(direction, list)
        else []
    )
    if len(given) != len(metrics) or not all(d in DIRECTIONS for d in given):
        raise ZooError(
            f"hydra.sweeper.metric={metrics} needs one direction each: give "
            f"hydra.sweeper.direction=[{','.join(['min'] * len(metrics))}] with max where "
            "higher is better."
        )
    return metrics, [DIRECTIONS[d] for d in given]


def objective(job_return) -> float:
    """The job's return value, NaN when the job failed or returned none."""
    try:
        return float(job_return.return_value)
    except Exception:  # a failed job re-raises its error here; None is a TypeError
        return math.nan


class OptunaSweeper(Sweeper):
    def __init__(
        self,
        sampler,
        direction,
        metric,
        study_name,
        storage,
        n_trials,
        n_jobs,
        params,
        pruner,
        warmup_epochs,
        startup_trials,
        min_resource,
        seeds,
        slots,
    ):
        self.sampler_cfg, self.study_name, self.storage = sampler, study_name, storage
        self.pruner = pruner_spec(pruner, warmup_epochs, startup_trials, min_resource)
        self.metrics, self.directions = objectives(direction, metric)
        if len(self.metrics) > 1 and self.pruner["kind"] != "none":
            raise ZooError(
                "Optuna prunes single-objective studies only; drop "
                "hydra.sweeper.pruner or give hydra.sweeper.metric one metric."
            )
        self.n_trials = at_least_one("n_trials", n_trials)
        self.n_jobs = at_least_one("n_jobs", n_jobs)
        self.seeds = at_least_one("seeds", seeds)
        if slots not in ("async", "batch"):
            raise ZooError(
                f"hydra.sweeper.slots={slots} is not a way zoo fills its slots; give "
                "async (the next trial as soon as one ends) or batch."
            )
        self.slots = slots
        self.params = OmegaConf.to_container(params) if params else {}
        self.exhausted = False

    def setup(self, *, hydra_context, task_function, config) -> None:
        optimized = str(config.get("optimized_metric"))
        if len(self.metrics) == 1 and self.metrics != [optimized]:
            raise ZooError(
                f"hydra.sweeper.metric={self.metrics[0]} is not the run's optimized_metric "
                f"({optimized}), which each trial returns; set optimized_metric="
                f"{self.metrics[0]} instead."
            )
        self.config = config
        self.launcher = Plugins.instance().instantiate_launcher(
            hydra_context=hydra_context, task_function=task_function, config=config
        )
        if not isinstance(self.launcher, ResumingLauncher):  # it starts trials one at a time
            raise ZooError(
                f"hparams_search=optuna runs its trials through zoo's launchers, not "
                f"{type(self.launcher).__name__}; choose hydra/launcher=basic, joblib, "
                "submitit_local or submitit_slurm."
            )
        self.sweep_dir = Path(config.hydra.sweep.dir)

    @property
    def storage_url(self) -> str:
        return self.storage or f"sqlite:///{(self.sweep_dir / 'optuna.db').resolve()}"

    def _study(self, command: list[str]) -> optuna.Study:
        self.sweep_dir.mkdir(parents=True, exist_ok=True)
        storage = self.storage_url
        sampler_cfg = OmegaConf.create(self.sampler_cfg)
        others = sorted(set(optuna.get_all_study_names(storage)) - {self.study_name})
        if not self.storage and others:  # trials are numbered from 0: folders would collide
            raise ZooError(
                f"{self.sweep_dir} holds the Optuna study {others[0]!r}, whose trial folders "
                f"a study {self.study_name!r} there would overwrite; give hydra.sweep.dir "
                "another folder."
            )
        study = optuna.create_study(
            storage=storage,
            study_name=self.study_name,
            directions=self.directions,
            load_if_exists=True,
            pruner=make_pruner(**self.pruner),
        )
        made = study.user_attrs.get("metrics", self.metrics)
        if made != self.metrics or [d.name.lower() for d in study.directions] != self.directions:
            raise ZooError(
                f"the study {self.study_name!r} in {storage} optimises {', '.join(made)} "
                f"({', '.join(d.name.lower() for d in study.directions)}); keep its "
                "hydra.sweeper.metric and direction to resume it, or start a new study with "
                "hydra.sweeper.study_name=NAME."
            )
        if sampler_cfg.get("n_startup_trials") == "auto":
            sampler_cfg.n_startup_trials = startup_trials(self.n_trials)
        self.startup = sampler_cfg.get("n_startup_trials")
        if sampler_cfg.get("seed") is not None:  # new draws on resume, same ones on a rerun
            sampler_cfg.seed = int(sampler_cfg.seed) + len(study.trials)
        study.sampler = instantiate(sampler_cfg)
        saved = study.user_attrs.get("command")
        if saved is None:
            study.set_user_attr("command", command)
        elif saved != command:
            raise ZooError(
                f"the study {self.study_name!r} in {storage} was started by another command "
                f"({' '.join(saved)}); rerun that one to resume it, or start a new study with "
                "hydra.sweeper.study_name=NAME."
            )
        study.set_user_attr("metrics", self.metrics)
        study.set_user_attr("pruner", self.pruner)  # what each trial's job prunes with
        with FileLock(self.sweep_dir / ".ask.lock"):  # not a trial another sweeper just asked
            for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
                if is_stale(trial):  # left by an interrupted sweep (a live one's run on)
                    study.tell(trial.number, state=TrialState.FAIL)
        return study

    def sweep(self, arguments: list[str]) -> None:
        space, fixed = search_space(self.params, arguments)
        seeds = self._seeds(space)
        if seeds != [None]:  # each job of a trial sets its own seed
            fixed = [o for o in fixed if o.partition("=")[0] != "seed"]
        command = sorted(arguments) + sorted(f"{k}={v}" for k, v in self.params.items())
        study = self._study(command)
        OmegaConf.save(self.config, self.sweep_dir / "multirun.yaml")  # as Hydra's sweeper does
        done = len(study.get_trials(deepcopy=False, states=COUNTED))
        log.info(
            "Optuna study %r: %d of %d trials done, %s %s",
            self.study_name,
            done,
            self.n_trials,
            ", ".join(f"{d} {m}" for d, m in zip(self.directions, self.metrics, strict=True)),
            ", ".join(space),
        )
        self.launcher.wait_for_earlier_jobs(self.sweep_dir)
        running: dict = {}  # a launcher's Started job -> (trial, seed)
        waiting: list = []  # (trial, seed) of asked trials, not launched yet
        ended: dict[int, dict] = {}  # trial number -> seed -> its outcome
        while True:
            if not (running and self.slots == "batch"):  # batch: wait for all the running
                free = self.n_jobs - len(running)
                if free > len(waiting):
                    trials = self._ask(study, space, -(-(free - len(waiting)) // len(seeds)))
                    if trials:
                        log.info(
                            "trial%s %s: %s",
                            "s" * (len(trials) > 1),
                            ", ".join(str(t.number) for t in trials),
                            phase(study, self.startup),
                        )
                    waiting += [(t, seed) for t in trials for seed in seeds]
                for trial, seed in waiting[:free]:
                    job = self.launcher.start(trial.number, self._job(fixed, trial, seed))
                    running[job] = trial, seed
                waiting = waiting[free:]
            if not running:
                break
            for job, job_return in self.launcher.wait_any(list(running)):
                trial, seed = running.pop(job)
                outcome = ended.setdefault(trial.number, {})[seed] = self._outcome(job_return)
                if not isinstance(outcome, list):  # pruned or failed: its other seeds don't run
                    waiting = [(t, s) for t, s in waiting if t is not trial]
                if all(t is not trial for t, _ in [*running.values(), *waiting]):
                    self._tell(study, trial, ended.pop(trial.number))
        self._report(study)

    def _seeds(self, space: dict) -> list[int | None]:
        """The seeds each trial runs with: [None] for one run with the config's seed."""
        if self.seeds == 1:
            return [None]
        if "seed" in space:
            raise ZooError(
                f"hydra.sweeper.seeds={self.seeds} runs each trial with seeds "
                f"{self.config.seed} to {self.config.seed + self.seeds - 1}; drop the "
                "search over seed, or give hydra.sweeper.seeds=1."
            )
        return [int(self.config.seed) + i for i in range(self.seeds)]

    def _job(self, fixed: list[str], trial: optuna.trial.Trial, seed: int | None) -> list[str]:
        """The overrides of one job of `trial`: its params, its seed (in its own folder
        <trial>_seed<seed>) and the trial named in its environment."""
        overrides = [
            *fixed,
            *(f"{k}={v}" for k, v in trial.params.items()),
            *trial_env(self.storage_url, self.study_name, trial, seed),
        ]
        if seed is not None:
            overrides += [f"seed={seed}", f"hydra.sweep.subdir={trial.number}_seed{seed}"]
        return overrides

    def _outcome(self, job_return) -> list[float] | str | None:
        """What one job of a trial gave: its value of each objective, "pruned", or None (it
        failed, diverged or lacks an objective)."""
        record = job_record(job_return)
        if record.get("status") == "pruned":
            return "pruned"
        if len(self.metrics) > 1:
            return record_values(record, self.metrics)
        value = objective(job_return)
        return [value] if math.isfinite(value) else None

    def _tell(self, study: optuna.Study, trial: optuna.trial.Trial, outcomes: dict) -> None:
        """Tell the study how `trial` ended once all its jobs have: the mean of its seeds'
        values (each seed's stored as the `seed_values` user attribute), or pruned when one of
        them was pruned or gave no value (counted, as any trial of the budget)."""
        values = {seed: v for seed, v in outcomes.items() if isinstance(v, list)}
        if list(outcomes) != [None]:  # several seeds
            trial.set_user_attr(
                "seed_values", {str(seed): v if len(v) > 1 else v[0] for seed, v in values.items()}
            )
        told: dict = {"state": TrialState.PRUNED}
        if "pruned" in outcomes.values():
            log.info("trial %d pruned", trial.number)
        elif len(values) < len(outcomes):
            log.warning(
                "trial %d did not finish with a value of each of %s (failed or diverged): pruned",
                trial.number,
                ", ".join(self.metrics),
            )
        else:
            means = [statistics.fmean(v) for v in zip(*values.values(), strict=True)]
            told = {"values": means if len(means) > 1 else means[0]}
        try:
            study.tell(trial, **told)
        except RuntimeError as stop:  # the sampler calls study.stop(), which ask/tell refuses
            if "Study.stop" not in str(stop):
                raise
            self.exhausted = True  # the trial is told all the same (Optuna stores it first)
            log.info("%s has tried every point of the space: no more trials",
                     type(study.sampler).__name__)

    def _ask(self, study: optuna.Study, space: dict, n: int) -> list:
        """Up to `n` new trials while the study, counting the trials other sweepers of it run,
        has fewer than n_trials. Sweepers of one study in one sweep folder take turns here, so
        together they make exactly n_trials trials."""
        if self.exhausted:  # a grid or brute-force sampler has tried every point
            return []
        with FileLock(self.sweep_dir / ".ask.lock"):
            free = self.n_trials - len(study.get_trials(deepcopy=False, states=TAKEN))
            trials = [study.ask(space) for _ in range(min(n, free))]
            for trial in trials:
                trial.set_user_attr(OWNER, this_sweeper())
        return trials

    def _report(self, study: optuna.Study) -> None:
        complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if not complete:
            log.warning("no trial of the study finished with an objective")
            return
        if len(self.metrics) > 1:  # the Pareto front: no trial better in every objective
            front = [
                {
                    "trial": t.number,
                    "values": dict(zip(self.metrics, t.values, strict=True)),
                    "params": t.params,
                }
                for t in study.best_trials
            ]
            results = {
                "name": "optuna",
                "metrics": self.metrics,
                "directions": self.directions,
                "pareto_front": front,
                "trials": len(study.trials),
            }
            OmegaConf.save(OmegaConf.create(results), self.sweep_dir / "optimization_results.yaml")
            log.info("Pareto front: trials %s", ", ".join(str(t["trial"]) for t in front))
            return
        best = study.best_trial
        results = {
            "name": "optuna",
            "best_trial": best.number,
            "best_value": best.value,
            "best_params": best.params,
            "trials": len(study.trials),
        }
        OmegaConf.save(OmegaConf.create(results), self.sweep_dir / "optimization_results.yaml")
        log.info("best trial %d: %s = %s", best.number, best.params, best.value)
