"""Resuming a sweep: the same `zoo-train -m ...` again on its folder (an explicit
`hydra.sweep.dir`, or the Optuna study's) launches only what is missing. A job whose record says
`ok` is skipped (its record answers for it); an interrupted one is continued from its checkpoint
and a failed one is rerun afresh, both by the job itself (zoo.run.attempts). Before that, jobs
an earlier command left queued or running on a cluster are waited for, never submitted twice
(hydra_plugins.zoo_launchers). One command at a time holds the sweep folder's lock (two
Optuna sweepers of one study run different trials side by side).

`ResumingLauncher` is mixed into each of zoo's launchers (hydra_plugins.zoo_launchers, named by
conf/hydra/launcher/); each says how it runs a list of numbered jobs (`run_numbered`). Besides
Hydra's `launch`, which returns when a whole batch has ended, it offers a sweeper slots it keeps
full (`start` one job, `wait_any` of those started): each launcher says how it submits one job
without waiting (`submit`) and how it waits for the first of several to end (`ended`).
"""

from __future__ import annotations

import concurrent.futures
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hydra.core.utils import JobReturn, JobStatus
from omegaconf import OmegaConf, open_dict

from zoo.run.lock import run_lock

RECORD = "metrics.json"
ACTIONS = {
    "ok": "skipped",
    "pruned": "skipped",
    "interrupted": "continued",
    "started": "continued",
    "failed": "rerun",
    "new": "new",
}
WHAT = {
    "skipped": "skipped {n} finished",
    "continued": "continuing {n} interrupted",
    "rerun": "rerunning {n} failed or not yet checkpointed",
    "new": "starting {n} new",
}

Job = tuple[int, list[str]]  # (job number, overrides)


def action(folder: Path) -> str:
    """What a launch does with the job of `folder`: skipped, continued (an attempt with a
    checkpoint, as zoo.run.attempts does), rerun or new."""
    status = earlier_status(folder)
    checkpoint = folder / "checkpoints" / "last.ckpt"
    if status in ("interrupted", "started") and not checkpoint.is_file():
        return "rerun"
    return ACTIONS[status]


def earlier_status(folder: Path) -> str:
    """What a job folder holds: `ok`, `pruned`, `failed` or `interrupted` (its record's status),
    `started` (Hydra's files but no record: the job was killed) or `new`."""
    try:
        status = json.loads((folder / RECORD).read_text(encoding="utf-8")).get("status")
    except FileNotFoundError:
        return "started" if (folder / ".hydra").is_dir() else "new"
    except (OSError, ValueError, AttributeError):
        return "failed"  # an unreadable record: the job is run again (its files set aside)
    return status if status in ("ok", "pruned", "failed", "interrupted") else "failed"


