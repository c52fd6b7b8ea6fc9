"""Values that cannot train are one sentence before training starts (zoo.run.validate), not a
Lightning or torch traceback, or an endless run."""

from __future__ import annotations

import pytest
from conftest import compose_train

from zoo.errors import ZooError
from zoo.run.validate import validate


@pytest.mark.parametrize("overrides, message", [
    (["trainer.max_epochs=-1"], "trainer.max_epochs=-1 trains forever"),
    (["trainer.max_epochs=0"], "trainer.max_epochs=0 trains nothing"),
    (["optimizer.lr=-1"], r"optimizer.lr=-1(\.0)? must be positive"),
    (["optimizer.lr=0"], r"optimizer.lr=0(\.0)? must be positive"),
    (["data.batch_size=0"], "data.batch_size"),
    (["data.n_train=0"], "data.n_train"),
])
def test_values_that_cannot_train_are_refused_before_training(tmp_path, overrides, message):
    cfg = compose_train(overrides, tmp_path)
    with pytest.raises(ZooError, match=message) as error:
        validate(cfg)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("overrides", [
    ["trainer.max_epochs=-1", "trainer.max_steps=10"],
    ["trainer.max_epochs=-1",
     "+callbacks.early_stopping._target_=pytorch_lightning.callbacks.EarlyStopping",
     "+callbacks.early_stopping.monitor=val/loss"],
])
def test_no_epoch_limit_is_fine_when_something_else_ends_the_run(tmp_path, overrides):
    validate(compose_train(overrides, tmp_path))
