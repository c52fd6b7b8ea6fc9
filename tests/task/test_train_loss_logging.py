"""The training loss is logged only where something reads it (a logger write, a progress-bar
redraw, the epoch's last batch), each value the mean of the batches since the last, so the
epoch's train/loss is still the mean over every example."""

from __future__ import annotations

import pytest
import pytorch_lightning as pl
from conftest import compose_train
from hydra.utils import instantiate

from zoo.callbacks.epoch_lines import EpochLines
from zoo.callbacks.progress_bar import RichProgressBar
from zoo.run.train import build_task


class Losses(pl.Callback):
    def __init__(self):
        self.seen = []  # (loss, batch size) of every training batch

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        self.seen.append((float(outputs["loss"]), batch["x"].size(0)))


def fit(tmp_path, limit=1.0, every=3, bar=None):
    cfg = compose_train(["data=adding", "data.n_train=120", "data.batch_size=16", "data.T=8",
                         "cell.hidden_size=4"], tmp_path)
    datamodule = instantiate(cfg.data)
    task = build_task(cfg, datamodule.spec)
    logged = []
    log = task.log
    task.log = lambda name, value, *a, **k: (logged.append((name, k.get("batch_size"))),
                                             log(name, value, *a, **k))[1]
    losses = Losses()
    trainer = pl.Trainer(max_epochs=2, limit_train_batches=limit, limit_val_batches=0,
                         log_every_n_steps=every, logger=False, enable_checkpointing=False,
                         enable_progress_bar=bar is not None, enable_model_summary=False,
                         callbacks=[losses, *([bar] if bar else [])])
    trainer.fit(task, datamodule=datamodule)
    return trainer, losses.seen, [n for name, n in logged if name == "train/loss"]


@pytest.mark.parametrize("limit", [1.0, 5])
def test_the_epoch_loss_is_the_mean_over_every_example(tmp_path, limit):
    trainer, seen, counts = fit(tmp_path, limit)
    last_epoch = seen[len(seen) // 2:]  # both epochs hold the same number of batches
    expected = sum(loss * n for loss, n in last_epoch) / sum(n for _, n in last_epoch)
    assert float(trainer.callback_metrics["train/loss_epoch"]) == pytest.approx(expected, 1e-6)
    assert sum(counts) == sum(n for _, n in seen)  # every example counted once
    assert len(counts) < len(seen)


def test_the_loss_is_logged_at_each_logger_write_and_the_epoch_end(tmp_path):
    _, seen, counts = fit(tmp_path, every=3)
    per_epoch = len(seen) // 2  # 8 batches: 7 of 16 and one of 8
    assert per_epoch == 8
    # global steps 3, 6 | 9, 12, 15 and each epoch's last batch (steps 8 and 16)
    assert counts == [48, 48, 24, 16, 48, 48, 8]


@pytest.mark.parametrize(("bar", "expected"), [
    (RichProgressBar(refresh_rate=4), [64, 32, 24, 64, 56]),  # batches 4, 8; step 6, 12
    (EpochLines(), [48, 48, 24, 16, 48, 48, 8]),  # the plain epoch lines read only the epoch
])
def test_a_live_progress_bar_reads_the_loss_when_it_redraws(tmp_path, bar, expected):
    _, _, counts = fit(tmp_path, every=6 if isinstance(bar, RichProgressBar) else 3, bar=bar)
    assert counts == expected
