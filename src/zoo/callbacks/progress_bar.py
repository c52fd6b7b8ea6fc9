"""Lightning's rich progress bar, reading the logged step metrics only when it redraws.

Reading them turns each into a Python number: on a GPU a host sync at every training step,
where the stock bar reads them after every batch whatever its `refresh_rate`.
"""

from __future__ import annotations

from pytorch_lightning.callbacks import RichProgressBar as LightningRichProgressBar


class RichProgressBar(LightningRichProgressBar):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._stale, self._last = False, None

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx) -> None:
        self._stale = self._last is not None and (batch_idx + 1) % max(self.refresh_rate, 1) != 0
        super().on_train_batch_end(trainer, pl_module, outputs, batch, batch_idx)
        self._stale = False

    def get_metrics(self, trainer, pl_module) -> dict:
        if not self._stale:
            self._last = super().get_metrics(trainer, pl_module)
        return self._last
