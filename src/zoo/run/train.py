"""Train, validate and test one composed config: the library behind `zoo-train`.

Importable without Hydra's command line: `train_and_test(cfg, output_dir)` takes a composed
config that passed `zoo.run.validate.validate` (zoo.run.entry.record_run, the one path of
zoo-train and `zoo.train`, validates it first).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytorch_lightning as pl
from hydra.utils import instantiate
from omegaconf import DictConfig, OmegaConf
from pytorch_lightning.callbacks import LearningRateMonitor, ModelSummary, ProgressBar

from zoo.atomic_file import AtomicCheckpointIO
from zoo.callbacks.epoch_lines import for_output
from zoo.run.callbacks.baseline_scores import Baselines
from zoo.run.callbacks.divergence import DivergenceGuard
from zoo.run.callbacks.epoch_times import EpochTimes
from zoo.run.callbacks.last_validation import LastValidation
from zoo.run.callbacks.moved_run import MovedRun
from zoo.run.callbacks.rng_state import RngState
from zoo.run.callbacks.run_config import RunConfig
from zoo.run.callbacks.study_report import StudyReport
from zoo.run.checkpoints import find_checkpoint, load_checkpoint
from zoo.run.interrupt import Interrupted
from zoo.run.precision import set_matmul_precision
from zoo.run.quiet import quiet_libraries
from zoo.run.record import RunRecord
from zoo.run.smoke import cut_by_max_steps, smoke_reason
from zoo.task.baselines import warn_if_not_better
from zoo.task.best_metric import choose_best_metric
from zoo.task.module import SequenceTask
from zoo.task.tbptt import truncation
from zoo.tracking import ResumableCSVLogger
from zoo.tracking.tensorboard_logger import log_final_hparams


def _plain(node) -> dict:
    return OmegaConf.to_container(node, resolve=True) if node is not None else {}


def instantiate_all(group: DictConfig | None) -> list:
    """Instantiate every `_target_` entry of a dict-of-objects group (callbacks, loggers);
    an entry may build None (logger=many's mlflow when mlflow is not installed)."""
    if not group:
        return []
    built = [instantiate(node) for node in group.values() if node and "_target_" in node]
    return [obj for obj in built if obj is not None]


def build_task(cfg: DictConfig, spec) -> SequenceTask:
    return SequenceTask(
        spec=spec.to_dict(),
        cell=_plain(cfg.cell),
        direction=_plain(cfg.direction),
        topology=_plain(cfg.topology),
        optimizer=_plain(cfg.optimizer),
        scheduler=_plain(cfg.scheduler),
        exact_match=cfg.exact_match,
        bleu=cfg.bleu,
        bleu_beam=cfg.bleu_beam,
        tbptt=truncation(cfg),
    )


class RunCallbacks(NamedTuple):
    """The callbacks every run has (zoo.run.callbacks), by name."""

    config: RunConfig
    rng: RngState
    times: EpochTimes
    divergence: DivergenceGuard
    baselines: Baselines
    last_validation: LastValidation
    moved: MovedRun
    study: StudyReport


def build_trainer(cfg: DictConfig, output_dir: Path) -> tuple[pl.Trainer, RunCallbacks]:
    """The Trainer of `cfg`, with the callbacks its config selects and those every run has."""
    loggers = instantiate_all(cfg.logger)
    run = RunCallbacks(RunConfig(_plain(cfg)), RngState(), EpochTimes(), DivergenceGuard(),
                       Baselines(), LastValidation(), MovedRun(),
                       StudyReport(cfg.optimized_metric))
    callbacks = [*instantiate_all(cfg.callbacks), *run]
    # Lightning refuses these callbacks when the trainer turns their feature off
    refused = [] if loggers else [LearningRateMonitor]
    if cfg.trainer.enable_progress_bar is False:  # (null is Lightning's default: on)
        refused.append(ProgressBar)
    if cfg.trainer.enable_model_summary is False:
        refused.append(ModelSummary)
    callbacks = [c for c in callbacks if not isinstance(c, tuple(refused))]
    if cfg.trainer.enable_progress_bar is not False:  # a plain line per epoch in log files
        callbacks = for_output(callbacks)
    quiet_libraries()
    manual = {"gradient_clip_val": None} if truncation(cfg) else {}  # the task clips (tbptt)
    trainer = instantiate(cfg.trainer, callbacks=callbacks, logger=loggers or False,
                          default_root_dir=str(output_dir), plugins=[AtomicCheckpointIO()],
                          **manual)
    return trainer, run


def train_and_test(cfg: DictConfig, output_dir: Path,
                   record: RunRecord | None = None) -> tuple[dict, int]:
    """Fit, then validate and test with the best checkpoint; returns (metrics, parameter count).

    `record` (zoo.run.record), when given, receives what training finds: the metric and mode
    that choose the best checkpoint, whether this is a smoke run, the epochs' seconds. Ctrl-C
    or SIGTERM raise `Interrupted`. A trial its search's pruner stops
    (zoo.run.callbacks.study_report) is neither validated again nor tested: `record.status` is
    "pruned", `record.pruned` where and at what. Where the test split holds the validation
    examples, the validation pass also gives the test metrics (`record.test_is_val`). Where
    the best checkpoint holds the weights of the last validation in training, that
    validation's metrics are its metrics (`record.val_is_last_validation`), with no second
    pass. A test scored by sacreBLEU records its signature (`record.sacrebleu_signature`).
    """
    record = RunRecord() if record is None else record
    set_matmul_precision(cfg.matmul_precision)
    ckpt_path = cfg.ckpt_path
    if ckpt_path:  # zoo's loader: one sentence for a missing, damaged or foreign file
        load_checkpoint(find_checkpoint(ckpt_path))
    pl.seed_everything(cfg.seed, workers=True)
    datamodule = instantiate(cfg.data)
    best = choose_best_metric(cfg, datamodule.spec)
    record.optimized_metric, record.optimized_mode = best.values()
    cfg.optimized_metric, cfg.optimized_mode = best.values()  # callbacks interpolate them
    task = build_task(cfg, datamodule.spec)
    trainer, run = build_trainer(cfg, output_dir)
    smoke = smoke_reason(cfg.trainer, record.choices.get("debug"))
    record.mark_smoke(smoke)
    metrics: dict = {}
    try:
        if cfg.train:
            trainer.fit(task, datamodule=datamodule, ckpt_path=ckpt_path, weights_only=True)
            trainer.strategy.checkpoint_io.remove_held()  # (zoo.atomic_file)
            record.mark_smoke(smoke or cut_by_max_steps(trainer))
            record.epoch_s = run.times.seconds  # every epoch's, resumed runs' too
            if run.times.earlier_wall_s:  # resumed: wall_s counts the earlier sessions too
                record.resumed_wall_s = run.times.earlier_wall_s
        if run.study.pruned:  # a search's pruner stopped it: its last validation is its end
            record.status, record.pruned = "pruned", run.study.pruned
            return dict(run.last_validation.metrics), task.count_parameters()
        best = trainer.checkpoint_callback.best_model_path if trainer.checkpoint_callback else ""
        ckpt = best or None
        test = cfg.test
        if test and datamodule.test_is_val():  # one pass serves both: its val/ metrics as test/
            record.test_is_val, test = True, False
        if best and run.last_validation.scored(trainer, best):  # the last epoch's is the best
            record.val_is_last_validation = True
            metrics.update(run.last_validation.metrics)
        for logger in trainer.loggers:  # what follows is no training epoch in the CSV log
            if isinstance(logger, ResumableCSVLogger):
                logger.after_training()
        splits = [] if record.val_is_last_validation else [trainer.validate]
        for evaluate in splits + ([trainer.test] if test else []):
            for result in evaluate(task, datamodule=datamodule, ckpt_path=ckpt, weights_only=True):
                metrics.update({k: v for k, v in result.items() if "/" in k})
        if record.test_is_val:
            metrics.update({f"test/{k[4:]}": v for k, v in list(metrics.items())
                            if k.startswith("val/")})
    except (KeyboardInterrupt, SystemExit) as stop:  # Lightning ends a Ctrl-C with sys.exit(1)
        had = {k: v for k, v in {**trainer.callback_metrics, **metrics}.items() if "/" in k}
        where = f"epoch {trainer.current_epoch}, step {trainer.global_step}"
        raise Interrupted(where, had) from stop
    if signature := task.sacrebleu_signature():  # what a paper quotes beside test/sacrebleu
        record.sacrebleu_signature = signature
    if not record.smoke:  # a smoke run's metrics say nothing about the model
        warn_if_not_better(metrics)
    log_final_hparams(trainer.loggers, _plain(cfg), metrics)
    return metrics, task.count_parameters()
