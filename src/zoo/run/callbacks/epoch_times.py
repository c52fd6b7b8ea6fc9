"""Seconds of each training epoch (its training steps and the validation that ends it), for
metrics.json's `epoch_s`: what a paper's "time per epoch" reads.

Kept in every checkpoint, with the run's wall-clock seconds up to it, so a resumed run's
record holds every epoch's seconds and the whole run's `wall_s` (zoo.run.entry), however
often it was stopped and resumed. Work done after the last checkpoint of a killed session is
done again after the resume, and counted once, there.
"""

from __future__ import annotations

import time

import pytorch_lightning as pl


class EpochTimes(pl.Callback):
    def __init__(self):
        self.seconds: list[float] = []  # one per epoch, by epoch number
        self.earlier_wall_s = 0.0  # the run's seconds before the checkpoint it resumed from
        self._session = time.monotonic()
        self._start: float | None = None  # the running epoch's start

    def on_train_start(self, trainer, pl_module) -> None:
        """Resumed from a checkpoint saved inside an epoch, Lightning skips that epoch's
        start hook: the epoch starts here."""
        self.on_train_epoch_start(trainer, pl_module)

    def on_train_epoch_start(self, trainer, pl_module) -> None:
        epoch = trainer.current_epoch
        # resumed from a checkpoint inside this epoch: its seconds so far carry on
        carried = self.seconds[epoch] if len(self.seconds) > epoch else 0.0
        del self.seconds[epoch:]
        self._start = time.monotonic() - carried

    def on_train_epoch_end(self, trainer, pl_module) -> None:
        self.seconds.append(round(time.monotonic() - self._start, 3))
        self._start = None

    def state_dict(self) -> dict:
        """Saved with a checkpoint; one written after the epoch's validation (before this
        epoch's `on_train_epoch_end`) counts the epoch's seconds so far."""
        running = [] if self._start is None else [round(time.monotonic() - self._start, 3)]
        wall = self.earlier_wall_s + time.monotonic() - self._session
        return {"epoch_s": self.seconds + running, "wall_s": round(wall, 3)}

    def load_state_dict(self, state_dict: dict) -> None:
        self.seconds = [float(s) for s in state_dict["epoch_s"]]
        self.earlier_wall_s = float(state_dict["wall_s"])
