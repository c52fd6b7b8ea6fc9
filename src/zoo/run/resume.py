"""Resuming a run in its own folder: `zoo-train ckpt_path=RUN` (or `hydra.run.dir=RUN
ckpt_path=last`) continues RUN from RUN/checkpoints/last.ckpt with RUN's own command-line
overrides (later ones on the new command line win, e.g. trainer.max_epochs=50), writing into
RUN: the CSV logger appends, wandb continues the same run.

Done by rewriting the command line before Hydra composes it, because the run folder is
Hydra's (hydra.run.dir) and must be known before the job starts. A checkpoint file given as
ckpt_path continues its training state in a new run folder.

An unreadable last.ckpt (damaged after the run wrote it: zoo writes checkpoints atomically)
falls back, with a warning, to the run's newest readable checkpoint, which replays the epochs
after it exactly. A folder that already holds a run is never started afresh.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override
from hydra.errors import HydraException
from omegaconf import OmegaConf

from zoo.config.trust import TRUST_OPTION, check_targets
from zoo.errors import ZooError
from zoo.run.checkpoints import saved_step

MULTIRUN = ("-m", "--multirun")
# what a resumed run may not change: its model, its data, and the seed that draws the data
SAME_RUN = ("cell", "direction", "topology", "data", "experiment", "seed")
CHANGES = {"data": "data", "seed": "model and data", "experiment": "model and data"}
_ABSENT = object()


def _key(override: str) -> str:
    return override.partition("=")[0].lstrip("+~")


def _value(args: list[str], key: str) -> str | None:
    found = [a.partition("=")[2] for a in args if _key(a) == key and "=" in a]
    return found[-1] if found else None


def _trusted(args: list[str]) -> bool:
    value = _value(args, "trust_run")
    if value not in (None, "true", "false"):
        raise ZooError(f"trust_run={value} is not true or false; give {TRUST_OPTION} only to "
                       "continue a run you trust.")
    return value == "true"


def run_folder(args: list[str]) -> Path | None:
    """The folder `zoo-train ARGS` trains in, where the command line names it (a resumed run
    folder or hydra.run.dir); None for a sweep and for a fresh dated folder."""
    if any(a in MULTIRUN for a in args):
        return None
    ckpt, run_dir = _value(args, "ckpt_path"), _value(args, "hydra.run.dir")
    if run_dir is not None:
        return Path(run_dir).expanduser()
    if ckpt not in (None, "last") and Path(ckpt).expanduser().is_dir():
        return Path(ckpt).expanduser()
    return None


def resume_args(args: list[str]) -> list[str]:
    """The command line (without the program name) that resumes the run `args` point at;
    `args` unchanged when they resume nothing. `trust_run=true` lets the run's recorded
    overrides name the run's own classes (zoo.config.trust); it is zoo-train's, not Hydra's."""
    trust = _trusted(args)
    args = [a for a in args if _key(a) != "trust_run"]
    ckpt, run_dir = _value(args, "ckpt_path"), _value(args, "hydra.run.dir")
    if any(a in MULTIRUN for a in args):
        return args
    if ckpt is None or (ckpt != "last" and Path(ckpt).expanduser().is_file()):
        if run_dir is not None:
            refuse_a_used_folder(Path(run_dir).expanduser(), ckpt)
        return args
    if ckpt == "last":
        if run_dir is None:
            raise ZooError(
                "ckpt_path=last needs the run to continue; give zoo-train "
                "ckpt_path=RUN_FOLDER (or hydra.run.dir=RUN_FOLDER ckpt_path=last)."
            )
        run = Path(run_dir).expanduser()
    elif Path(ckpt).expanduser().is_dir():
        run = Path(ckpt).expanduser()
    else:
        return args  # a file that does not exist: the run's loader says so
    saved = run / ".hydra" / "overrides.yaml"
    last = run / "checkpoints" / "last.ckpt"
    if not saved.is_file():
        raise ZooError(
            f"{run} is not a zoo-train run folder (it has no .hydra/overrides.yaml); "
            "give the folder of the run to continue."
        )
    if not last.is_file():
        raise ZooError(
            f"{run} has no checkpoints/last.ckpt to continue from (did it finish "
            "an epoch?); start it afresh instead."
        )
    last = readable_checkpoint(last)
    given = [a for a in args if _key(a) not in ("ckpt_path", "hydra.run.dir")]
    keys = {_key(a) for a in given}
    recorded = recorded_overrides(run, trust)
    refuse_another_model(run, recorded, given)
    kept = [line for line, _ in recorded if _key(line) not in keys | {"ckpt_path"}]
    return [*kept, *given, f"ckpt_path={last.resolve()}", f"hydra.run.dir={run.resolve()}"]


def recorded_overrides(run: Path, trust: bool = False) -> list[tuple[str, Override | None]]:
    """RUN's own command-line overrides, each line with its parse (None: Hydra's parser
    refuses it), read as plain text (nothing in them is resolved). They are data read back
    from a folder: what `check_recorded` refuses is refused unless `trust`
    (zoo.config.trust)."""
    source = run / ".hydra" / "overrides.yaml"
    try:
        overrides = yaml.safe_load(source.read_text(encoding="utf-8")) or []
    except (yaml.YAMLError, UnicodeDecodeError):
        overrides = None
    if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
        raise ZooError(f"{source} is not a list of overrides; give the folder of a run "
                       "zoo-train wrote.")
    parser = OverridesParser.create()
    recorded = [(line, _parsed(line, parser)) for line in overrides]
    check_recorded(recorded, source, trust)
    return recorded


