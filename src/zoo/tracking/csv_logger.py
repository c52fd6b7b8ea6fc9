"""A CSV logger that keeps what an earlier session of the same run wrote.

Lightning's CSVLogger deletes an existing `metrics.csv` when it starts; a resumed run
(`zoo-train ckpt_path=RUN`) writes into the same folder, so its rows are appended instead.
A resumed run trains the epoch it was interrupted in again, so a row it logs again (the same
epoch, step and metrics) replaces the earlier session's: no (epoch, step) row is doubled.

The evaluations after training (`zoo.run.train.train_and_test` validates and tests the best
checkpoint) are no training epoch: their rows have no epoch or step and carry `after_training=1`.
"""

from __future__ import annotations

import csv
import io

from pytorch_lightning.loggers import CSVLogger
from pytorch_lightning.loggers.csv_logs import ExperimentWriter
from pytorch_lightning.loggers.logger import rank_zero_experiment

from zoo.atomic_file import write_atomically

PLACE = ("epoch", "step")
AFTER_TRAINING = "after_training"  # the column that marks the evaluations after training


def _whole(value) -> str:
    return "" if value in (None, "") else str(int(float(value)))


def row_key(row: dict) -> tuple:
    """Where a row was logged and what it holds: (epoch, step, its metrics' names)."""
    names = frozenset(k for k, v in row.items() if k not in PLACE and v not in (None, ""))
    return _whole(row.get("epoch")), _whole(row.get("step")), names


class _AppendingWriter(ExperimentWriter):
    after_training = False

    def log_metrics(self, metrics_dict: dict, step: int | None = None) -> None:
        super().log_metrics(metrics_dict, step)
        if self.after_training:  # Lightning gives the epoch and step that training ended at
            self.metrics[-1].update({"epoch": None, "step": None, AFTER_TRAINING: 1})

    def _check_log_dir_exists(self) -> None:  # called by the writer's constructor
        self._earlier: set[tuple] = set()  # the row keys of earlier sessions
        if self._fs.isfile(self.metrics_file_path):
            rows, self.metrics_keys = self._read()
            self._earlier = {row_key(row) for row in rows}

    def save(self) -> None:
        again = {row_key(row) for row in self.metrics} & self._earlier
        if again:
            self._earlier -= again
            rows, keys = self._read()
            self._rewrite([row for row in rows if row_key(row) not in again], keys)
        super().save()

    def _read(self) -> tuple[list[dict], list[str]]:
        with self._fs.open(self.metrics_file_path, "r", newline="") as file:
            reader = csv.DictReader(file)
            return list(reader), sorted(reader.fieldnames or [])

    def _rewrite(self, rows: list[dict], keys: list[str]) -> None:
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=keys)
        writer.writeheader()
        writer.writerows(rows)
        write_atomically(self.metrics_file_path, text.getvalue().encode())


class ResumableCSVLogger(CSVLogger):
    @property
    @rank_zero_experiment
    def experiment(self) -> ExperimentWriter:
        if self._experiment is None:
            self._fs.makedirs(self.root_dir, exist_ok=True)
            self._experiment = _AppendingWriter(log_dir=self.log_dir)
        return self._experiment

    def after_training(self) -> None:
        """Mark the rows logged from now on as evaluations after training."""
        self.experiment.after_training = True
