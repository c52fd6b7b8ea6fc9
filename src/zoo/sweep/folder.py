"""A sweep never writes into another sweep's folder: its job folders are numbered from 0, so a
second command there would overwrite the first one's records and mix their checkpoints.

Checked by zoo-train before Hydra starts, when the command line names hydra.sweep.dir: the
folder's `multirun.yaml` (which every sweeper writes, zoo's Optuna sweeper too) says which
command made it. The same command again is that sweep resumed, and goes on; another one is
refused in one sentence. (A second Optuna study in a study's folder is refused by the sweeper,
which reads the folder's study database.)
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from hydra._internal.utils import get_args_parser
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf import OmegaConf

from zoo.errors import ZooError

RECORD = "multirun.yaml"


def task_overrides(args: list[str]) -> list[str] | None:
    """The overrides of `args` that Hydra records as the job's (hydra.overrides.task), or
    None for a command line Hydra will refuse itself."""
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            overrides = get_args_parser().parse_known_args(args)[0].overrides
        parsed = OverridesParser.create().parse_overrides(overrides)
    except (SystemExit, HydraException):
        return None
    return [o.input_line for o in parsed if not o.is_hydra_override()]


def refuse_another_sweep(args: list[str]) -> None:
    """One sentence if the hydra.sweep.dir that `args` name holds another command's jobs."""
    named = [a.partition("=")[2] for a in args if a.partition("=")[0] == "hydra.sweep.dir"]
    if not named:
        return  # a fresh dated folder (or the Optuna study's own, which checks its command)
    sweep, now = Path(named[-1]).expanduser(), task_overrides(args)
    record = sweep / RECORD
    if now is None:
        return
    if record.is_file():
        made = [str(o) for o in OmegaConf.select(OmegaConf.load(record), "hydra.overrides.task",
                                                 default=[])]
        if sorted(made) != sorted(now):
            raise ZooError(
                f"{sweep} holds the sweep of another command ({' '.join(made) or 'no overrides'});"
                " rerun that command to resume it, or give hydra.sweep.dir another folder."
            )
    elif (sweep / "metrics.json").is_file() or any(sweep.glob("*/metrics.json")):
        if not (sweep / "optuna.db").is_file():  # an Optuna study checks its own command
            raise ZooError(
                f"{sweep} already holds runs that no sweep recorded there; give "
                "hydra.sweep.dir another folder."
            )
