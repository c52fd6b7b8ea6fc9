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

from omegaconf import OmegaConf

from zoo.checkpoints import saved_step
from zoo.config.check import translate_override
from zoo.errors import ZooError

MULTIRUN = ("-m", "--multirun")


def _key(override: str) -> str:
    return override.partition("=")[0].lstrip("+~")


def _value(args: list[str], key: str) -> str | None:
    found = [a.partition("=")[2] for a in args if _key(a) == key and "=" in a]
    return found[-1] if found else None


def resume_args(args: list[str]) -> list[str]:
    """The command line (without the program name) that resumes the run `args` point at;
    `args` unchanged when they resume nothing."""
    ckpt, run_dir = _value(args, "ckpt_path"), _value(args, "hydra.run.dir")
    if any(a in MULTIRUN for a in args):
        return args
    if ckpt is None:
        if run_dir is not None:
            refuse_a_used_folder(Path(run_dir).expanduser())
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
        return args
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
    kept = [o for o in recorded_overrides(run) if _key(o) not in keys | {"ckpt_path"}]
    return [*kept, *given, f"ckpt_path={last.resolve()}", f"hydra.run.dir={run.resolve()}"]


def recorded_overrides(run: Path) -> list[str]:
    """RUN's own command-line overrides, with data options renamed since it was recorded in
    today's spelling (zoo.config.check.RENAMED; its .hydra/config.yaml says which data)."""
    overrides = list(OmegaConf.load(run / ".hydra" / "overrides.yaml"))
    config = run / ".hydra" / "config.yaml"
    data = OmegaConf.load(config).get("data") if config.is_file() else None
    return [translate_override(str(o), data) for o in overrides]


def refuse_a_used_folder(run: Path) -> None:
    """A fresh run in `run` would mix its checkpoints and record with those already there."""
    if (run / "metrics.json").is_file() or any((run / "checkpoints").glob("*.ckpt")):
        raise ZooError(
            f"{run} already holds a run; continue it with zoo-train ckpt_path={run}, or "
            "give hydra.run.dir another folder."
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
