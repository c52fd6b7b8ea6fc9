"""`debug=fdr|overfit|limit|profiler` (as lightning-hydra-template) and
`callbacks=early_stopping`, watching the metric that chooses the best checkpoint."""

from __future__ import annotations

import math

import pytest
from conftest import compose_train, train_quick
from pytorch_lightning.callbacks import EarlyStopping

from zoo.run.train import build_trainer

DEBUG = {
    "fdr": {"fast_dev_run": True},
    "overfit": {"overfit_batches": 3, "max_epochs": 50},
    "limit": {"limit_train_batches": 20, "limit_val_batches": 5, "max_epochs": 3},
    "profiler": {"profiler": "simple", "max_epochs": 1},
}


@pytest.mark.parametrize("option", sorted(DEBUG))
def test_each_debug_option_composes(option, tmp_path):
    cfg = compose_train([f"debug={option}"], tmp_path)
    for key, value in DEBUG[option].items():
        assert cfg.trainer[key] == value, key
    assert cfg.trainer.detect_anomaly is True
    assert compose_train([], tmp_path).trainer.get("detect_anomaly") in (None, False)


def test_fast_dev_run_debug_runs_one_batch_of_each_split(tmp_path):
    metrics, _ = train_quick(["debug=fdr", "data.n_train=64", "data.n_val=32", "data.n_test=32",
                              "cell.hidden_size=8"], tmp_path)
    assert math.isfinite(metrics["test/mse"]) and math.isfinite(metrics["val/mse"])


def test_early_stopping_watches_the_optimized_metric(tmp_path):
    cfg = compose_train(["callbacks=early_stopping", "callbacks.early_stopping.patience=2",
                         "optimized_metric=val/mae", "optimized_mode=min", "logger=none"],
                        tmp_path)
    [stopper] = [c for c in build_trainer(cfg, tmp_path)[0].callbacks
                 if isinstance(c, EarlyStopping)]
    assert (stopper.monitor, stopper.mode, stopper.patience) == ("val/mae", "min", 2)
    assert "model_checkpoint" in cfg.callbacks  # the default callbacks stay
