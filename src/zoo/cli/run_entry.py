"""What every Hydra entry point does around its work: time it, write `metrics.json` with the
run's provenance, turn user mistakes into one-line errors, and return the sweep objective.

In a multirun a failed job is recorded (`"status": "failed"`) and the sweep goes on.
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf

from zoo.errors import ZooError
from zoo.run_record import clean, git_sha, versions, write_record
from zoo.tracking import finish_wandb

log = logging.getLogger("zoo")
SOURCE = Path(__file__).resolve().parent

OmegaConf.register_new_resolver("zoo_uid", lambda: uuid.uuid4().hex[:6], use_cache=True,
                                replace=True)

HYDRA_GROUPS = ("hydra", "hydra/")


def _choices(hydra_cfg) -> dict:
    return {k: v for k, v in hydra_cfg.runtime.choices.items()
            if not k.startswith(HYDRA_GROUPS) and v is not None}


def run_entry(cfg: DictConfig, work) -> float | None:
    """Run `work(cfg, output_dir) -> (metrics, params)` and record it."""
    hydra_cfg = HydraConfig.get()
    output_dir = Path(hydra_cfg.runtime.output_dir)
    multirun = hydra_cfg.mode == RunMode.MULTIRUN
    record = {"status": "ok", "metrics": {}, "seed": cfg.get("seed"),
              "choices": _choices(hydra_cfg), "overrides": list(hydra_cfg.overrides.task),
              "git_sha": git_sha(SOURCE), "versions": versions()}
    start = time.time()
    failure: BaseException | None = None
    try:
        metrics, params = work(cfg, output_dir)
        record["metrics"], record["params"] = clean(metrics), params
    except Exception as exc:  # recorded for the sweep table, then reported below
        failure = exc
    finish_wandb(failed=failure is not None)  # the next job of a sweep starts its own run
    record["wall_s"] = round(time.time() - start, 3)
    if failure is not None:
        record["status"], record["error"] = "failed", f"{failure}"
    write_record(output_dir / "metrics.json", **record)
    if failure is None:
        return record["metrics"].get(cfg.get("optimized_metric"))
    if isinstance(failure, ZooError):
        print(f"error: {failure}", file=sys.stderr)
        if not multirun:
            sys.exit(2)
    elif not multirun:
        raise failure
    log.error("job failed: %s", failure)
    return float("nan")
