"""What every Hydra entry point does around its work: time it, write `metrics.json` with the
run's provenance (and end its MLflow run as the record says, with logger=mlflow), turn user
mistakes into one-line errors, and return the sweep objective.

In a multirun a failed job is recorded (`"status": "failed"`) and the sweep goes on; a job
that finds an earlier attempt of itself in its folder carries on from it (zoo.run.attempts).
Ctrl-C or SIGTERM record `"status": "interrupted"` with the metrics logged so far, then end the
process (exit status 128 + the signal's number), a sweep included; SLURM's warning before a
time limit does too, then goes to submitit's handler, which requeues the job.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import time
import uuid
from pathlib import Path

from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf
from pytorch_lightning.utilities import rank_zero_only

from zoo.errors import ZooError, outside_world
from zoo.run.attempts import carry_on, slurm_job
from zoo.run.ddp import end_ddp_job, one_job_argv
from zoo.run.interrupt import sigterm_interrupts, warning_signal, why
from zoo.run.record import RunRecord, clean, write_record
from zoo.run.threads import apply_threads
from zoo.run.validate import thread_count, validate
from zoo.tracking import finish_mlflow, finish_wandb

log = logging.getLogger("zoo")

OmegaConf.register_new_resolver("zoo_uid", lambda: uuid.uuid4().hex[:6], use_cache=True,
                                replace=True)

RESUME_FAILED = "resume_failed.json"


def run_entry(cfg: DictConfig, work) -> float | None:
    """Run `work(cfg, output_dir, record) -> (metrics, params)` and record it."""
    record, failure = record_run(cfg, work)
    multirun = HydraConfig.get().mode == RunMode.MULTIRUN
    if failure is None:  # NaN (recorded as null) or missing: a failure to a sweeper
        value = record.metrics.get(cfg.optimized_metric)
        return float("nan") if value is None else value
    if not multirun:  # zoo.cli.user_errors reports it (one sentence for a ZooError)
        raise failure
    if isinstance(failure, ZooError):
        print(f"error: {failure}", file=sys.stderr)
    log.error("job failed: %s", failure)
    return float("nan")


def record_run(cfg: DictConfig, work) -> tuple[RunRecord, Exception | None]:
    """Run `work` in the current Hydra job's folder and write its `metrics.json` (the CLI's
    and `zoo.train`'s one path); returns (the record, the exception it failed with or None)."""
    hydra_cfg = HydraConfig.get()
    output_dir = Path(hydra_cfg.runtime.output_dir)
    record = RunRecord.of_job(cfg, hydra_cfg)
    record.slurm = slurm_job()
    start = time.time()
    failure: Exception | None = None
    stop: KeyboardInterrupt | None = None
    with sigterm_interrupts() as signals:
        try:
            thread_count(cfg)  # validate's rule for `threads`, which are set first
            record.threads = apply_threads(cfg, hydra_cfg)
            if hydra_cfg.mode == RunMode.MULTIRUN:  # requeued, or its sweep resumed: the
                record.restarts = carry_on(cfg, output_dir)  # earlier attempt's history kept
            validate(cfg)  # the one door (zoo.run.validate), before any data or training
            one_job_argv(hydra_cfg)  # what Lightning re-runs for DDP ranks > 0
            if (record.restarts or [{}])[-1].get("continued_from"):  # ranks > 0 too
                sys.argv.append(f"ckpt_path={cfg.ckpt_path}")
            metrics, params = work(cfg, output_dir, record)  # work fills in what it finds
            record.metrics, record.params = clean(metrics), params
        except Exception as exc:  # recorded for the sweep table, then reported below
            failure = (isinstance(exc, OSError) and outside_world(exc)) or exc
        except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (zoo.run.interrupt)
            stop = exc
    finish_wandb(failed=failure is not None or stop is not None)
    end_ddp_job(hydra_cfg)
    # a resumed run's seconds before this session (zoo.run.callbacks.epoch_times), then this one's
    record.wall_s = round((record.resumed_wall_s or 0.0) + time.time() - start, 3)
    if failure is not None:
        record.status, record.error = "failed", f"{failure}"
    signum = signals[-1] if signals else signal.SIGINT
    if stop is not None:
        _interrupted(record, stop, signum)
    if rank_zero_only.rank == 0:  # DDP: every rank runs this job, one writes its record
        path = record_path(output_dir, record)
        try:
            write_record(path, record)
        except OSError as exc:  # a full disk, a folder gone: the one sentence says so too
            failure = _unrecorded(failure, exc)
        finish_mlflow(cfg, output_dir, _run_record(path, record))  # its MLflow run ends so
    if stop is not None:
        print(f"interrupted: {record.error}; metrics.json records it.", file=sys.stderr)
        if signum == warning_signal():  # the displaced handler (submitit's) requeues the job
            signal.raise_signal(signum)
        sys.exit(128 + signum)
    return record, failure


def _unrecorded(failure: Exception | None, exc: OSError) -> Exception:
    """The error to report when the record itself cannot be written."""
    lost = f"{outside_world(exc) or exc}".rstrip(".")
    if failure is not None and not isinstance(failure, ZooError):  # a bug keeps its traceback
        log.error("the record was not written: %s", lost)
        return failure
    if failure is None:
        return ZooError(f"the run ended, but its record was not written: {lost}.")
    return ZooError(f"{f'{failure}'.rstrip('.')}; its record was not written either: {lost}.")


def record_path(output_dir: Path, record: RunRecord) -> Path:
    """metrics.json, except that a resume of a finished run (ok, or pruned by a search) which
    did not end well leaves the run's record as it was and writes its own beside it."""
    path = output_dir / "metrics.json"
    if record.status not in ("ok", "pruned") and _finished(path):
        return output_dir / RESUME_FAILED
    return path


def _run_record(path: Path, record: RunRecord) -> dict:
    """The record the run's trackers end with: this session's, or where this session was a
    resume of a finished run that did not end well, the finished run's (which it kept), with
    the resume's error."""
    if path.name != RESUME_FAILED:
        return record.to_json()
    try:
        kept = json.loads((path.parent / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return record.to_json()
    if not isinstance(kept, dict):
        return record.to_json()
    return {**kept, "error": f"a resume ended {record.status} ({path.name}): {record.error}"}


def _finished(path: Path) -> bool:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("status") in ("ok", "pruned")
    except FileNotFoundError:
        return False
    except (OSError, ValueError, AttributeError):  # unreadable: keep it, write beside it
        return True


def _interrupted(record: RunRecord, stop: KeyboardInterrupt, signum: signal.Signals) -> None:
    """`zoo.run.interrupt.Interrupted` says where the run stopped and what it had logged."""
    where = getattr(stop, "where", None)
    record.status = "interrupted"
    record.error = f"stopped by {why(signum)}" + (f" at {where}" if where else "")
    record.metrics = clean(getattr(stop, "metrics", {}))
