"""The Weights & Biases logger: offline unless wandb is set up for online use, one wandb run
per zoo run (resumed runs continue it), and `wandb.finish()` between the jobs of a sweep.

`mode: auto` is online when WANDB_MODE says so, or when an API key is available
(WANDB_API_KEY, or `wandb login`'s entry in ~/.netrc); otherwise offline, so nothing is sent
without the user's say and `wandb sync RUN/wandb/offline-run-*` uploads a run later.
"""

from __future__ import annotations

import netrc
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlparse

from pytorch_lightning.loggers import WandbLogger

from zoo.errors import ZooError
from zoo.tracking.run_info import run_name, run_tags, sweep_group

MODES = ("auto", "online", "offline", "disabled")
RUN_ID_FILE = "wandb/run_id"  # inside the run folder: the id a resumed run continues


def _has_api_key() -> bool:
    if os.environ.get("WANDB_API_KEY"):
        return True
    host = urlparse(os.environ.get("WANDB_BASE_URL", "https://api.wandb.ai")).hostname
    try:
        found = netrc.netrc(os.environ.get("NETRC")).authenticators(host)
    except (OSError, netrc.NetrcParseError):
        return False
    return bool(found and found[2])


def resolve_mode(mode: str) -> str:
    if mode not in MODES:
        raise ZooError(f"logger.wandb.mode={mode!r} is not known; choose one of {MODES}.")
    if mode != "auto":
        return mode
    env = os.environ.get("WANDB_MODE", "").lower()
    if env in ("offline", "dryrun", "disabled"):
        return "disabled" if env == "disabled" else "offline"
    return "online" if env in ("online", "run") or _has_api_key() else "offline"


def run_id(save_dir: Path) -> str:
    """This run folder's wandb id: the stored one when the run is resumed, else a new one."""
    path = save_dir / RUN_ID_FILE
    if path.is_file():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    found = secrets.token_hex(4)
    path.write_text(found + "\n")
    return found


def wandb_logger(
    save_dir: str,
    project: str = "zoo",
    mode: str = "auto",
    group: str | None = None,
    tags: list[str] | tuple = (),
    name: str | None = None,
    log_model: bool | str = False,
    **kwargs,
) -> WandbLogger:
    save_dir_path = Path(save_dir)
    # the mode goes to wandb.init: Lightning's own `offline` flag forbids log_model, while an
    # offline wandb run keeps checkpoint artifacts and uploads them with `wandb sync`
    return WandbLogger(
        save_dir=str(save_dir_path),
        project=project,
        id=run_id(save_dir_path),
        mode=resolve_mode(mode),
        group=group or sweep_group(),
        tags=[*run_tags(), *tags],
        name=name or run_name(),
        log_model=log_model,
        **kwargs,
    )


def finish_wandb(failed: bool = False) -> None:
    """End the current wandb run, if any, so the next job of a sweep starts its own."""
    wandb = sys.modules.get("wandb")  # never import wandb just to finish nothing
    if wandb is not None and wandb.run is not None:
        wandb.finish(exit_code=1 if failed else 0)
