"""Evaluate a trained run's checkpoint on one of its data splits, rebuilding the data from the
run's own config (nothing re-specified); overrides such as `data.root=` point it at a moved
copy. The metrics equal the run's own on the same split and checkpoint. It runs on one
device, so distributed sharding neither repeats nor drops an example."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytorch_lightning as pl
import torch
from hydra.utils import instantiate

from zoo.errors import ZooError
from zoo.run.callbacks.baseline_scores import Baselines
from zoo.run.checkpoints import LoadedRun, load_run
from zoo.run.precision import set_matmul_precision
from zoo.run.record import clean
from zoo.task.bleu import require_sacrebleu

SPLITS = ("test", "val")
RESULT_FILE = "eval_metrics_{split}.json"  # one a split: evaluating one keeps the other's


def _check_same_data(run: LoadedRun, spec) -> None:
    mine, theirs = run.spec, spec
    for field in (
        "input_kind",
        "input_size",
        "target_kind",
        "target_size",
        "input_vocab",
        "target_vocab",
    ):
        if getattr(mine, field) != getattr(theirs, field):
            raise ZooError(
                f"the data built from the run's config differs from the "
                f"checkpoint's ({field}); point data.root= at the data the run "
                "was trained on."
            )


def evaluate(
    ckpt_path: str | Path, split: str = "test", overrides: list[str] = (), trust: bool = False
) -> tuple[dict, Path]:
    """The checkpoint's metrics on `split`, also written to RUN/eval_metrics_<split>.json
    (beside the checkpoint when it lies outside a run folder); returns (metrics, that file).
    `trust`: the run's own classes may be built (zoo.config.trust)."""
    if split not in SPLITS:
        raise ZooError(f"split={split!r} is not known; choose one of {SPLITS}.")
    start = time.time()
    run = load_run(ckpt_path, trust)
    cfg = run.config(list(overrides))
    if run.task.hparams.get("bleu"):
        require_sacrebleu("this run's bleu=true")
    pl.seed_everything(cfg.seed, workers=True, verbose=False)
    # the float32 matmuls the run trained with (a run older than the key: torch's default)
    set_matmul_precision(cfg.get("matmul_precision", "highest"))
    datamodule = instantiate(cfg.data)
    _check_same_data(run, datamodule.spec)
    out_dir = run.run_dir or run.ckpt_path.parent
    # a run trained on a GPU is evaluated on this machine's CPU where it has no CUDA (the
    # checkpoint loads onto the CPU: zoo.run.checkpoints), unless trainer.accelerator is asked
    asked = any(o.lstrip("+~").split("=")[0] == "trainer.accelerator" for o in overrides)
    gpu_here = asked or torch.cuda.is_available() or cfg.trainer.accelerator not in ("gpu", "cuda")
    trainer = instantiate(
        cfg.trainer,
        accelerator=cfg.trainer.accelerator if gpu_here else "cpu",
        devices=1,
        strategy="auto",
        logger=False,
        callbacks=[Baselines()],  # the baseline beside the metrics, as in the run's record
        enable_checkpointing=False,
        enable_model_summary=False,
        default_root_dir=str(out_dir),
    )
    evaluate_split = trainer.test if split == "test" else trainer.validate
    metrics: dict = {}
    for result in evaluate_split(run.task, datamodule=datamodule, verbose=False):
        metrics.update({k: v for k, v in result.items() if "/" in k})
    metrics = clean(metrics)
    path = out_dir / RESULT_FILE.format(split=split)
    record = {
        "ckpt_path": str(run.ckpt_path.resolve()),
        "split": split,
        "metrics": metrics,
        "overrides": list(overrides),
        "wall_s": round(time.time() - start, 3),
    }
    if signature := run.task.sacrebleu_signature():  # as the run's metrics.json records it
        record["sacrebleu_signature"] = signature
    path.write_text(json.dumps(record, indent=2) + "\n")
    return metrics, path
