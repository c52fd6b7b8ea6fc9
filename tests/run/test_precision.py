"""`trainer.precision` and `matmul_precision` (zoo.run.precision): refused in one sentence
where they would not do what they say, and what `matmul_precision` sets in torch."""

from __future__ import annotations

import pytest
import torch
from conftest import compose_train

from zoo.errors import ZooError
from zoo.run.precision import set_matmul_precision
from zoo.run.validate import validate


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["trainer.precision=16-mixed"], "fp16 autocast, which runs on CUDA only"),
        (["matmul_precision=high"], "changes only CUDA's float32 matmuls"),
        (
            ["trainer=gpu_bf16", "trainer.accelerator=cpu", "matmul_precision=medium"],
            "matmul_precision=medium changes only CUDA's",
        ),
    ],
)
def test_precisions_that_mean_nothing_on_the_cpu_are_refused(tmp_path, overrides, message):
    cfg = compose_train(["trainer.accelerator=cpu", *overrides], tmp_path)
    with pytest.raises(ZooError, match=message):
        validate(cfg)


def test_bf16_mixed_and_the_defaults_pass_on_the_cpu(tmp_path):
    for overrides in (["trainer.precision=bf16-mixed"], []):
        cfg = compose_train(["trainer.accelerator=cpu", *overrides], tmp_path)
        validate(cfg)
        assert cfg.matmul_precision == "highest"


def test_gpu_presets_compose_to_their_precision(tmp_path):
    assert compose_train(["trainer=gpu"], tmp_path).trainer.precision == "32-true"
    assert compose_train(["trainer=gpu_bf16"], tmp_path).trainer.precision == "bf16-mixed"


@pytest.fixture
def restored_precision():
    before = torch.get_float32_matmul_precision(), torch.backends.cudnn.allow_tf32
    yield
    torch.set_float32_matmul_precision(before[0])
    torch.backends.cudnn.allow_tf32 = before[1]


def test_matmul_precision_sets_cublas_and_cudnn_together(restored_precision):
    set_matmul_precision("high")
    assert torch.get_float32_matmul_precision() == "high" and torch.backends.cudnn.allow_tf32
    set_matmul_precision("highest")
    assert torch.get_float32_matmul_precision() == "highest"
    assert not torch.backends.cudnn.allow_tf32  # torch's default lets cuDNN's RNNs use TF32
