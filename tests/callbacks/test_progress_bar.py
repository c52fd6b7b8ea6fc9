"""zoo's rich progress bar reads the step metrics (a host sync on a GPU) once per redraw."""

from __future__ import annotations

from pytorch_lightning.callbacks import RichProgressBar as Stock

from zoo.callbacks.progress_bar import RichProgressBar


def test_step_metrics_are_read_once_per_refresh(monkeypatch):
    reads = []
    monkeypatch.setattr(Stock, "get_metrics",
                        lambda self, t, m: reads.append(1) or {"n": len(reads)})
    monkeypatch.setattr(Stock, "on_train_batch_end",
                        lambda self, t, m, o, b, i: self.get_metrics(t, m))
    bar = RichProgressBar(refresh_rate=10)
    for batch_idx in range(30):
        bar.on_train_batch_end(None, None, None, None, batch_idx)
    assert len(reads) == 4  # the first batch, then every 10th
    assert bar.get_metrics(None, None) == {"n": 5}  # outside a training batch: always fresh
