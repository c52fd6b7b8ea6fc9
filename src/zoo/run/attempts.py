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
import time
from datetime import datetime, timezone
from pathlib import Path

from omegaconf import DictConfig
from pytorch_lightning.utilities import rank_zero_only

from zoo.atomic_file import write_atomically
from zoo.errors import ZooError
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


def carry_on(cfg: DictConfig, output_dir: Path) -> list | None:
    """Continue or set aside the earlier attempt in `output_dir`, if there is one; sets
    `cfg.ckpt_path` to continue and returns the record's `restarts` (None on a first attempt).
    Under SLURM with several tasks (DDP), rank 0 decides and acts, and the other ranks follow
    its decision."""
    ranks = int(os.environ.get("SLURM_NTASKS", "1")) if "SLURM_JOB_ID" in os.environ else 1
    if ranks > 1 and rank_zero_only.rank > 0:
        decision = _decision_of_rank_0(output_dir)
    else:
        decision = _decide(output_dir)
        if ranks > 1:
            write_atomically(_decision_file(output_dir), json.dumps(decision).encode())
    if decision["ckpt_path"]:
        cfg.ckpt_path = decision["ckpt_path"]
    return decision["restarts"] or None


def _decide(output_dir: Path) -> dict:
    """{"ckpt_path": what to continue from or None, "restarts": the record's restarts}."""
    earlier = _earlier_record(output_dir)
    last = output_dir / "checkpoints" / "last.ckpt"
    if earlier is None and not last.is_file():
        return {"ckpt_path": None, "restarts": None}  # a first attempt
    earlier = earlier or {"error": "the attempt before left no record (killed)"}
    restart = {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
               "why": earlier.get("error") or f"its record says {earlier.get('status')}"}
    if job := slurm_job():
        restart["slurm_job_id"] = job["job_id"]
    ckpt = None
    if earlier.get("status") in (None, "interrupted") and last.is_file():
        ckpt = readable_checkpoint(last)  # falls back, with a warning, to an older one
        restart["continued_from"] = f"checkpoints/{ckpt.name}"
    else:
        restart["continued_from"] = None  # trained afresh
        restart["earlier_attempt"] = str(_set_aside(output_dir).relative_to(output_dir))
    return {"ckpt_path": ckpt and str(ckpt), "restarts": [*earlier.get("restarts", []), restart]}


def _decision_file(output_dir: Path) -> Path:
    env = os.environ
    return output_dir / f".attempt.{env['SLURM_JOB_ID']}.{env.get('SLURM_RESTART_COUNT', 0)}.json"


def _decision_of_rank_0(output_dir: Path, timeout_s: float = 600.0) -> dict:
    path, end = _decision_file(output_dir), time.monotonic() + timeout_s
    while not path.is_file():
        if time.monotonic() > end:
            raise ZooError(f"rank 0 of this SLURM job wrote no {path.name} in {output_dir} "
                           f"within {timeout_s:.0f} s; see its log under .submitit/.")
        time.sleep(0.2)
    return json.loads(path.read_text(encoding="utf-8"))


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
    numbers = [int(p.name) for p in done.iterdir() if p.name.isdigit()] if done.is_dir() else []
    target = done / str(max(numbers, default=0) + 1)
    target.mkdir(parents=True)
    for path in output_dir.iterdir():
        if path.name not in KEEP and path.suffix != ".log":  # Hydra's log is open
            shutil.move(str(path), str(target / path.name))
    return target
