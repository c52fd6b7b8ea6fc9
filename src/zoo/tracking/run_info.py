"""What names a run to a tracker, read from Hydra when a Hydra job is running: tags from the
chosen data, cell, direction and topology, a name from the command-line overrides, and the
group of a sweep (its folder's name); and the hyperparameters a tracker lists beside a run's
metrics, from its composed config."""

from __future__ import annotations

from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode

TAGGED_GROUPS = ("data", "cell", "direction", "topology")
HPARAM_GROUPS = ("data", "cell", "direction", "topology", "optimizer", "scheduler", "trainer")


def _hydra():
    return HydraConfig.get() if HydraConfig.initialized() else None


def run_choices() -> dict[str, str]:
    """`{"data": "adding", "cell": "lstm", ...}`: the choices that define the model and data."""
    hydra = _hydra()
    if hydra is None:
        return {}
    choices = hydra.runtime.choices
    return {group: choices[group] for group in TAGGED_GROUPS if choices.get(group)}


def run_tags() -> list[str]:
    """`data=adding`, `cell=lstm`, ...: the choices as tags."""
    return [f"{group}={choice}" for group, choice in run_choices().items()]


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


def flat(config: dict, prefix: str = "") -> dict:
    """`{"cell": {"hidden_size": 64}}` -> `{"cell.hidden_size": 64}`; lists as text."""
    found = {}
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            found.update(flat(value, f"{name}."))
        elif not str(key).startswith("_"):
            found[name] = value if isinstance(value, (int, float, str)) else str(value)
    return found


def hyperparameters(config: dict) -> dict:
    """A plain composed config's top-level values and its data, model and training groups,
    flat (`seed`, `cell.hidden_size`, `optimizer.lr`, ...); lists and None as text."""
    return flat({k: v for k, v in config.items() if k in HPARAM_GROUPS or not isinstance(v, dict)})
