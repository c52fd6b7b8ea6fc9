"""submitit's launchers (`pip install "zoo[scale]"`): `submitit_slurm` sends a sweep to SLURM as
one job array, `submitit_local` runs the same code path as local processes.

zoo submits through submitit but waits on the scheduler's queue (`squeue`) and reads each job's
answer from its metrics.json, never from submitit's result pickles. So a sweep needs no
accounting database (submitit polls `sacct`, which a cluster without one answers with a screen
of warnings), and a command run again after its sweeper died finds the jobs that sweeper left,
by their ids (`<sweep>/.submitit/<job id>/`), and waits for those still queued or running
instead of submitting them again. A job requeued by SLURM (its time limit, a preemption,
`scontrol requeue`) keeps its id in the queue, so the sweeper waits through its restarts.
A sweeper that keeps its slots full submits one job at a time (`submit`) and looks at the queue
until one of its jobs has left it (`ended`).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from hydra.core.singleton import Singleton
from hydra_plugins.hydra_submitit_launcher.config import BaseQueueConf
from hydra_plugins.hydra_submitit_launcher.submitit_launcher import (
    LocalLauncher as HydraLocalLauncher,
)
from hydra_plugins.hydra_submitit_launcher.submitit_launcher import (
    SlurmLauncher as HydraSlurmLauncher,
)
from omegaconf import OmegaConf

from zoo.errors import ZooError
from zoo.sweep.resume import Job, ResumingLauncher

POLL_S = 5.0  # seconds between two looks at the queue
PATIENCE = 12  # failed looks in a row before the sweeper gives up


class _Submitted(ResumingLauncher):
    """Submit numbered jobs with submitit, as Hydra's plugin builds its executor."""

    POLL_S = 1.0  # seconds between two looks at the jobs a sweeper's slots wait for

    def run_numbered(self, jobs: list[Job]):
        Path(str(self.config.hydra.sweep.dir)).mkdir(parents=True, exist_ok=True)
        state = Singleton.get_state()
        numbers = [n for n, _ in jobs]
        submitted = self._executor().map_array(
            self,
            [o for _, o in jobs],
            ["hydra.sweep.dir"] * len(jobs),
            numbers,
            [f"job_id_for_{n}" for n in numbers],
            [state] * len(jobs),
        )
        ids = [job.job_id for job in submitted]
        print(
            f"submitted {len(ids)} job{'s' * (len(ids) > 1)}: "
            + ", ".join(f"#{n} {i}" for n, i in zip(numbers, ids, strict=True)),
            flush=True,
        )
        self.wait(submitted)
        return [None] * len(jobs)  # each job's record answers (zoo.sweep.resume)

    def _executor(self):
        import submitit

        own = {"max_num_timeout"} & self.params.keys()  # the executor's, not the queue's
        executor = submitit.AutoExecutor(
            cluster=self._EXECUTOR,
            folder=self.params["submitit_folder"],
            **{f"{self._EXECUTOR}_{k}": self.params[k] for k in own},
        )
        shared = set(OmegaConf.structured(BaseQueueConf).keys())
        executor.update_parameters(
            **{
                k if k in shared else f"{self._EXECUTOR}_{k}": v
                for k, v in self.params.items()
                if k not in own | {"submitit_folder"}
            }
        )
        return executor

    def wait(self, submitted) -> None:
        for job in submitted:
            job.wait()

    def submit(self, job: Job):
        Path(str(self.config.hydra.sweep.dir)).mkdir(parents=True, exist_ok=True)
        number, overrides = job
        submitted = self._executor().submit(
            self,
            overrides,
            "hydra.sweep.dir",
            number,
            f"job_id_for_{number}",
            Singleton.get_state(),
        )
        print(f"submitted job #{number}: {submitted.job_id}", flush=True)
        return submitted

    def ended(self, handles: list) -> dict[int, None]:
        while not (done := self.done(handles)):
            time.sleep(self.POLL_S)
        return dict.fromkeys(done)  # each job's record answers (zoo.sweep.resume)

    def done(self, handles: list) -> list[int]:
        """The indices of the submitit jobs `handles` that have ended."""
        return [i for i, job in enumerate(handles) if job.done()]


class LocalLauncher(_Submitted, HydraLocalLauncher):
    pass


class SlurmLauncher(_Submitted, HydraSlurmLauncher):
    POLL_S = POLL_S

    def wait(self, submitted) -> None:
        wait_for({job.job_id for job in submitted})

    def done(self, handles: list) -> list[int]:
        held = wait_for({job.job_id for job in handles}, polls=1)
        return [i for i, job in enumerate(handles) if job.job_id not in held]

    def wait_for_earlier_jobs(self, sweep: Path) -> None:
        folder = Path(str(self.params["submitit_folder"])).parent  # <sweep>/.submitit/%j
        earlier = {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()
        active = queued(earlier)
        if active:
            print(
                f"waiting for {len(active)} job{'s' * (len(active) > 1)} that an earlier "
                f"command submitted and SLURM still holds: {', '.join(sorted(active))}",
                flush=True,
            )
            wait_for(active)


def queued(ids: set[str]) -> set[str]:
    """Those of the SLURM job ids `ids` (array tasks as `<array>_<index>`) still pending,
    running or requeued."""
    if not ids:
        return set()
    out = subprocess.run(
        ["squeue", "--me", "--noheader", "--array", "--format=%i"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if out.returncode != 0:
        raise OSError(out.stderr.strip() or f"squeue exited with {out.returncode}")
    return ids & set(out.stdout.split())


def wait_for(ids: set[str], polls: int | None = None) -> set[str]:
    """Return once SLURM holds none of `ids`, or after `polls` answers of the queue: those of
    `ids` it still holds."""
    failures = answers = 0
    while ids and (polls is None or answers < polls):
        try:
            ids, failures = queued(ids), 0
            answers += 1
        except (OSError, subprocess.SubprocessError) as exc:
            failures += 1
            if failures >= PATIENCE:
                raise ZooError(
                    f"squeue has failed {failures} times in a row ({exc}); jobs "
                    f"{', '.join(sorted(ids))} may still run: run the same command again "
                    "once SLURM answers, and it waits for them."
                ) from None
        if ids and (polls is None or answers < polls):
            time.sleep(POLL_S)
    return ids
