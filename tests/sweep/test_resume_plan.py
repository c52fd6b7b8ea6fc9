"""What a resumed sweep makes of each job folder, and the answer a skipped job gives its
sweeper: only a finished run answers with its objective."""

from __future__ import annotations

import math

import pytest
from conftest import write_run

from zoo.sweep.resume import action, recorded_return


@pytest.mark.parametrize(("status", "checkpoint", "expected"), [
    ("ok", False, "skipped"),
    ("pruned", False, "skipped"),
    ("failed", True, "rerun"),
    ("interrupted", True, "continued"),
    ("interrupted", False, "rerun"),  # stopped before its first checkpoint: afresh
])
def test_each_earlier_job_gets_its_action(tmp_path, status, checkpoint, expected):
    job = write_run(tmp_path / "0", status=status, metrics={"val/loss": 0.5})
    if checkpoint:
        (job / "checkpoints").mkdir()
        (job / "checkpoints" / "last.ckpt").write_bytes(b"")
    assert action(job) == expected


def test_a_started_job_without_a_record_is_continued_only_from_a_checkpoint(tmp_path):
    (tmp_path / "0" / ".hydra").mkdir(parents=True)
    assert action(tmp_path / "0") == "rerun"
    (tmp_path / "0" / "checkpoints").mkdir()
    (tmp_path / "0" / "checkpoints" / "last.ckpt").write_bytes(b"")
    assert action(tmp_path / "0") == "continued"
    assert action(tmp_path / "1") == "new"


def test_only_a_finished_run_answers_with_its_objective(tmp_path):
    ok = write_run(tmp_path / "0", metrics={"val/loss": 0.25}, optimized_metric="val/loss")
    cut = write_run(tmp_path / "1", status="interrupted", metrics={"val/loss": 0.1},
                    optimized_metric="val/loss")  # the metrics it had when it was stopped
    assert recorded_return(["seed=0"], ok).return_value == 0.25
    assert math.isnan(recorded_return(["seed=1"], cut).return_value)
