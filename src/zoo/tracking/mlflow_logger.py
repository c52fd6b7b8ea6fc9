"""The MLflow logger (needs the optional `mlflow` package): one MLflow run per zoo run, in one
SQLite tracking database per outputs root unless told otherwise.

Where: `logger.mlflow.tracking_uri`, else MLFLOW_TRACKING_URI, else `sqlite:///<sweep
folder>/mlflow.db` for a sweep's job and `sqlite:///outputs/mlflow.db` (under the folder
zoo-train started in) for a single run. A sweep is one MLflow experiment, named by its folder
as Hydra was given it (`multirun/2026-11-22/10-31-07-3fa2c1`, `multirun/optuna/zoo`), so that
sweeps stay apart in a shared store too; single runs go to the experiment `zoo`.

What: params are the choices (`data`, `cell`, `direction`, `topology`), the flat config
(`cell.hidden_size`, `optimizer.lr`, ...) and `params` (the parameter count); metrics are every
logged metric at its step, and at the end the record's metrics; tags say the run folder, and
at the end the seed, git commit and the record's status, which also ends the MLflow run
(`finish_mlflow`: ok -> FINISHED, failed -> FAILED, interrupted and pruned -> KILLED).

The run's id is kept in the run folder (`mlflow/run.json`, read back as data), so a resumed
run continues its MLflow run. Parallel jobs share a database: it is created, and each run
started, under a file lock beside it (MLflow's table creation collides otherwise), and a write
that finds it locked is tried again (scripts/mlflow_sqlite_contention.py measures both).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import time
from pathlib import Path

from filelock import FileLock
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf
from pytorch_lightning.loggers import MLFlowLogger
from pytorch_lightning.utilities import rank_zero_only

from zoo.atomic_file import write_atomically
from zoo.errors import ZooError
from zoo.tracking.run_info import hyperparameters, run_choices, run_name

log = logging.getLogger("zoo")

RUN_FILE = "mlflow/run.json"  # inside the run folder: where its MLflow run is, for a resume
DATABASE = "mlflow.db"
SINGLE_RUNS = "zoo"  # the experiment of runs outside a sweep
# a zoo record's status -> the MLflow run's; a pruned trial stopped before its end (no test)
STATUSES = {"ok": "FINISHED", "failed": "FAILED", "interrupted": "KILLED", "pruned": "KILLED"}
LOCK_TRIES = 12  # a locked database is tried again, waiting 0.1 s, 0.2 s, ... up to 5 s


def retry_locked(fn, *args, **kwargs):
    """`fn(*args, **kwargs)`, tried again while a parallel job holds the SQLite database."""
    for attempt in range(LOCK_TRIES - 1):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            if "database is locked" not in str(exc):
                raise
        time.sleep(min(0.1 * 2**attempt, 5.0))
    return fn(*args, **kwargs)


def default_tracking_uri() -> str:
    """MLFLOW_TRACKING_URI, else the SQLite database of this sweep or of ./outputs."""
    if os.environ.get("MLFLOW_TRACKING_URI"):
        return os.environ["MLFLOW_TRACKING_URI"]
    cwd = Path(HydraConfig.get().runtime.cwd) if HydraConfig.initialized() else Path.cwd()
    folder = _sweep_folder() or "outputs"
    return f"sqlite:///{(cwd / folder).resolve() / DATABASE}"


def _sweep_folder() -> str | None:
    """The multirun's sweep folder as Hydra was given it; None for a single run."""
    if not HydraConfig.initialized() or HydraConfig.get().mode != RunMode.MULTIRUN:
        return None
    return str(HydraConfig.get().sweep.dir)


def _database(uri: str) -> Path | None:
    """The file of a SQLite tracking URI; None for another store."""
    return Path(uri.removeprefix("sqlite:///")) if uri.startswith("sqlite:///") else None


def _read_run_file(save_dir: Path) -> dict | None:
    """The run folder's MLflow run ({"tracking_uri", "run_id"}), or None before it has one."""
    path = save_dir / RUN_FILE
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ZooError(
            f"{path} cannot be read ({exc}); delete it to start a new MLflow run."
        ) from None
    if not (
        isinstance(found, dict)
        and all(isinstance(found.get(k), str) and found[k] for k in ("tracking_uri", "run_id"))
    ):
        raise ZooError(
            f"{path} does not name an MLflow run (tracking_uri and run_id); "
            "delete it to start a new MLflow run."
        )
    return found


