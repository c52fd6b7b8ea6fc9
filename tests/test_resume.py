"""Resuming: `zoo-train ckpt_path=RUN` continues RUN in its own folder with its own overrides;
the CSV logger appends, wandb continues the same run."""

from __future__ import annotations

import csv

import pytest
import torch
from conftest import read_metrics, run_cli

from zoo.errors import ZooError
from zoo.resume import resume_args

SMALL = [
    "data.T=6",
    "data.n_train=32",
    "data.n_val=16",
    "data.n_test=16",
    "cell.hidden_size=8",
    "~callbacks.progress_bar",
    "~callbacks.model_summary",
]


@pytest.fixture
def run_folder(tmp_path):
    run = tmp_path / "run"
    (run / ".hydra").mkdir(parents=True)
    (run / ".hydra" / "overrides.yaml").write_text("- cell=gru\n- trainer.max_epochs=1\n")
    (run / "checkpoints").mkdir()
    (run / "checkpoints" / "last.ckpt").write_bytes(b"")
    return run


def test_a_run_folder_is_continued_with_its_own_overrides(run_folder):
    last, run = run_folder.resolve() / "checkpoints" / "last.ckpt", run_folder.resolve()
    tail = [f"ckpt_path={last}", f"hydra.run.dir={run}"]
    assert resume_args([f"ckpt_path={run_folder}", "trainer.max_epochs=3"]) == [
        "cell=gru",
        "trainer.max_epochs=3",
        *tail,
    ]  # later overrides win
    assert resume_args([f"hydra.run.dir={run_folder}", "ckpt_path=last"]) == [
        "cell=gru",
        "trainer.max_epochs=1",
        *tail,
    ]


def test_what_resumes_nothing_is_left_alone(run_folder):
    for args in (
        ["cell=rnn"],
        [f"ckpt_path={run_folder}/checkpoints/last.ckpt"],
        ["-m", f"ckpt_path={run_folder}", "seed=0,1"],
    ):
        assert resume_args(args) == args


def test_what_cannot_be_resumed_says_why(run_folder):
    with pytest.raises(ZooError, match="ckpt_path=last needs the run to continue"):
        resume_args(["ckpt_path=last"])
    with pytest.raises(ZooError, match="is not a zoo-train run folder"):
        resume_args([f"ckpt_path={run_folder / 'checkpoints'}"])
    (run_folder / "checkpoints" / "last.ckpt").unlink()
    with pytest.raises(ZooError, match="has no checkpoints/last.ckpt to continue from"):
        resume_args([f"ckpt_path={run_folder}"])


def test_zoo_train_continues_a_run_in_its_folder_and_logger_runs(tmp_path):
    run = tmp_path / "run"
    run_cli(
        "zoo-train",
        *SMALL,
        "trainer.max_epochs=1",
        "logger=[csv,wandb]",
        f"hydra.run.dir={run}",
        cwd=tmp_path,
    )
    run_cli("zoo-train", f"ckpt_path={run}", "trainer.max_epochs=2", cwd=tmp_path)
    assert not (tmp_path / "outputs").exists()
    assert read_metrics(run)["status"] == "ok" and "data.T=6" in read_metrics(run)["overrides"]
    assert torch.load(run / "checkpoints" / "last.ckpt", weights_only=True)["epoch"] == 1
    with (run / "csv" / "metrics.csv").open() as file:
        epochs = [r["epoch"] for r in csv.DictReader(file) if r["train/loss_epoch"]]
    assert epochs == ["0", "1"]  # the first session's rows are kept
    run_id = (run / "wandb" / "run_id").read_text().strip()
    sessions = sorted((run / "wandb").glob("offline-run-*"))
    assert len(sessions) == 2 and all(s.name.endswith(f"-{run_id}") for s in sessions)
