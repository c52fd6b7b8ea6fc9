"""`zoo.compose` and `zoo.train`: a config as zoo-train composes it, trained as zoo-train trains
it, in a run folder laid out as zoo-train's (Hydra's own job runner writes `.hydra/`)."""

from __future__ import annotations

import copy
from pathlib import Path

from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from hydra.core.utils import run_job
from hydra.types import HydraContext
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf, open_dict, read_write

from zoo.api.trained_run import TrainedRun
from zoo.config.conf_dir import config_dir
from zoo.errors import ZooError
from zoo.run.entry import record_run
from zoo.run.lock import run_lock
from zoo.run.resume import refuse_a_used_folder
from zoo.run.train import train_and_test


def compose(*overrides: str) -> DictConfig:
    """The config `zoo-train OVERRIDES...` runs, e.g. `compose("experiment=mnist_rows_lstm",
    "seed=1")`, with Hydra's node (`cfg.hydra`: choices, overrides, run folder) for `train`."""
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=config_dir(), version_base="1.3", job_name="zoo"):
        return hydra_compose("train", overrides=list(overrides), return_hydra_config=True)


def train(cfg: DictConfig, output_dir: str | Path | None = None) -> TrainedRun:
    """Train, validate and test `cfg` (from `compose`) into `output_dir`, by default a fresh
    folder as zoo-train makes (outputs/<date>/<time>-<id>); raises the error the run failed
    with, after recording it in metrics.json as zoo-train does."""
    if "hydra" not in cfg:
        raise ZooError("zoo.train needs a config made by zoo.compose(...), which holds the run's "
                       "Hydra settings.")
    job = copy.deepcopy(cfg)
    OmegaConf.clear_cache(job)  # a fresh ${now:} and ${zoo_uid:} for every run folder
    run = None if output_dir is None else Path(output_dir).expanduser()
    if run is not None:
        with read_write(job.hydra), open_dict(job.hydra):
            job.hydra.run.dir = str(run)
    with run_lock(run):  # as zoo-train: one run at a time in a folder, never over a finished one
        if run is not None:
            refuse_a_used_folder(run, job.ckpt_path, option="output_dir")
        done = run_job(_work, job, "hydra.run.dir", None, HydraContext(None, JobCallbacks(job)),
                       configure_logging=False)
    # re-raises the run's exception when it failed; the caller's own config: its classes too
    return TrainedRun(done.return_value, trust_run=True)


class JobCallbacks:
    """The config's `hydra.callbacks` around one job, called as Hydra's job runner calls
    them (Hydra's own holder of them is private)."""

    def __init__(self, cfg: DictConfig):
        found = OmegaConf.select(cfg, "hydra.callbacks") or {}
        self.callbacks = [instantiate(node) for node in found.values()]

    def on_job_start(self, config: DictConfig, **kwargs) -> None:
        for callback in self.callbacks:
            callback.on_job_start(config=config, **kwargs)

    def on_job_end(self, config: DictConfig, **kwargs) -> None:
        for callback in reversed(self.callbacks):
            callback.on_job_end(config=config, **kwargs)


def _work(task_cfg: DictConfig) -> Path:
    _, failure = record_run(task_cfg, train_and_test)
    if failure is not None:
        raise failure
    return Path(HydraConfig.get().runtime.output_dir)