class ZooMLFlowLogger(MLFlowLogger):
    """Lightning's MLFlowLogger on a run that `mlflow_logger` made or found, which logs the
    hyperparameters as filterable params and leaves ending the run to `finish_mlflow`."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._kept_callbacks: list = []  # log_model: true, the checkpoints' callbacks

    @rank_zero_only
    def log_hyperparams(self, params) -> None:
        """The choices, the flat config and the parameter count. A value that a resumed run
        changed (MLflow keeps a param's first value) goes to the tag `params_changed`."""
        from mlflow.entities import Param, RunTag
        from mlflow.utils.validation import MAX_PARAM_VAL_LENGTH, MAX_TAG_VAL_LENGTH

        found = {
            k: str(v)[:MAX_PARAM_VAL_LENGTH]
            for k, v in {**run_choices(), **hyperparameters(dict(params))}.items()
        }
        run = retry_locked(self.experiment.get_run, self.run_id)
        logged = run.data.params
        new = [Param(k, v) for k, v in found.items() if k not in logged]
        changed = [f"{k}: {logged[k]} -> {v}" for k, v in found.items() if logged.get(k, v) != v]
        for start in range(0, len(new), 100):  # MLflow takes at most 100 params a call
            retry_locked(self.experiment.log_batch, self.run_id, params=new[start : start + 100])
        if changed:  # a later resume adds to what an earlier one changed
            text = "; ".join(filter(None, [run.data.tags.get("params_changed"), *changed]))
            tag = RunTag("params_changed", text[:MAX_TAG_VAL_LENGTH])
            retry_locked(self.experiment.log_batch, self.run_id, tags=[tag])

    @rank_zero_only
    def log_metrics(self, metrics, step: int | None = None) -> None:
        retry_locked(super().log_metrics, metrics, step)

    def after_save_checkpoint(self, checkpoint_callback) -> None:
        """`log_model: true` keeps every checkpoint callback for the end of training (zoo has
        two, best and last; Lightning's logger keeps the one that saved last)."""
        super().after_save_checkpoint(checkpoint_callback)
        kept = self._checkpoint_callback
        if kept is not None and kept not in self._kept_callbacks:
            self._kept_callbacks.append(kept)

    @rank_zero_only
    def finalize(self, status: str = "success") -> None:
        """Log the checkpoints (`log_model: true`); the run ends in `finish_mlflow`, once
        the record says how it ended (Lightning calls this after each fit, validate, test)."""
        if self._initialized:
            for callback in self._kept_callbacks:
                retry_locked(self._scan_and_log_checkpoints, callback)


def _experiment(client, name: str, database: Path | None) -> str:
    """The id of the experiment `name`, made if absent (a SQLite store's artifacts beside it)."""
    found = client.get_experiment_by_name(name)
    if found is not None and found.lifecycle_stage != "deleted":
        return found.experiment_id
    if found is not None:
        raise ZooError(
            f"the MLflow experiment {name!r} is deleted; restore it (mlflow "
            "experiments restore) or set logger.mlflow.experiment_name."
        )
    artifacts = (database.parent / "mlartifacts").as_uri() if database else None
    # MLflow 3's UI opens an experiment of model training on its runs table (else on GenAI
    # traces, which zoo has none of)
    kind = {"mlflow.experimentKind": "custom_model_development"}
    return client.create_experiment(name, artifact_location=artifacts, tags=kind)


def _start_run(
    uri: str, save_dir: Path, experiment_name: str | None, name: str | None, tags: dict
) -> str:
    """A new MLflow run for the run folder `save_dir`; its id, also kept in the folder."""
    from mlflow import MlflowClient
    from mlflow.utils.mlflow_tags import MLFLOW_RUN_NAME

    database = _database(uri)
    if database is not None:
        database.parent.mkdir(parents=True, exist_ok=True)
    # one job at a time makes the database's tables and the sweep's experiment
    lock = FileLock(f"{database}.lock") if database else None
    with lock or contextlib.nullcontext():
        client = MlflowClient(uri)
        experiment = _experiment(
            client, experiment_name or _sweep_folder() or SINGLE_RUNS, database
        )
        run_tags = {
            **tags,
            "run_folder": str(save_dir.resolve()),
            MLFLOW_RUN_NAME: name or run_name() or save_dir.name,
        }
        run = retry_locked(client.create_run, experiment, tags=run_tags)
    write_atomically(
        save_dir / RUN_FILE, json.dumps({"tracking_uri": uri, "run_id": run.info.run_id}).encode()
    )
    return run.info.run_id


def mlflow_logger(
    save_dir: str,
    tracking_uri: str | None = None,
    experiment_name: str | None = None,
    run_name: str | None = None,
    tags: dict | None = None,
    log_model: bool | str = False,
    if_installed: bool = False,
) -> ZooMLFlowLogger | None:
    """The run's MLflow logger, on a new MLflow run or, when the run folder names one (a
    resumed run), on that run. `if_installed` (logger=many): None when mlflow is missing."""
    if importlib.util.find_spec("mlflow") is None:
        if if_installed:
            return None
        raise ZooError(
            "logger=mlflow needs the mlflow package; install it with "
            "pip install 'zoo[mlflow]' or choose another logger."
        )
    folder = Path(save_dir)
    plain = OmegaConf.to_container(tags, resolve=True) if isinstance(tags, DictConfig) else tags
    if rank_zero_only.rank != 0:  # DDP: rank 0 alone logs, to its run
        return ZooMLFlowLogger(
            tracking_uri=tracking_uri or default_tracking_uri(), log_model=log_model
        )
    stored = _read_run_file(folder)
    if stored is None:
        uri = tracking_uri or default_tracking_uri()
        run_id = _start_run(
            uri, folder, experiment_name, run_name, {k: str(v) for k, v in (plain or {}).items()}
        )
    else:
        uri, run_id = stored["tracking_uri"], stored["run_id"]
        _reopen(uri, run_id, folder)
    return ZooMLFlowLogger(tracking_uri=uri, run_id=run_id, log_model=log_model)


def _reopen(uri: str, run_id: str, folder: Path) -> None:
    """A resumed run's MLflow run is running again."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    try:
        retry_locked(MlflowClient(uri).update_run, run_id, status="RUNNING")
    except MlflowException as exc:
        raise ZooError(
            f"{folder / RUN_FILE} names the MLflow run {run_id} at {uri}, which "
            f"cannot be continued ({exc.message}); delete that file to start a "
            "new MLflow run."
        ) from None


def _mlflow_node(cfg: DictConfig) -> DictConfig | None:
    """The config's entry of the logger group that builds an MLflow logger, if any."""
    from hydra.utils import get_method

    for node in (cfg.get("logger") or {}).values():
        if isinstance(node, DictConfig) and node.get("_target_"):
            try:
                if get_method(node._target_) is mlflow_logger:
                    return node
            except Exception:  # another logger's target that cannot be imported: not ours
                continue
    return None


def finish_mlflow(cfg: DictConfig, output_dir: Path, record: dict) -> None:
    """Mirror the run's record to its MLflow run, when it logs to MLflow: the final metrics
    (after every step logged), the seed, git commit and status tags, and the end status. A
    run that failed before its loggers were made gets its MLflow run here. A tracking error
    is logged, never raised: the record is what counts."""
    node = _mlflow_node(cfg)
    if node is None:
        return
    try:
        stored = _read_run_file(output_dir)
        if stored is None:  # failed before the trainer was built
            from hydra.utils import instantiate

            logger = instantiate(node)
            if logger is None:
                return
            try:  # what failed may be the config itself
                config = OmegaConf.to_container(cfg, resolve=True)
            except Exception:
                config = OmegaConf.to_container(cfg, resolve=False)
            logger.log_hyperparams(config)
            stored = _read_run_file(output_dir)
        _mirror(stored["tracking_uri"], stored["run_id"], record)
    except Exception as exc:
        log.warning("the MLflow run was not updated with the record: %s", exc)


def _mirror(uri: str, run_id: str, record: dict) -> None:
    from mlflow import MlflowClient
    from mlflow.entities import Metric, RunTag
    from mlflow.utils.mlflow_tags import MLFLOW_GIT_COMMIT
    from mlflow.utils.validation import MAX_TAG_VAL_LENGTH

    client = MlflowClient(uri)
    latest = retry_locked(client.get_run, run_id).data.metrics
    final = {
        k: float(v)
        for k, v in (record.get("metrics") or {}).items()
        if v is not None and latest.get(k) != float(v)  # most, the evaluations logged
    }
    history = [*final, "epoch"]  # after every step logged, so that these are the latest
    steps = [
        m.step for key in history for m in retry_locked(client.get_metric_history, run_id, key)
    ]
    step, now = max(steps, default=0), int(time.time() * 1000)
    metrics = [Metric(k, v, now, step) for k, v in final.items()]
    tags = {
        "status": record["status"],
        "seed": record.get("seed"),
        MLFLOW_GIT_COMMIT: record.get("git_sha"),
    }
    if record.get("error"):
        tags["error"] = str(record["error"])[:MAX_TAG_VAL_LENGTH]
    retry_locked(
        client.log_batch,
        run_id,
        metrics=metrics,
        tags=[RunTag(k, str(v)) for k, v in tags.items() if v is not None],
    )
    retry_locked(client.set_terminated, run_id, STATUSES.get(record["status"], "FAILED"))
