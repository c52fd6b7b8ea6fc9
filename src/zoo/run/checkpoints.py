"""Loading a run's checkpoint safely: weights-only loading (plain data and tensors, no code
from the file), one clear sentence for a missing, damaged or foreign file, and the run's
model and config rebuilt from what the checkpoint and its run folder hold.

A checkpoint describes itself: its hyperparameters are the Spec of the data and the model's
configs, and `checkpoint["zoo_config"]` is the run's whole composed config.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

import torch
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from zoo.config.migrate import check_version
from zoo.config.trust import check_targets
from zoo.errors import ZooError
from zoo.spec import Spec
from zoo.task.module import SequenceTask

CONFIG_KEY = "zoo_config"
_ABSENT = object()
# how the files torch.save writes begin: a zip archive, or (before torch 1.6) a pickle
TORCH_FILE_HEADS = (b"PK\x03\x04", b"\x80")


def _looks_like_torch_file(path: Path) -> bool:
    with path.open("rb") as file:
        head = file.read(4)
    return not head or head.startswith(TORCH_FILE_HEADS)  # empty: an interrupted save


def find_checkpoint(path: str | Path) -> Path:
    """A .ckpt file as given, or for a run folder its best checkpoint (else its last)."""
    path = Path(path).expanduser()
    if path.is_file():
        return path
    if not path.is_dir():
        raise ZooError(f"ckpt_path={path} does not exist; give a .ckpt file or a run folder.")
    folder = path / "checkpoints"
    found = sorted(p for p in folder.glob("*.ckpt") if p.name != "last.ckpt")
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise ZooError(f"{folder} holds several checkpoints ({names}); name one in ckpt_path=.")
    if not found and (folder / "last.ckpt").is_file():
        found = [folder / "last.ckpt"]
    if not found:
        raise ZooError(
            f"ckpt_path={path} holds no checkpoints/*.ckpt; give a .ckpt file or "
            "the folder of a run that finished at least one epoch."
        )
    return found[0]


def load_checkpoint(path: str | Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise ZooError(f"{path} is not a file; give the path of a .ckpt file.")
    if not _looks_like_torch_file(path):
        raise ZooError(
            f"{path} is not a checkpoint (not a file torch.save writes); give a checkpoint "
            "written by zoo-train."
        )
    try:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise ZooError(
            f"{path} holds Python objects that safe (weights-only) loading refuses; "
            "only load checkpoints written by zoo-train."
        ) from None
    except Exception:  # torch raises many types for a truncated or foreign file
        raise ZooError(
            f"{path} cannot be read as a checkpoint: it is damaged or incomplete "
            "(an interrupted save or copy?); use another checkpoint of the run, "
            "e.g. checkpoints/last.ckpt."
        ) from None
    hparams = checkpoint.get("hyper_parameters") if isinstance(checkpoint, dict) else None
    if not hparams or "spec" not in hparams or "state_dict" not in checkpoint:
        raise ZooError(
            f"{path} is not a zoo checkpoint (it has no model spec); give a "
            "checkpoint written by zoo-train."
        )
    return checkpoint


def saved_step(path: str | Path) -> int | None:
    """The training step a checkpoint was saved at; None when zoo's loader cannot read it."""
    try:
        return load_checkpoint(path).get("global_step", 0)
    except ZooError:
        return None


def run_folder(ckpt: Path) -> Path | None:
    """The run folder a checkpoint belongs to (RUN/checkpoints/x.ckpt -> RUN), if any."""
    folder = ckpt.resolve().parent
    return folder.parent if folder.name == "checkpoints" else None


@dataclass
class LoadedRun:
    task: SequenceTask
    ckpt_path: Path
    run_dir: Path | None
    checkpoint: dict
    trust: bool = False  # the user's trust_run=true: the run's own classes may be built

    @property
    def spec(self) -> Spec:
        return self.task.spec

    def config(self, overrides: list[str] = ()) -> DictConfig:
        """The run's composed config with `overrides` (Hydra syntax) applied, resolved.

        From the run folder's .hydra/config.yaml when there is one, so paths resolve where the
        run now lies; otherwise from the config stored in the checkpoint."""
        saved = self.run_dir / ".hydra" / "config.yaml" if self.run_dir else None
        if saved is not None and saved.is_file():
            cfg, source = OmegaConf.load(saved), str(saved)
            cfg.paths.output_dir = str(self.run_dir)
        elif CONFIG_KEY in self.checkpoint:
            cfg, source = OmegaConf.create(self.checkpoint[CONFIG_KEY]), str(self.ckpt_path)
        else:
            raise ZooError(
                f"{self.ckpt_path} holds no run config and lies outside a run "
                "folder; keep it in RUN/checkpoints/ so RUN/.hydra/ can be read."
            )
        apply_overrides(cfg, overrides)
        try:
            OmegaConf.resolve(cfg)
        except OmegaConfBaseException as exc:
            raise ZooError(
                f"the run's config cannot be resolved here ({exc.msg}); override the key it names."
            ) from None
        check_targets(cfg, source, self.trust)
        return cfg


def apply_overrides(cfg: DictConfig, overrides: list[str]) -> None:
    """`key=value` (the key must exist) and `+key=value` (adds it), as on zoo-train's line."""
    try:
        parsed = OverridesParser.create().parse_overrides(list(overrides))
    except HydraException as exc:
        raise ZooError(f"cannot read the overrides {list(overrides)} ({exc}).") from None
    for override in parsed:
        key = override.key_or_group
        if override.is_sweep_override() or override.is_delete():
            raise ZooError(f"{override.input_line}: give one value per key here.")
        if not override.is_add() and OmegaConf.select(cfg, key, default=_ABSENT) is _ABSENT:
            raise ZooError(
                f"{key} is not a key of the run's config; check the spelling, or "
                f"write +{override.input_line} to add it."
            )
        OmegaConf.update(cfg, key, override.value(), merge=True, force_add=True)


def load_run(ckpt_path: str | Path, trust: bool = False) -> LoadedRun:
    """The model of a checkpoint (or a run folder's best), ready for inference (eval mode).
    Only zoo's own classes are built from what the checkpoint holds, unless `trust`
    (zoo.config.trust)."""
    path = find_checkpoint(ckpt_path)
    checkpoint = load_checkpoint(path)
    check_version(checkpoint["hyper_parameters"], str(path))
    check_targets(checkpoint["hyper_parameters"], str(path), trust)
    try:
        task = SequenceTask(**checkpoint["hyper_parameters"])
        task.load_state_dict(checkpoint["state_dict"])
    except (TypeError, KeyError, ValueError, AttributeError, RuntimeError) as exc:
        raise ZooError(
            f"{path} holds a model zoo cannot rebuild ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else 'no detail'}); it was not written by "
            "this version of zoo-train, or it was altered: use the run's own checkpoint."
        ) from None
    task.eval()
    return LoadedRun(task, path, run_folder(path), checkpoint, trust)
