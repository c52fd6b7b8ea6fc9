"""zoo-eval: a trained run's checkpoint, evaluated from the run's own config, scores what the
run itself recorded; checkpoints carry their config; damaged ones are one clear sentence."""

from __future__ import annotations

import json
import shutil
import sys

import pytest
import torch
from conftest import read_metrics, run_cli, train_quick
from omegaconf import OmegaConf

from zoo.cli import eval as eval_cli
from zoo.errors import ZooError
from zoo.run.checkpoints import CONFIG_KEY, load_run
from zoo.run.evaluate import evaluate

SMALL = [
    "data.T=8",
    "data.n_train=64",
    "data.n_val=32",
    "data.n_test=32",
    "cell.hidden_size=16",
    "trainer.max_epochs=2",
    "trainer.enable_progress_bar=false",
    "~callbacks.progress_bar",
    "~callbacks.model_summary",
]
PAIRS = [
    ("I am cold.", "J'ai froid."),
    ("I am tired.", "Je suis fatigue."),
    ("He is tall.", "Il est grand."),
    ("We are late.", "Nous sommes en retard."),
]


def _split(metrics: dict, split: str) -> dict:
    return {k: v for k, v in metrics.items() if k.startswith(f"{split}/")}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A run made by zoo-train, evaluated once by zoo-eval."""
    root = tmp_path_factory.mktemp("eval")
    run_cli("zoo-train", *SMALL, f"hydra.run.dir={root / 'run'}", cwd=root)
    return root / "run"


def test_zoo_eval_equals_the_runs_own_test_metrics(run, tmp_path):
    best = next((run / "checkpoints").glob("best-*.ckpt"))
    proc = run_cli("zoo-eval", f"ckpt_path={best}", cwd=tmp_path)
    record = json.loads((run / "eval_metrics_test.json").read_text())
    expected = _split(read_metrics(run)["metrics"], "test")
    assert record["split"] == "test" and set(record["metrics"]) == set(expected)
    assert record["metrics"] == pytest.approx(expected, abs=1e-6)
    assert f"test/mse\t{record['metrics']['test/mse']}" in proc.stdout


def test_a_gpu_trained_run_is_evaluated_on_the_cpu_of_a_machine_without_cuda(
    run, tmp_path, monkeypatch
):
    """Its saved `trainer.accelerator=gpu` finds no CUDA here: the evaluation runs on the CPU
    (tests/run/test_cuda_runs.py does it with a run really trained on a GPU)."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    copy = tmp_path / "run"
    shutil.copytree(run, copy)
    saved = copy / ".hydra" / "config.yaml"
    cfg = OmegaConf.load(saved)
    cfg.trainer.accelerator, cfg.matmul_precision = "gpu", "high"  # trained in TF32
    OmegaConf.save(cfg, saved)
    monkeypatch.setattr(torch.backends.cudnn, "allow_tf32", torch.backends.cudnn.allow_tf32)
    try:
        metrics, _ = evaluate(copy, split="val")
        assert torch.get_float32_matmul_precision() == "high"  # evaluated as it trained
        assert torch.backends.cudnn.allow_tf32
    finally:
        torch.set_float32_matmul_precision("highest")
    assert metrics == pytest.approx(_split(read_metrics(run)["metrics"], "val"), abs=1e-6)


def test_a_run_folder_evaluates_its_best_checkpoint_on_val(run):
    metrics, path = evaluate(run, split="val")
    assert path == run / "eval_metrics_val.json"
    assert metrics == pytest.approx(_split(read_metrics(run)["metrics"], "val"), abs=1e-6)


def test_the_last_validation_serves_when_the_best_checkpoint_is_the_last_epoch(run, tmp_path):
    """The fixture's best checkpoint is its last epoch: its val metrics were not computed a
    second time, and evaluating that checkpoint gives them (previous test). Where the best is
    an earlier epoch, the val metrics come from a pass over it."""
    assert read_metrics(run)["val_is_last_validation"] is True
    worst = tmp_path / "worst"  # best checkpoints every second epoch: epoch 1's, not 2's
    run_cli(
        "zoo-train",
        *SMALL,
        "trainer.max_epochs=3",
        "+callbacks.model_checkpoint.every_n_epochs=2",
        f"hydra.run.dir={worst}",
        cwd=tmp_path,
    )
    record = read_metrics(worst)
    assert "val_is_last_validation" not in record
    assert next((worst / "checkpoints").glob("best-*.ckpt")).name == "best-epoch001.ckpt"
    metrics, _ = evaluate(worst, split="val")
    assert metrics == pytest.approx(_split(record["metrics"], "val"), abs=1e-6)


def test_a_moved_copy_evaluates_in_place_and_takes_overrides(run, tmp_path):
    moved = tmp_path / "moved"
    shutil.copytree(run, moved)
    metrics, path = evaluate(moved)
    assert path == moved / "eval_metrics_test.json"
    assert metrics == pytest.approx(_split(read_metrics(run)["metrics"], "test"), abs=1e-6)
    fewer, _ = evaluate(moved, overrides=["data.n_test=8"])
    assert fewer["test/mse"] != metrics["test/mse"]
    assert json.loads(path.read_text())["overrides"] == ["data.n_test=8"]
    with pytest.raises(ZooError, match="data.n_tset is not a key of the run's config"):
        evaluate(moved, overrides=["data.n_tset=8"])


def test_a_checkpoint_carries_the_runs_config_and_evaluates_on_its_own(tmp_path):
    """A generative run trained in-process (no .hydra folder): the config comes from the
    checkpoint, and greedy exact-match is scored the same."""
    (tmp_path / "fra.txt").write_text("\n".join(f"{e}\t{f}" for e, f in PAIRS * 5) + "\n")
    overrides = [
        "data=eng_fra",
        f"data.root={tmp_path / 'fra.txt'}",
        "data.prefixes=null",
        "topology=seq2seq",
        "trainer.max_epochs=1",
        "cell.hidden_size=16",
    ]
    trained, _ = train_quick(overrides, tmp_path / "run")
    ckpt = next((tmp_path / "run" / "checkpoints").glob("best-*.ckpt"))
    saved = torch.load(ckpt, weights_only=True)[CONFIG_KEY]
    assert saved["data"]["root"] == str(tmp_path / "fra.txt") and saved["topology"]["name"]
    lone = tmp_path / "lone.ckpt"  # outside any run folder
    shutil.copy(ckpt, lone)
    metrics, path = evaluate(lone)
    assert path == tmp_path / "eval_metrics_test.json"
    assert "test/exact_match" in metrics
    assert metrics == pytest.approx(_split(trained, "test"), abs=1e-6)


def test_a_damaged_checkpoint_is_one_sentence(run, tmp_path, monkeypatch, capsys):
    data = (run / "checkpoints" / "last.ckpt").read_bytes()
    (tmp_path / "broken.ckpt").write_bytes(data[: len(data) // 2])
    monkeypatch.setattr(sys, "argv", ["zoo-eval", f"ckpt_path={tmp_path / 'broken.ckpt'}"])
    with pytest.raises(SystemExit) as exit_:
        eval_cli.main()
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and len(err.splitlines()) == 1
    assert "broken.ckpt cannot be read as a checkpoint: it is damaged or incomplete" in err
    with pytest.raises(ZooError, match="not a zoo checkpoint"):
        torch.save({"state_dict": {}}, tmp_path / "foreign.ckpt")
        load_run(tmp_path / "foreign.ckpt")
