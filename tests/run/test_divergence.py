"""A diverged run fails loudly: one sentence naming epoch, step and cause, a "failed" record,
and no checkpoint with NaN weights (the last good one stays)."""

from __future__ import annotations

import math

import pytest
import pytorch_lightning as pl
import torch
from conftest import compose_train, read_metrics, run_cli, train_quick
from hydra.utils import instantiate

from zoo.errors import ZooError
from zoo.run.callbacks.divergence import DivergenceGuard
from zoo.run.train import build_task

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


def _diverge(tmp_path, guard) -> tuple[str, int]:
    """The sentence a run with a far too high learning rate stops with, under `guard`, and
    the step the run stopped at."""
    cfg = compose_train(["optimizer.lr=1e6", "cell=rnn_relu", "data.n_train=512", "data.T=10",
                         "data.batch_size=16"], tmp_path)
    datamodule = instantiate(cfg.data)
    pl.seed_everything(0)
    trainer = pl.Trainer(max_epochs=2, log_every_n_steps=5, logger=False, callbacks=[guard],
                         enable_checkpointing=False, enable_progress_bar=False,
                         enable_model_summary=False, limit_val_batches=0)
    with pytest.raises(ZooError) as error:
        trainer.fit(build_task(cfg, datamodule.spec), datamodule=datamodule)
    return str(error.value), trainer.global_step


def test_on_an_accelerator_the_loss_is_read_lazily_naming_the_same_step(tmp_path):
    """`lazy` (an accelerator's default: no host sync per step) stops at the next read, with
    the sentence the eager check (the CPU's) gives at the step itself."""
    eager, stopped_eagerly = _diverge(tmp_path / "eager", DivergenceGuard(lazy=False))
    lazy, stopped_lazily = _diverge(tmp_path / "lazy", DivergenceGuard(lazy=True))
    assert "the training loss is nan" in eager or "the training loss is inf" in eager
    assert lazy == eager
    assert stopped_lazily % 5 == 0 and stopped_eagerly <= stopped_lazily < stopped_eagerly + 5
