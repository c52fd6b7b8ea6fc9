"""Whole runs on CUDA (`pytest -m gpu`): a run killed and resumed on the GPU ends with the
uninterrupted run's metrics (dropout draws from the CUDA generators, whose states the
checkpoint keeps); two GPUs under DDP match one; and a GPU-trained run is read back by
zoo-eval, zoo-predict and zoo-sample on a machine without CUDA (CUDA_VISIBLE_DEVICES="")."""

from __future__ import annotations

import json
import subprocess

import pytest
import torch
from conftest import cli, cli_env, needs_cuda, read_metrics, run_cli, train_quick
from test_ddp import RUN as DDP_RUN
from test_ddp import TOLERANCE as DDP_TOLERANCE
from test_resume import KILLED, _csv_rows, _train_and_kill

from zoo.inference.prediction import predict
from zoo.inference.sampling import sample_texts
from zoo.run.checkpoints import load_run

pytestmark = needs_cuda

# dropout in the head draws its masks from the CUDA generator, which the checkpoint keeps.
# (Dropout between the layers of a fused cuDNN RNN, cell.dropout, would not do: cuDNN keeps its
# own dropout state, seeded once per process, which no checkpoint holds; docs/RELIABILITY.md.)
# With trainer.deterministic=true (cuDNN's deterministic algorithms) the resume must be exact.
ON_GPU = [
    "trainer=gpu",
    "topology.head.units=[8]",
    "topology.head.dropout=0.3",
    "trainer.deterministic=true",
]


@pytest.fixture(scope="module")
def uninterrupted_on_gpu(tmp_path_factory):
    root = tmp_path_factory.mktemp("uninterrupted_gpu")
    run_cli("zoo-train", *KILLED, *ON_GPU, f"hydra.run.dir={root / 'run'}", cwd=root)
    return root / "run"


@pytest.mark.parametrize(("after_saves", "into_next_epoch"), [(2, 0.0), (3, 0.5)])
def test_a_run_killed_on_cuda_resumes_to_the_uninterrupted_metrics(
    uninterrupted_on_gpu, tmp_path, after_saves, into_next_epoch
):
    run = tmp_path / "run"
    _train_and_kill(run, after_saves, into_next_epoch, ON_GPU)
    run_cli("zoo-train", f"ckpt_path={run}", cwd=tmp_path)
    assert read_metrics(run)["status"] == "ok"
    assert read_metrics(run)["metrics"] == read_metrics(uninterrupted_on_gpu)["metrics"]
    assert _csv_rows(run) == _csv_rows(uninterrupted_on_gpu)


@pytest.mark.skipif(torch.cuda.device_count() < 2, reason="needs 2 CUDA devices")
def test_two_gpus_under_ddp_match_one(tmp_path):
    ddp, single = tmp_path / "ddp", tmp_path / "single"
    run_cli(
        "zoo-train",
        *DDP_RUN,
        "trainer=ddp",
        "trainer.accelerator=gpu",
        "data.batch_size=32",
        f"hydra.run.dir={ddp}",
        cwd=tmp_path,
    )
    run_cli(
        "zoo-train",
        *DDP_RUN,
        "trainer=gpu",
        "data.batch_size=64",
        f"hydra.run.dir={single}",
        cwd=tmp_path,
    )
    two, one = read_metrics(ddp), read_metrics(single)
    assert two["status"] == one["status"] == "ok"
    for name in ("val/mse", "test/mse"):
        assert two["metrics"][name] == pytest.approx(one["metrics"][name], rel=DDP_TOLERANCE)


TINY = ["cell.hidden_size=8", "trainer.max_epochs=2", "trainer.enable_progress_bar=false"]


@pytest.fixture(scope="module")
def trained_on_gpu(tmp_path_factory):
    root = tmp_path_factory.mktemp("gpu_runs")
    runs = {
        "regressor": [
            "data=adding",
            "data.T=5",
            "data.n_train=64",
            "data.n_val=16",
            "data.n_test=16",
        ],
        "seq2seq": [
            "data=addition",
            "data.digits=2",
            "data.n_train=64",
            "data.n_val=16",
            "data.n_test=16",
            "topology=seq2seq",
            "topology.embedding_dim=8",
        ],
    }
    for name, overrides in runs.items():
        run_cli(
            "zoo-train", *TINY, *overrides, "trainer=gpu", f"hydra.run.dir={root / name}", cwd=root
        )
        runs[name] = root / name
    return runs


def without_cuda(command: str, *args: str, cwd):
    """`command` run as on a machine without CUDA."""
    return subprocess.run(
        [cli(command), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env=dict(cli_env(), CUDA_VISIBLE_DEVICES=""),
        check=True,
    )


def test_a_gpu_trained_run_is_evaluated_and_used_on_a_cpu(trained_on_gpu, tmp_path):
    regressor, seq2seq = trained_on_gpu["regressor"], trained_on_gpu["seq2seq"]
    without_cuda("zoo-eval", f"ckpt_path={regressor}", cwd=tmp_path)
    record = json.loads((regressor / "eval_metrics_test.json").read_text())
    # the CPU's float32 against the GPU's (TF32 off): summation order only
    assert record["metrics"]["test/mse"] == pytest.approx(
        read_metrics(regressor)["metrics"]["test/mse"], rel=1e-4
    )
    proc = without_cuda(
        "zoo-predict",
        f"ckpt_path={regressor}",
        "input=0.5,1,0.2,0,0.9,1",
        "format=json",
        cwd=tmp_path,
    )
    value = json.loads(proc.stdout.splitlines()[0])["value"]
    expected = predict(load_run(regressor).task, ["0.5,1,0.2,0,0.9,1"])[0]["value"]
    assert value == pytest.approx(expected, rel=1e-4)
    proc = without_cuda("zoo-sample", f"ckpt_path={seq2seq}", "prompt=12+7", "n=1", cwd=tmp_path)
    assert proc.stdout.splitlines() == sample_texts(load_run(seq2seq).task, prompt="12+7", n=1)


@pytest.mark.parametrize("precision", [["trainer=gpu_bf16"], ["matmul_precision=high"]])
def test_the_gpu_precision_presets_train_end_to_end_as_float32_does(precision, tmp_path):
    """Through Lightning's precision plugin: the test MSE follows the float32 run's (on a
    CPU, bf16-mixed against 32-true on these settings: 0.278 against 0.280)."""
    overrides = [
        "data=adding",
        "data.T=10",
        "data.n_train=256",
        "data.n_val=64",
        "data.n_test=64",
        "trainer.max_epochs=3",
        "trainer=gpu",
    ]
    fp32, _ = train_quick(overrides, tmp_path / "fp32")
    found, _ = train_quick([*overrides, *precision], tmp_path / "other")
    assert found["test/mse"] == pytest.approx(fp32["test/mse"], rel=5e-2)