# keys of a logger or callback that name where it writes: zoo-train sets them in the run folder
WRITES_TO = ("save_dir", "dirpath", "root_dir", "log_dir")


def check_recorded(recorded: list[tuple[str, Override | None]], source: Path,
                   trust: bool) -> None:
    """Refuse recorded overrides that zoo-train never records and that would make the resume
    run or write what the folder's author chose: Hydra's own settings (its callbacks, launcher
    and search path are built before any zoo check runs), a config placed elsewhere
    (`group@package=`), a group option given as a path (`debug=../../x` loads any YAML file),
    an interpolation, a class zoo does not know by name, or a logger's or callback's folder."""
    if trust:
        return
    from zoo.config.conf_dir import config_dir

    groups = {p.name for p in Path(config_dir()).iterdir() if p.is_dir()}
    for line, override in recorded:
        if override is None:
            raise ZooError(f"{source} holds {line!r}, which is not an override; give the "
                           "folder of a run zoo-train wrote.")
        key, value = override.key_or_group, override.value()
        if key.split(".")[0].split("/")[0] == "hydra":
            problem = f"sets {key}, one of Hydra's own settings"
        elif override.package is not None:
            problem = f"places {key} at @{override.package}"
        elif key in groups and isinstance(value, str) and ("/" in value or ".." in value):
            problem = f"gives {key} as a path ({value})"
        elif "${" in line:
            problem = f"holds an interpolation ({line})"
        elif key.startswith(("logger.", "callbacks.")) and key.rpartition(".")[2] in WRITES_TO:
            problem = f"sends {key} elsewhere ({value})"
        else:
            nested = value
            for part in reversed(key.split(".")):
                nested = {part: nested}
            check_targets(nested, str(source))
            continue
        raise ZooError(
            f"{source} {problem}, which zoo-train never records there (it may be a file made "
            f"to run code); if you wrote it yourself, give {TRUST_OPTION}."
        )


def _parsed(override: str, parser: OverridesParser | None = None) -> Override | None:
    try:
        return (parser or OverridesParser.create()).parse_override(override)
    except HydraException:
        return None  # Hydra reports it when it composes the run


def refuse_another_model(run: Path, recorded: list[tuple[str, Override | None]],
                         given: list[str]) -> None:
    """A resume continues the run's weights: an override in `given` that changes the model or
    the data (SAME_RUN) from what `run` recorded asks for a new run, not a resume."""
    config = run / ".hydra" / "config.yaml"
    config = OmegaConf.load(config) if config.is_file() else OmegaConf.create()
    hydra = run / ".hydra" / "hydra.yaml"
    choices = OmegaConf.select(OmegaConf.load(hydra), "hydra.runtime.choices", default=None) \
        if hydra.is_file() else None
    before = {_key(line): parsed for line, parsed in recorded}
    parser = OverridesParser.create()
    for override in given:
        new = _parsed(override, parser)
        if new is None or new.key_or_group.split(".")[0] not in SAME_RUN:
            continue
        key = new.key_or_group
        if before.get(key) is not None:
            was = before[key].value()
        elif choices is not None and key in choices:  # a config group: the option it chose
            was = choices[key]
        else:
            was = OmegaConf.select(config, key, default=_ABSENT, throw_on_resolution_failure=False)
            if was is _ABSENT and not config:
                continue  # the folder does not say what it trained; the loader checks the weights
        if new.is_delete() or new.value() != was:
            raise ZooError(
                f"{run} was trained with {key}={'(none)' if was is _ABSENT else was}, and "
                f"{override} changes its {CHANGES.get(key.split('.')[0], 'model')}, so "
                "it is a new run, not a resume: drop ckpt_path and give hydra.run.dir a new "
                "folder (or leave it out)."
            )


def refuse_a_used_folder(run: Path, ckpt: str | None = None,
                         option: str = "hydra.run.dir") -> None:
    """A fresh run in `run` (the folder `option` names), or one continuing a checkpoint
    `ckpt` from elsewhere, would mix its checkpoints and record with those already there."""
    if ckpt is not None and run.resolve() in Path(ckpt).expanduser().resolve().parents:
        return  # the run continues its own checkpoint (what resume_args writes)
    if (run / "metrics.json").is_file() or any((run / "checkpoints").glob("*.ckpt")):
        raise ZooError(
            f"{run} already holds a run; continue it with zoo-train ckpt_path={run}, or "
            f"give {option} another folder."
        )


def readable_checkpoint(last: Path) -> Path:
    """`last` if zoo's loader reads it, else the newest (by training step) readable
    checkpoint beside it, with a warning; stale temporary files of killed saves are removed."""
    for temp in last.parent.glob(".*.tmp"):
        temp.unlink(missing_ok=True)
    if saved_step(last) is not None:
        return last
    steps = {p: saved_step(p) for p in last.parent.glob("*.ckpt") if p != last}
    steps = {p: step for p, step in steps.items() if step is not None}
    if not steps:
        raise ZooError(
            f"{last} cannot be read (damaged or incomplete) and the run has no other readable "
            "checkpoint; start the run afresh in another folder."
        )
    found = max(steps, key=steps.get)
    print(f"warning: {last} cannot be read; continuing from {found.name}, the newest "
          "readable checkpoint (the epochs after it are trained again).", file=sys.stderr)
    return found