def recorded_return(overrides: Sequence[str], folder: Path) -> JobReturn:
    """A job's return read from its record: the value of the metric it optimised (NaN when
    it failed or left no record, as zoo.run.entry returns in a sweep)."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except FileNotFoundError:
        print(
            f"warning: job {folder.name} left no {RECORD} in {folder}; its log is under "
            f"{folder.parent / '.submitit'} (a SLURM job) or in {folder}.",
            flush=True,
        )
        record = {}
    except (OSError, ValueError):
        record = {}
    record = record if isinstance(record, dict) else {}
    value = record_values(record, [str(record.get("optimized_metric"))])
    return JobReturn(
        overrides=list(overrides),
        working_dir=str(folder),
        status=JobStatus.COMPLETED,
        _return_value=math.nan if value is None else value[0],
    )


def record_values(record: dict, metrics: list[str]) -> list[float] | None:
    """The record's value of each metric (a logged metric, or a top-level number such as
    `params` or `wall_s`); None for a run that did not finish, or a value missing or not
    finite."""
    if record.get("status") != "ok":
        return None
    values = []
    for name in metrics:
        value = (record.get("metrics") or {}).get(name, record.get(name))
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            return None
        values.append(float(value))
    return values


@dataclass(eq=False)
class Started:
    """A job launched by `ResumingLauncher.start`: its overrides and folder, and the launcher's
    handle on it (None: its folder's finished record answers for it)."""

    overrides: list[str]
    folder: Path
    handle: Any


class ResumingLauncher:
    """Launch only the jobs whose folders do not hold an `ok` record; say what was skipped,
    continued and rerun."""

    def launch(
        self, job_overrides: Sequence[Sequence[str]], initial_job_idx: int
    ) -> Sequence[JobReturn]:
        sweep = Path(str(self.config.hydra.sweep.dir))
        jobs = [(initial_job_idx + i, list(o)) for i, o in enumerate(job_overrides)]
        folders = {n: self.job_folder(n, o) for n, o in jobs}
        # one command at a time in a sweep folder; Optuna sweepers of one study run different
        # trials side by side (they take turns asking: hydra_plugins.zoo_optuna_sweeper)
        shared = "zoo_optuna_sweeper" in str(self.config.hydra.sweeper.get("_target_"))
        with run_lock(None if shared else sweep, option="hydra.sweep.dir"):
            self.wait_for_earlier_jobs(sweep)
            actions = {n: action(folders[n]) for n, _ in jobs}
            if set(actions.values()) != {"new"}:
                print(resume_line(sweep, actions), flush=True)
            todo = [(n, o) for n, o in jobs if actions[n] != "skipped"]
            returns = self.run_numbered(todo) if todo else []
            ran = dict(zip([n for n, _ in todo], returns, strict=True))
        return [ran.get(n) or recorded_return(o, folders[n]) for n, o in jobs]

    def job_folder(self, number: int, overrides: list[str]) -> Path:
        """Where job `number` writes: hydra.sweep.dir/hydra.sweep.subdir, as Hydra resolves
        it for that job (zoo's subdir is the number itself)."""
        sweep = self.config.hydra.sweep
        named = [o for o in overrides if o.partition("=")[0] == "hydra.sweep.subdir"]
        if named:  # the Optuna sweeper's seeds of a trial: <trial>_seed<seed>
            return Path(str(sweep.dir)) / named[-1].partition("=")[2]
        if OmegaConf.to_container(sweep)["subdir"] == "${hydra.job.num}":
            return Path(str(sweep.dir)) / str(number)
        config = self.hydra_context.config_loader.load_sweep_config(self.config, overrides)
        with open_dict(config):
            config.hydra.job.num = config.hydra.job.id = number
        return Path(str(config.hydra.sweep.dir)) / str(config.hydra.sweep.subdir)

    def wait_for_earlier_jobs(self, sweep: Path) -> None:
        """Jobs an earlier command left running outside this process: none on one machine."""

    def run_numbered(self, jobs: list[Job]) -> list[JobReturn | None]:
        """Run `jobs`, each with its own number; None for a job whose record answers."""
        raise NotImplementedError

    def start(self, number: int, overrides: Sequence[str]) -> Started:
        """Launch job `number` and return without waiting for it where the launcher runs jobs
        side by side (joblib, submitit; the basic launcher runs it here). A job whose folder
        holds a finished record is not run again. No sweep-folder lock is taken: the Optuna
        sweeper, the one caller, coordinates its sweepers itself."""
        folder = self.job_folder(number, list(overrides))
        skipped = action(folder) == "skipped"
        handle = None if skipped else self.submit((number, list(overrides)))
        return Started(list(overrides), folder, handle)

    def wait_any(self, started: Sequence[Started]) -> list[tuple[Started, JobReturn]]:
        """Wait until at least one of `started` has ended: those that have, with their
        returns (read from the record where the launcher has none)."""
        ended = [(s, None) for s in started if s.handle is None]
        if not ended:
            returns = self.ended([s.handle for s in started])
            ended = [(s, returns[i]) for i, s in enumerate(started) if i in returns]
        return [(s, r or recorded_return(s.overrides, s.folder)) for s, r in ended]

    def submit(self, job: Job) -> Any:
        """Start `job` without waiting for it; a handle that `ended` knows. Here: run it now,
        and hand over a finished future."""
        future = concurrent.futures.Future()
        future.set_result(self.run_numbered([job])[0])
        return future

    def ended(self, handles: list) -> dict[int, JobReturn | None]:
        """Block until at least one of `handles` has ended: index -> its return (None where
        its record answers). Here: futures."""
        done, _ = concurrent.futures.wait(handles, return_when=concurrent.futures.FIRST_COMPLETED)
        return {
            i: h.result() if h.exception() is None else None
            for i, h in enumerate(handles)
            if h in done
        }


def resume_line(sweep: Path, actions: dict[int, str]) -> str:
    """One line: what a resumed sweep does with each of its jobs."""
    parts = []
    for action, text in WHAT.items():
        numbers = [n for n, a in actions.items() if a == action]
        if numbers:
            parts.append(
                text.format(n=len(numbers)) + " (" + " ".join(f"#{n}" for n in numbers) + ")"
            )
    return f"resuming the sweep in {sweep}: " + "; ".join(parts)
