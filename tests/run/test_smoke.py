"""Smoke runs (cut short to check a composition) are marked in their record."""

from __future__ import annotations

import pytest
from conftest import QUICK, compose_train

from zoo.run.record import RunRecord
from zoo.run.train import train_and_test

TINY = ["data.n_train=64", "data.n_val=32", "data.n_test=32", "data.T=10"]


@pytest.mark.parametrize("overrides, reason", [
    (["trainer.fast_dev_run=true"], "trainer.fast_dev_run=True"),
    (["trainer.limit_train_batches=1"], "trainer.limit_train_batches=1"),
    (["trainer.max_steps=1"], "trainer.max_steps=1"),
    (["trainer.max_epochs=-1", "trainer.max_steps=2"], None),  # a step budget, not a cut
    ([], None),
])
def test_smoke_runs_are_marked(tmp_path, overrides, reason):
    cfg = compose_train(QUICK + TINY + ["trainer.max_epochs=2", *overrides], tmp_path)
    record = RunRecord()
    train_and_test(cfg, tmp_path, record)
    assert record.smoke is (reason is not None)
    assert record.smoke_reason == reason
