"""DDP jobs in a multirun. Lightning restarts `sys.argv` for each rank > 0 with
`hydra.run.dir=<this job's folder>`, so every rank shares the job's folder; in a multirun that
would re-run the whole sweep, so `one_job_argv` makes it the one job's command. Lightning
also leaves its process group and rank variables behind, which would make the next job of
the sweep wait for ranks it never starts; `end_ddp_job` clears them."""

from __future__ import annotations

import os
import sys

import torch.distributed as dist
from hydra.types import RunMode

RANK_VARIABLES = ("LOCAL_RANK", "NODE_RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")


def one_job_argv(hydra_cfg) -> None:
    """Point `sys.argv` at the current job alone (a no-op outside a multirun)."""
    if hydra_cfg.mode == RunMode.MULTIRUN:
        sys.argv[1:] = [*hydra_cfg.overrides.task, "hydra.mode=RUN"]


def end_ddp_job(hydra_cfg) -> None:
    """After a job of a multirun: no process group, no rank variables (the next job starts
    its own ranks)."""
    if hydra_cfg.mode != RunMode.MULTIRUN:
        return
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
    for name in RANK_VARIABLES:
        os.environ.pop(name, None)
