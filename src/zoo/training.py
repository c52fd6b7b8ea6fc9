"""Train, validate and test one composed config: the library behind `zoo-train`.

Importable without Hydra's command line: `train(cfg, output_dir)` takes a composed config.
"""

from __future__ import annotations

from pathlib import Path

import pytorch_lightning as pl
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from pytorch_lightning.callbacks import LearningRateMonitor, ModelSummary, ProgressBar

from zoo.callbacks.run_config import RunConfig
from zoo.composition import check_composition
from zoo.task import SequenceTask
from zoo.tbptt import truncation


def _plain(node) -> dict:
    return OmegaConf.to_container(node, resolve=True) if node is not None else {}


def instantiate_all(group: DictConfig | None) -> list:
    """Instantiate every `_target_` entry of a dict-of-objects group (callbacks, loggers)."""
    if not group:
        return []
    return [instantiate(node) for node in group.values() if node and "_target_" in node]


def build_task(cfg: DictConfig, spec) -> SequenceTask:
    return SequenceTask(
        spec=spec.to_dict(),
        cell=_plain(cfg.cell),
        direction=_plain(cfg.direction),
        topology=_plain(cfg.topology),
        optimizer=_plain(cfg.optimizer),
        scheduler=_plain(cfg.get("scheduler")),
        exact_match=bool(cfg.get("exact_match", True)),
        tbptt=truncation(cfg),
    )


def build_trainer(cfg: DictConfig, output_dir: Path) -> pl.Trainer:
    loggers = instantiate_all(cfg.get("logger"))
    callbacks = [*instantiate_all(cfg.get("callbacks")), RunConfig(_plain(cfg))]
    # Lightning refuses these callbacks when the trainer turns their feature off
    refused = [] if loggers else [LearningRateMonitor]
    if not cfg.trainer.get("enable_progress_bar", True):
        refused.append(ProgressBar)
    if not cfg.trainer.get("enable_model_summary", True):
        refused.append(ModelSummary)
    callbacks = [c for c in callbacks if not isinstance(c, tuple(refused))]
    manual = {"gradient_clip_val": None} if truncation(cfg) else {}  # the task clips (tbptt)
    return instantiate(cfg.trainer, callbacks=callbacks, logger=loggers or False,
                       default_root_dir=str(output_dir), **manual)


def train(cfg: DictConfig, output_dir: Path) -> tuple[dict, int]:
    """Fit, then validate and test with the best checkpoint; returns (metrics, parameter count)."""
    check_composition(cfg)
    pl.seed_everything(cfg.seed, workers=True)
    datamodule = instantiate(cfg.data)
    task = build_task(cfg, datamodule.spec)
    trainer = build_trainer(cfg, output_dir)
    metrics: dict = {}
    if cfg.get("train", True):
        trainer.fit(task, datamodule=datamodule, ckpt_path=cfg.get("ckpt_path"))
    best = trainer.checkpoint_callback.best_model_path if trainer.checkpoint_callback else ""
    ckpt = best or None
    for evaluate in (trainer.validate, trainer.test):
        if evaluate is trainer.test and not cfg.get("test", True):
            continue
        for result in evaluate(task, datamodule=datamodule, ckpt_path=ckpt, weights_only=True):
            metrics.update({k: v for k, v in result.items() if "/" in k})
    return metrics, task.count_parameters()
