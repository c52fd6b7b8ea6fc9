"""What zoo reads back from a checkpoint or a run folder is data, never code.

A saved config names classes by `_target_`, and Hydra's `instantiate` calls whatever a
`_target_` names, at any depth of the config (Hydra's own blocklist stops `os.system`, not
`open` or `torch.load`, and is no security boundary); an interpolation (`${oc.create:...}`)
can make such a node when it is resolved. So before anything saved is built or even
imported:

- no string in it may hold an interpolation: zoo saves its configs resolved, and resolves a
  run folder's `.hydra/config.yaml` once, itself, before this check;
- every `_target_` in it must be one zoo knows by name: those its own config files and
  schemas name (its datamodules, topologies, the recurrent stack, the callbacks and loggers
  it ships, Lightning's Trainer) or an optimizer or learning-rate schedule of torch.optim.

Anything else is refused in one sentence, before any call, unless the user says they trust
the run (`trust_run=true`, for a run of their own that uses their own classes).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator
from pathlib import Path

from omegaconf import DictConfig, ListConfig, OmegaConf

from zoo.errors import ZooError

TRUST_OPTION = "trust_run=true"
OPTIMIZERS = "torch.optim."  # an optimizer or a schedule of torch's own, whatever its name


@functools.cache
def named_targets() -> frozenset[str]:
    """Every `_target_` zoo's own config files and schemas name."""
    from zoo.cells.stack import CellConfig
    from zoo.config.conf_dir import config_dir
    from zoo.config.store import option_schemas

    found = {CellConfig._target_, "pytorch_lightning.Trainer"}
    for schemas in option_schemas().values():
        found.update(getattr(s, "_target_", None) for s in schemas.values())
    for path in Path(config_dir()).rglob("*.yaml"):
        try:
            found.update(target for _, target in targets(OmegaConf.load(path)))
        except Exception:  # a file of Hydra's own syntax OmegaConf cannot read alone
            continue
    return frozenset(t for t in found if isinstance(t, str))


def is_known_target(target) -> bool:
    """Whether `target` (a dotted path) is one zoo knows by name. Only a path under
    torch.optim is ever imported to find out."""
    if not isinstance(target, str):
        return False
    if target in named_targets():
        return True
    if not target.startswith(OPTIMIZERS):
        return False
    import torch

    found = _locate(target)
    kinds = (torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler,
             torch.optim.lr_scheduler.ReduceLROnPlateau)
    return isinstance(found, type) and issubclass(found, kinds) and found not in kinds


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


def _items(node, where: str) -> Iterator[tuple[str, object]]:
    """(key, value) of every leaf and node in `node` (a config or plain dicts and lists), at
    any depth, values as written (interpolations unresolved)."""
    if isinstance(node, DictConfig | ListConfig):
        node = OmegaConf.to_container(node, resolve=False)
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{where}.{key}" if where else str(key)
            yield path, value
            yield from _items(value, path)
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            yield f"{where}[{i}]", value
            yield from _items(value, f"{where}[{i}]")


def targets(node, where: str = "") -> Iterator[tuple[str, object]]:
    """(key, value) of every `_target_` in `node`, at any depth."""
    return ((key, value) for key, value in _items(node, where)
            if key.rpartition(".")[2] == "_target_")


def check_targets(node, source: str, trust: bool = False) -> None:
    """Refuse `node` (read back from `source`, a checkpoint or a run folder) if a string in it
    holds an interpolation or a `_target_` names something zoo does not know by name;
    `trust` (the user's `trust_run=true`) lets a run's own classes through."""
    if trust:
        return
    for key, value in _items(node, ""):
        if isinstance(value, str) and "${" in value:
            raise ZooError(
                f"{source} holds an interpolation at {key} ({value[:60]!r}), which zoo never "
                "saves (its configs are saved resolved); it may be a file made to run code. "
                f"If this is your own run, give {TRUST_OPTION} to read it as it is."
            )
        if key.rpartition(".")[2] == "_target_" and not is_known_target(value):
            raise ZooError(
                f"{source} asks to build {value!r} ({key}), which is not one of zoo's own "
                "classes; zoo builds only its own from what it reads back, so this may be "
                "a file made to run code. If this is your own run and its class is yours, "
                f"give {TRUST_OPTION} to build it."
            )
