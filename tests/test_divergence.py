"""A diverged run fails loudly: one sentence naming epoch, step and cause, a "failed" record,
and no checkpoint with NaN weights (the last good one stays)."""

from __future__ import annotations

import math

import pytest
import pytorch_lightning as pl
import torch
from conftest import read_metrics, run_cli, train_quick

from zoo.errors import ZooError

TINY = ["data.n_train=64", "data.n_val=32", "data.n_test=32", "data.T=10"]


class PoisonWeights(pl.Callback):
    """Turns a weight into NaN after the first step of `epoch`, as a diverging update would."""

    def __init__(self, epoch: int = 1):
        self.epoch = epoch

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        if trainer.current_epoch == self.epoch and batch_idx == 0:
            with torch.no_grad():
                next(pl_module.parameters()).view(-1)[0] = math.nan


def _finite(ckpt) -> bool:
    state = torch.load(ckpt, map_location="cpu", weights_only=False)["state_dict"]
    return all(torch.isfinite(t).all() for t in state.values() if t.is_floating_point())


def test_a_diverging_run_fails_with_one_sentence_and_no_nan_checkpoint(tmp_path):
    run = tmp_path / "run"
    proc = run_cli("zoo-train", "optimizer.lr=1e6", "trainer.gradient_clip_val=0",
                   "cell=rnn_relu", "trainer.max_epochs=2", "data.n_train=256", "data.T=10",
                   "logger=none", f"hydra.run.dir={run}", cwd=tmp_path, check=False)
    assert proc.returncode == 2
    error = proc.stderr.strip().splitlines()[-1]
    assert error.startswith("error: training diverged at epoch 0, step ")
    assert "optimizer.lr=1000000.0" in error and "gradient clipping is off" in error
    record = read_metrics(run)
    assert record["status"] == "failed" and record["error"] == error.removeprefix("error: ")
    ckpts = list((run / "checkpoints").glob("*.ckpt")) if (run / "checkpoints").is_dir() else []
    assert all(_finite(c) for c in ckpts)


def test_the_last_good_checkpoint_stays(tmp_path):
    poison = ["+callbacks.poison._target_=test_divergence.PoisonWeights"]
    with pytest.raises(ZooError, match=r"diverged at epoch 1, step \d+: the weights hold NaN"):
        train_quick(TINY + poison + ["trainer.max_epochs=3"], tmp_path)
    ckpts = sorted((tmp_path / "checkpoints").glob("*.ckpt"))
    assert {c.name for c in ckpts} == {"best-epoch000.ckpt", "last.ckpt"}
    assert all(_finite(c) for c in ckpts)
    assert torch.load(ckpts[-1], weights_only=False)["epoch"] == 0  # last.ckpt: epoch 0's
