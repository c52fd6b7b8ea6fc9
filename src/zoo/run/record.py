"""`metrics.json`: the self-describing record every run folder holds.

`RunRecord` names every field the file has; the job fills it as it goes (zoo.run.entry: the
provenance, the outcome; zoo.run.train: what training found) and `write_record` writes it.
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from zoo.atomic_file import write_atomically
from zoo.config.migrate import SCHEMA_VERSION

PACKAGES = ("torch", "pytorch-lightning", "hydra-core", "torchmetrics", "zoo")


def versions() -> dict:
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found


def machine() -> dict:
    """What the run ran on: the CPU model and core count, and the GPU if one is visible."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    import torch

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return {"cpu": cpu, "cores": os.cpu_count(), "gpu": gpu}


def git_sha(where: Path) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(where), "rev-parse", "HEAD"],
                             capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def clean(metrics: dict) -> dict:
    """Plain floats, sorted by name; NaN becomes null so the file stays valid JSON."""
    out = {}
    for name in sorted(metrics):
        value = float(metrics[name])
        out[name] = None if math.isnan(value) else value
    return out


HYDRA_GROUPS = ("hydra", "hydra/")


@dataclass
class RunRecord:
    """The fields of `metrics.json`, in the file's order. Those after `machine` are written
    only when set (a run that failed early has no `params`, an ordinary one no `pruned`)."""

    status: str = "ok"  # ok | failed | interrupted | pruned (a search's pruner stopped it)
    metrics: dict = field(default_factory=dict)
    seed: int | None = None
    choices: dict = field(default_factory=dict)  # the config groups' options
    overrides: list = field(default_factory=list)
    git_sha: str | None = None
    versions: dict = field(default_factory=dict)
    machine: dict = field(default_factory=dict)
    slurm: dict | None = None  # zoo.run.attempts.slurm_job
    threads: int | None = None
    restarts: list | None = None  # zoo.run.attempts: the attempts this job carried on from
    optimized_metric: str | None = None  # what chooses the best checkpoint, and its mode
    optimized_mode: str | None = None
    smoke: bool | None = None  # zoo.run.smoke: cut short to check a composition
    smoke_reason: str | None = None
    epoch_s: list | None = None  # every epoch's seconds, a resumed run's earlier ones too
    resumed_wall_s: float | None = None  # the earlier sessions' seconds of a resumed run
    pruned: dict | None = None  # {epoch, metric, value} where the search's pruner stopped it
    test_is_val: bool | None = None  # the test split holds the validation examples
    val_is_last_validation: bool | None = None  # best checkpoint = last validation's weights
    sacrebleu_signature: str | None = None
    params: int | None = None
    wall_s: float | None = None
    error: str | None = None

    @classmethod
    def of_job(cls, cfg, hydra_cfg) -> RunRecord:
        """A job's record before it runs: what it is, where it comes from, where it runs."""
        choices = {k: v for k, v in hydra_cfg.runtime.choices.items()
                   if not k.startswith(HYDRA_GROUPS) and v is not None}
        return cls(seed=cfg.seed, choices=choices, overrides=list(hydra_cfg.overrides.task),
                   git_sha=git_sha(Path(__file__).resolve().parent), versions=versions(),
                   machine=machine())

    def mark_smoke(self, reason: str | None) -> None:
        self.smoke, self.smoke_reason = reason is not None, reason

    def to_json(self) -> dict:
        always = ("status", "metrics", "seed", "choices", "overrides", "git_sha", "versions",
                  "machine")
        return {k: v for k, v in asdict(self).items() if v is not None or k in always}


def write_record(path: Path, record: RunRecord) -> None:
    """Written atomically: a record is whole or absent, never half a file. It says which
    schema it was written in (zoo.config.migrate)."""
    fields = {**record.to_json(), "schema_version": SCHEMA_VERSION}
    write_atomically(path, (json.dumps(fields, indent=2, sort_keys=False) + "\n").encode())
