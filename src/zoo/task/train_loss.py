"""When the training loss is logged: only where something reads it, since `self.log` costs
about as much as a small model's step. This reads Lightning's own counters and the progress
bar's redraw rate (pinned by tests/task/test_train_loss_logging.py)."""

from __future__ import annotations

import torch


class TrainLoss:
    """The training loss summed over the batches since it was last logged, on the device (no
    host sync), and the rule for when it is read. Each value taken is the mean over those
    batches, weighted by their examples, so the epoch mean stays exact. One per epoch."""

    def __init__(self, trainer=None):
        self.total, self.count = None, 0
        # batches between the progress bar's redraws (0: it reads the epoch's mean only)
        bar = trainer.progress_bar_callback if trainer is not None else None
        self.redraw = int(getattr(bar, "refresh_rate", 0))

    def add(self, loss: torch.Tensor, n: int) -> None:
        weighted = loss.detach().float() * n  # as Lightning sums logged values: in float32
        self.total = weighted if self.total is None else self.total + weighted
        self.count += n

    def due(self, trainer, batch_idx: int) -> tuple[torch.Tensor, int] | None:
        """(mean, examples) since the last value taken, when something reads the loss after
        batch `batch_idx`; else None."""
        if not self.count or not self._read_now(trainer, batch_idx + 1):
            return None
        mean, count = self.total / self.count, self.count
        self.total, self.count = None, 0
        return mean, count

    def _read_now(self, trainer, batch: int) -> bool:
        """A logger write (Lightning's rule: every `log_every_n_steps` batches that stepped,
        or any batch once training should stop), a live progress bar's redraw (every
        `refresh_rate` batches; the plain per-epoch lines read only the epoch's mean), or
        the epoch's (or the run's) last batch."""
        stepped = trainer.fit_loop.epoch_loop._batches_that_stepped + 1  # as Lightning counts
        every = trainer.log_every_n_steps
        return (trainer.is_last_batch or batch >= trainer.num_training_batches
                or trainer.should_stop or (every and stepped % every == 0)
                or (self.redraw and batch % self.redraw == 0)
                or 0 <= trainer.max_steps <= trainer.global_step + 1)
