"""The best checkpoint is chosen by the task's headline metric unless a preset or the user
names one; a metric the run never logs is refused before training."""

from __future__ import annotations

import logging

import pytest
import torch
from conftest import QUICK, compose_train, train_quick

from zoo.errors import ZooError
from zoo.run.record import RunRecord
from zoo.run.train import train_and_test
from zoo.spec import Layout, Spec
from zoo.task.best_metric import choose_best_metric

TINY = ["data.n_train=64", "data.n_val=32", "data.n_test=32", "data.T=10"]
VALUES = Spec(Layout("sequence", "single"), "features", 2, "value", 1)
CLASSES = Spec(Layout("sequence", "single"), "features", 2, "class", 3)
TOKENS = Spec(Layout("sequence", "aligned", causal=True), "tokens", 9, "tokens", 9)


@pytest.mark.parametrize("spec, topology, metric, mode", [
    (CLASSES, "many_to_one", "val/acc", "max"),
    (VALUES, "many_to_one", "val/mse", "min"),
    (TOKENS, "many_to_many", "val/loss", "min"),
])
def test_auto_is_the_headline_metric_of_the_target_kind(tmp_path, spec, topology, metric, mode):
    cfg = compose_train([f"topology={topology}"], tmp_path)
    assert cfg.optimized_metric == "auto"
    fields = choose_best_metric(cfg, spec)
    assert fields == {"optimized_metric": metric, "optimized_mode": mode}
    assert cfg.optimized_metric == "auto"  # nothing written behind the caller's back
    cfg.optimized_metric, cfg.optimized_mode = fields.values()  # as training does
    assert cfg.callbacks.model_checkpoint.monitor == metric  # interpolated from the config
    assert cfg.callbacks.model_checkpoint.mode == mode


def test_explicit_metrics_are_kept_and_their_mode_follows_the_name(tmp_path):
    preset = compose_train(["experiment=copy_memory_cells"], tmp_path)
    assert choose_best_metric(preset, CLASSES)["optimized_metric"] == "val/loss"
    chosen = compose_train(["optimized_metric=val/rmse"], tmp_path)
    assert choose_best_metric(chosen, VALUES) == {"optimized_metric": "val/rmse",
                                                  "optimized_mode": "min"}


def test_a_metric_the_run_does_not_log_is_refused_before_training(tmp_path):
    with pytest.raises(ZooError) as error:
        train_quick(TINY + ["optimized_metric=val/acc"], tmp_path)
    assert str(error.value) == (
        "optimized_metric=val/acc is not logged by this run (value targets); choose one of "
        "val/loss, val/mae, val/mse, val/rmse, or optimized_metric=auto."
    )
    assert not (tmp_path / "checkpoints").exists()


def test_a_classifier_keeps_its_most_accurate_epoch_and_says_so(tmp_path, caplog):
    cfg = compose_train(QUICK + TINY + ["data=copy_memory", "topology=many_to_many",
                                        "trainer.max_epochs=2"], tmp_path)
    record = RunRecord()
    with caplog.at_level(logging.INFO, logger="zoo"):
        train_and_test(cfg, tmp_path, record)
    assert record.optimized_metric == "val/acc" and record.optimized_mode == "max"
    assert "best checkpoint: the highest val/acc" in caplog.text
    [best] = (tmp_path / "checkpoints").glob("best-*.ckpt")
    states = torch.load(best, weights_only=False)["callbacks"]
    monitors = [s["monitor"] for k, s in states.items() if k.startswith("ModelCheckpoint")]
    assert "val/acc" in monitors and "val/loss" not in monitors
