"""A sweep's job that starts in a folder holding an earlier attempt of itself -- requeued by
SLURM after its time-limit warning, a preemption or `scontrol requeue`, or launched again by a
resumed sweep (zoo.sweep) -- carries on there. An attempt that stopped with a checkpoint is
continued from it (exactly: zoo.run.resume's machinery); one that failed, or stopped before its
first checkpoint, is set aside in `attempts/<k>/` and the job trains afresh.

Every restart is recorded in metrics.json's `restarts` (when, the attempt's SLURM job, why and
where the attempt before it stopped, what it continued from), and a job under SLURM records its
job id, array index and node in `slurm`.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

from omegaconf import DictConfig
from pytorch_lightning.utilities import rank_zero_only

from zoo.run.resume import readable_checkpoint

RECORD = "metrics.json"
ATTEMPTS = "attempts"
KEEP = (".hydra", ".zoo.lock", ATTEMPTS)  # left in place, and every *.log (all attempts log on)


def slurm_job() -> dict | None:
    """This process's SLURM job: ids, array index, node and SLURM's restart count; None
    outside SLURM."""
    env = os.environ
    if "SLURM_JOB_ID" not in env:
        return None
    job = {"job_id": env["SLURM_JOB_ID"], "node": env.get("SLURMD_NODENAME"),
           "restart_count": int(env.get("SLURM_RESTART_COUNT", 0))}
    if "SLURM_ARRAY_JOB_ID" in env:
        job["array_job_id"] = env["SLURM_ARRAY_JOB_ID"]
        job["array_task_id"] = int(env["SLURM_ARRAY_TASK_ID"])
    return job


def carry_on(cfg: DictConfig, output_dir: Path, record: dict) -> None:
    """Continue or set aside the earlier attempt in `output_dir`, if there is one; sets
    `cfg.ckpt_path` to continue, and `record["restarts"]`."""
    earlier = _earlier_record(output_dir)
    checkpoints = output_dir / "checkpoints"
    last = checkpoints / "last.ckpt"
    if earlier is None and not last.is_file():
        return  # a first attempt (its folder holds at most Hydra's files)
    earlier = earlier or {"error": "the attempt before left no record (killed)"}
    restart = {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "why": earlier.get("error") or f"its record says {earlier.get('status')}"}
    if job := slurm_job():
        restart["slurm_job_id"] = job["job_id"]
    if earlier.get("status") in (None, "interrupted") and last.is_file():
        ckpt = readable_checkpoint(last)  # falls back, with a warning, to an older one
        cfg.ckpt_path = str(ckpt)
        restart["continued_from"] = f"checkpoints/{ckpt.name}"
    else:
        restart["continued_from"] = None  # trained afresh
        if rank_zero_only.rank == 0:  # SLURM DDP: every rank decides alike, one moves
            restart["earlier_attempt"] = str(_set_aside(output_dir).relative_to(output_dir))
    record["restarts"] = [*earlier.get("restarts", []), restart]


def _earlier_record(output_dir: Path) -> dict | None:
    """The folder's record, or None; one that cannot be read is an attempt that left none."""
    try:
        record = json.loads((output_dir / RECORD).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {"error": f"the attempt before left an unreadable {RECORD}", "status": "failed"}
    if not isinstance(record, dict) or not isinstance(record.get("restarts", []), list):
        return {"error": f"the attempt before left a {RECORD} zoo did not write",
                "status": "failed"}
    return record


def _set_aside(output_dir: Path) -> Path:
    """Move everything an attempt wrote into `attempts/<k>/` (run folders do not nest, so
    zoo-table reads only the folder's own record)."""
    done = output_dir / ATTEMPTS
    k = 1 + sum(1 for _ in done.iterdir()) if done.is_dir() else 1
    target = done / str(k)
    target.mkdir(parents=True)
    for path in output_dir.iterdir():
        if path.name not in KEEP and path.suffix != ".log":  # Hydra's log is open
            shutil.move(str(path), str(target / path.name))
    return target
