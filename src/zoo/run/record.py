"""`metrics.json`: the self-describing record every run folder holds (see DESIGN.md)."""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
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


def write_record(path: Path, **fields) -> None:
    """Written atomically: a record is whole or absent, never half a file. It says which
    schema it was written in (zoo.config.migrate)."""
    fields = {**fields, "schema_version": SCHEMA_VERSION}
    write_atomically(path, (json.dumps(fields, indent=2, sort_keys=False) + "\n").encode())
