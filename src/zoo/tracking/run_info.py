"""What names a run to a tracker, read from Hydra when a Hydra job is running: tags from the
chosen data, cell, direction and topology, a name from the command-line overrides, and the
group of a sweep (its folder's name)."""

from __future__ import annotations

from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode

TAGGED_GROUPS = ("data", "cell", "direction", "topology")


def _hydra():
    return HydraConfig.get() if HydraConfig.initialized() else None


def run_tags() -> list[str]:
    """`data=adding`, `cell=lstm`, ...: the choices that define the model and the data."""
    hydra = _hydra()
    if hydra is None:
        return []
    choices = hydra.runtime.choices
    return [f"{group}={choices[group]}" for group in TAGGED_GROUPS if choices.get(group)]


def run_name() -> str | None:
    """The job's overrides (`cell=gru,seed=1`), which tell the jobs of a sweep apart."""
    hydra = _hydra()
    return (hydra.job.override_dirname or None) if hydra is not None else None


def sweep_group() -> str | None:
    """The name of the multirun's sweep folder; None for a single run."""
    hydra = _hydra()
    if hydra is None or hydra.mode != RunMode.MULTIRUN:
        return None
    return Path(hydra.sweep.dir).name
