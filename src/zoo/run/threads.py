"""The thread budget of one job: torch's intra-op threads, so that jobs and DDP ranks running
side by side share the cores instead of each taking them all (oversubscribed cores slow every
job many times over).

`threads=auto` gives a lone run the cores that other processes leave free (the cores less
the other runnable tasks, at least 1; `OMP_NUM_THREADS` when set), each of `n_jobs` joblib
workers cores ÷ n_jobs, a submitit job its `cpus_per_task`, and each of N DDP ranks on one
machine its share ÷ N; an int overrides.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Mapping
from pathlib import Path


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity: taskset, cgroups, SLURM)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _kind(launcher: Mapping) -> str:
    target = str(launcher.get("_target_") or "")
    return target.rsplit(".", 1)[-1]


def _parallel_jobs(launcher: Mapping, cores: int) -> int:
    """Jobs the launcher runs side by side on one machine (joblib: -1 is all cores)."""
    n = int(launcher.get("n_jobs") or 1)
    return n if n > 0 else max(1, cores + 1 + n)


def ranks_per_machine(trainer: Mapping) -> int:
    """DDP processes that Lightning starts on this machine (one per device)."""
    if "ddp" not in str(trainer.get("strategy") or ""):
        return 1
    devices = trainer.get("devices")
    if isinstance(devices, str):  # "2"; "auto" and "-1" are not known here
        devices = int(devices) if devices.strip().isdigit() else 1
    if devices is None or isinstance(devices, int):
        return max(devices or 1, 1)
    return max(len(devices), 1)  # a list of device ids


def busy_cores(samples: int = 3, interval: float = 0.05) -> float:
    """How many cores other processes keep busy now: the runnable tasks of /proc/loadavg
    besides this one, the median of a few samples (0 where the file does not exist)."""
    try:
        counts = []
        for i in range(samples):
            running = Path("/proc/loadavg").read_text().split()[3].split("/")[0]
            counts.append(int(running) - 1)
            if i + 1 < samples:
                time.sleep(interval)
    except (OSError, IndexError, ValueError):
        return 0.0
    return float(statistics.median(counts))


def choose_threads(setting, launcher: Mapping, trainer: Mapping, cores: int,
                   env: Mapping[str, str], busy: float = 0.0) -> int:
    """The intra-op threads for one job (one rank) under `launcher` and `trainer`; `setting`
    is valid (zoo.run.validate.thread_count)."""
    if setting != "auto":
        return setting
    kind = _kind(launcher)
    if kind in ("LocalLauncher", "SlurmLauncher") and launcher.get("cpus_per_task"):
        return int(launcher["cpus_per_task"])  # one task is one rank: no division
    budget = cores
    if kind == "JoblibLauncher":
        budget = cores // _parallel_jobs(launcher, cores)
    elif env.get("OMP_NUM_THREADS", "").isdigit() and int(env["OMP_NUM_THREADS"]) > 0:
        budget = int(env["OMP_NUM_THREADS"])
    elif kind not in ("LocalLauncher", "SlurmLauncher"):  # a shared machine: the free cores
        budget = max(1, cores - round(busy))
    return max(1, budget // ranks_per_machine(trainer))


def apply_threads(cfg, hydra_cfg) -> int:
    """Set torch's intra-op threads for this job; returns the count (for metrics.json)."""
    import torch

    count = choose_threads(cfg.threads, hydra_cfg.launcher, cfg.trainer,
                           available_cores(), os.environ, busy_cores())
    torch.set_num_threads(count)
    return count
