"""What zoo reads back from a checkpoint or a run folder is data, never code.

A saved config names classes by `_target_`, and Hydra's `instantiate` calls whatever a
`_target_` names, at any depth of the config (Hydra's own blocklist stops `os.system`, not
`open` or `torch.load`, and is no security boundary). So before anything saved is built or
even imported, every `_target_` in it must name one of zoo's own kinds of object: a
datamodule, a topology, a recurrent stack, an optimizer or a learning-rate schedule, a
Lightning trainer, callback or logger, from zoo, torch.optim or Lightning; or a `_target_`
that zoo's own config files name (the logger factories). Anything else is refused in one
sentence, before any call, unless the user says they trust the run (`trust_run=true`, for a
run of their own that uses their own classes).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator
from pathlib import Path

from omegaconf import DictConfig, ListConfig, OmegaConf

from zoo.errors import ZooError

TRUST_OPTION = "trust_run=true"
# modules whose import runs only zoo's, torch's or Lightning's own code
SAFE_ROOTS = ("zoo.", "torch.optim.", "pytorch_lightning.", "lightning.pytorch.")


def _kinds() -> tuple[type, ...]:
    import pytorch_lightning as pl
    import torch
    from pytorch_lightning.loggers import Logger

    from zoo.cells.stack import RecurrentStack
    from zoo.topologies.base import Topology

    return (pl.LightningDataModule, Topology, RecurrentStack, torch.optim.Optimizer,
            torch.optim.lr_scheduler.LRScheduler, torch.optim.lr_scheduler.ReduceLROnPlateau,
            pl.Trainer, pl.Callback, Logger)


@functools.cache
def shipped_targets() -> frozenset[str]:
    """Every `_target_` that a YAML file of zoo's own config folder names."""
    from zoo.config.conf_dir import config_dir

    found = set()
    for path in Path(config_dir()).rglob("*.yaml"):
        try:
            found.update(target for _, target in targets(OmegaConf.load(path)))
        except Exception:  # a file of Hydra's own syntax OmegaConf cannot read alone
            continue
    return frozenset(found)


def is_known_target(target) -> bool:
    """Whether `target` (a dotted path) names one of zoo's own kinds of object. Only a path
    under zoo, torch.optim or Lightning is ever imported to find out."""
    if not isinstance(target, str):
        return False
    if target in shipped_targets():
        return True
    if not target.startswith(SAFE_ROOTS):
        return False
    found = _locate(target)
    return isinstance(found, type) and issubclass(found, _kinds())


def _locate(target: str):
    """The object a dotted path names (its longest importable module, then attributes), or
    None."""
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:end]))
        except ImportError:
            continue
        for name in parts[end:]:
            found = getattr(found, name, None)
        return found
    return None


def targets(node, where: str = "") -> Iterator[tuple[str, object]]:
    """(key, value) of every `_target_` in `node` (a config or plain dicts and lists), at
    any depth."""
    if isinstance(node, DictConfig | dict):
        items = node.items_ex(resolve=False) if isinstance(node, DictConfig) else node.items()
        for key, value in items:
            path = f"{where}.{key}" if where else str(key)
            if key == "_target_":
                yield path, value
            else:
                yield from targets(value, path)
    elif isinstance(node, ListConfig | list | tuple):
        for i, value in enumerate(node):
            yield from targets(value, f"{where}[{i}]")


def check_targets(node, source: str, trust: bool = False) -> None:
    """Refuse `node` (read back from `source`, a checkpoint or a run folder) if any of its
    `_target_`s names something other than zoo's own kinds of object; `trust` (the user's
    `trust_run=true`) lets a run's own classes through."""
    if trust:
        return
    for key, target in targets(node):
        if not is_known_target(target):
            raise ZooError(
                f"{source} asks to build {target!r} ({key}), which is not one of zoo's own "
                "classes; zoo builds only its own from what it reads back, so this may be "
                "a file made to run code. If this is your own run and its class is yours, "
                f"give {TRUST_OPTION} to build it."
            )
