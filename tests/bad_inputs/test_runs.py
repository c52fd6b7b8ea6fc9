"""Nothing overwrites or mixes a finished run, and a resume continues the run it names: the
API refuses a used output_dir as zoo-train does; a second sweep command into a sweep's folder,
a second Optuna study into a study's folder, and a second zoo-train in a running run's folder
are refused in one sentence; a resume that changes the model or the data is refused (it is a
new run); a copied or moved run folder resumes its own checkpoints; a resumed run's record
keeps every epoch's seconds and the whole run's wall_s."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from conftest import read_metrics, run_cli
from omegaconf import OmegaConf

import zoo
from zoo.errors import ZooError
from zoo.run.callbacks.epoch_times import EpochTimes
from zoo.run.lock import LOCK, run_lock
from zoo.run.resume import resume_args
from zoo.sweep.folder import refuse_another_sweep

from .conftest import says

TINY = ["data.T=6", "data.n_train=32", "data.n_val=16", "data.n_test=16", "cell.hidden_size=8",
        "logger=none", "trainer.enable_progress_bar=false", "~callbacks.progress_bar",
        "~callbacks.model_summary"]
RECORD = '{"status": "ok", "metrics": {"test/mse": 0.5}}\n'


@pytest.fixture
def finished(tmp_path) -> Path:
    """A folder holding a finished run's record (nothing here trains)."""
    run = tmp_path / "finished"
    run.mkdir()
    (run / "metrics.json").write_text(RECORD)
    return run


# -- a finished run is never overwritten --------------------------------------------------------

def test_the_api_refuses_a_folder_holding_a_finished_run(finished):
    cfg = zoo.compose(*TINY, "trainer.max_epochs=1")
    with pytest.raises(ZooError) as refused:
        zoo.train(cfg, output_dir=finished)
    says(str(refused.value), f"{finished} already holds a run", "continue it with zoo-train "
         f"ckpt_path={finished}", "give output_dir another folder")
    assert (finished / "metrics.json").read_text() == RECORD
    assert sorted(p.name for p in finished.iterdir()) == [LOCK, "metrics.json"]  # no .hydra/


def test_a_checkpoint_from_elsewhere_is_not_continued_into_a_finished_run(refusal, finished,
                                                                         tmp_path):
    other = tmp_path / "other.ckpt"
    other.write_bytes(b"PK\x03\x04")
    sentence = refusal("zoo-train", f"ckpt_path={other}", f"hydra.run.dir={finished}")
    says(sentence, "already holds a run", "give hydra.run.dir another folder")
    assert (finished / "metrics.json").read_text() == RECORD


def _sweep(folder: Path, *task: str) -> Path:
    """A finished sweep of `zoo-train -m TASK...`: its multirun.yaml and two job records."""
    folder.mkdir()
    OmegaConf.save(OmegaConf.create({"hydra": {"overrides": {"task": list(task)}}}),
                   folder / "multirun.yaml")
    for job in ("0", "1"):
        (folder / job).mkdir()
        (folder / job / "metrics.json").write_text(RECORD)
    return folder


@pytest.mark.parametrize(("command", "pattern"), [
    (["-m", "seed=2,3"], r"holds the sweep of another command \(seed=0,1\); rerun that "
                         r"command to resume it, or give hydra.sweep.dir another folder"),
    (["-m", "seed=0,1", "cell=gru"], r"holds the sweep of another command \(seed=0,1\)"),
    (["-m", "seed=0"], r"holds the sweep of another command"),
])
def test_another_command_into_a_sweep_folder_is_refused_before_any_job(
        refusal, tmp_path, command, pattern):
    sweep = _sweep(tmp_path / "sweep", "seed=0,1")
    says(refusal("zoo-train", *command, *TINY, f"hydra.sweep.dir={sweep}"), pattern)
    assert [(sweep / j / "metrics.json").read_text() for j in "01"] == [RECORD, RECORD]
    assert sorted(p.name for p in sweep.iterdir()) == ["0", "1", "multirun.yaml"]


def test_the_same_sweep_command_is_not_refused(tmp_path):
    """Re-running a sweep's own command is how it resumes (in any order of its overrides)."""
    sweep = _sweep(tmp_path / "sweep", "seed=0,1", "cell=gru")
    refuse_another_sweep(["-m", "cell=gru", "seed=0,1", f"hydra.sweep.dir={sweep}",
                          "hydra/launcher=joblib"])


def test_runs_that_no_sweep_recorded_are_not_swept_over(refusal, finished):
    sentence = refusal("zoo-train", "-m", "seed=0,1", f"hydra.sweep.dir={finished.parent}")
    says(sentence, "already holds runs that no sweep recorded there")


def test_a_second_optuna_study_in_a_studys_folder_is_refused(refusal, tmp_path):
    optuna = pytest.importorskip("optuna")
    sweep = tmp_path / "study"
    sweep.mkdir()
    optuna.create_study(storage=f"sqlite:///{sweep / 'optuna.db'}", study_name="first")
    (sweep / "0").mkdir()
    (sweep / "0" / "metrics.json").write_text(RECORD)
    sentence = refusal("zoo-train", "hparams_search=optuna", *TINY,
                       "hydra.sweeper.study_name=second", f"hydra.sweep.dir={sweep}")
    says(sentence, "holds the Optuna study 'first'", "a study 'second' there would overwrite",
         "give hydra.sweep.dir another folder")
    assert (sweep / "0" / "metrics.json").read_text() == RECORD


# -- one zoo-train at a time in a run folder ---------------------------------------------------

def test_a_second_zoo_train_in_a_running_folder_is_refused(refusal, tmp_path):
    run = tmp_path / "run"
    with run_lock(run):  # the first zoo-train, still running
        sentence = refusal("zoo-train", *TINY, f"hydra.run.dir={run}")
        says(sentence, f"another zoo-train is running in {run}", "give hydra.run.dir another")
        assert sorted(p.name for p in run.iterdir()) == [LOCK]  # nothing of the second
    with run_lock(run):  # released when the first one ends
        pass


def test_the_lock_is_released_on_any_exit_and_stale_after_a_kill(refusal, tmp_path):
    run = tmp_path / "run"
    refusal("zoo-train", *TINY, "trainer.max_epochs=0.5", f"hydra.run.dir={run}")  # fails
    assert not run.exists()  # made for the lock alone: removed again
    run.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import os, signal, sys; from pathlib import Path; from zoo.run.lock import run_lock\n"
        f"with run_lock(Path({str(run)!r})):\n"
        "    print('held', flush=True); os.kill(os.getpid(), signal.SIGKILL)")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    assert holder.wait() == -signal.SIGKILL and (run / LOCK).is_file()  # left on disk
    with run_lock(run):  # the killed run's lock is taken over
        pass


# -- a resume continues the same model on the same data ---------------------------------------

@pytest.fixture
def recorded_run(tmp_path) -> Path:
    """A run folder as zoo-train writes it: overrides, config, choices, a last checkpoint."""
    run = tmp_path / "run"
    (run / ".hydra").mkdir(parents=True)
    (run / "checkpoints").mkdir()
    OmegaConf.save(OmegaConf.create(["cell.hidden_size=8", "data.n_train=32",
                                     "trainer.max_epochs=2"]), run / ".hydra" / "overrides.yaml")
    OmegaConf.save(OmegaConf.create({"seed": 0, "cell": {"hidden_size": 8, "layers": 1},
                                     "data": {"n_train": 32, "T": 100, "seed": "${seed}"},
                                     "direction": {"merge": "concat"}}),
                   run / ".hydra" / "config.yaml")
    OmegaConf.save(OmegaConf.create({"hydra": {"runtime": {"choices": {
        "cell": "lstm", "data": "adding", "topology": "many_to_one", "experiment": None}}}}),
        run / ".hydra" / "hydra.yaml")
    torch.save({"hyper_parameters": {"spec": {}}, "state_dict": {}, "global_step": 8},
               run / "checkpoints" / "last.ckpt")
    return run


@pytest.mark.parametrize(("change", "was", "what"), [
    ("cell.hidden_size=32", "cell.hidden_size=8", "model"),
    ("cell=gru", "cell=lstm", "model"),
    ("cell.layers=2", "cell.layers=1", "model"),
    ("topology=many_to_many", "topology=many_to_one", "model"),
    ("data.n_train=512", "data.n_train=32", "data"),
    ("data.T=50", "data.T=100", "data"),
    ("data=xor", "data=adding", "data"),
    ("seed=1", "seed=0", "model and data"),
    ("experiment=mnist_rows_lstm", "experiment=None", "model and data"),
])
def test_a_resume_that_changes_the_model_or_data_is_refused(refusal, recorded_run, change,
                                                           was, what):
    sentence = refusal("zoo-train", f"ckpt_path={recorded_run}", change)
    says(sentence, f"{recorded_run} was trained with {was}", f"{change} changes its {what}",
         "a new run, not a resume", "drop ckpt_path and give hydra.run.dir a new folder")


def test_a_resume_may_restate_the_model_and_change_the_training(recorded_run):
    args = resume_args([f"ckpt_path={recorded_run}", "cell.hidden_size=8", "cell=lstm",
                        "data.T=100", "trainer.max_epochs=5", "optimizer.lr=0.01"])
    assert "trainer.max_epochs=5" in args and "cell.hidden_size=8" in args


@pytest.fixture(scope="module")
def two_epochs(tmp_path_factory) -> Path:
    """A finished 2-epoch run (each test copies it)."""
    root = tmp_path_factory.mktemp("two_epochs")
    run_cli("zoo-train", *TINY, "trainer.max_epochs=2", f"hydra.run.dir={root / 'run'}",
            cwd=root)
    return root / "run"


def _files(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted((folder / "checkpoints").glob("*.ckpt"))}


def test_a_copied_run_resumes_the_copy_and_a_moved_run_resumes(two_epochs, tmp_path):
    original, copy, moved = tmp_path / "original", tmp_path / "copy", tmp_path / "moved"
    shutil.copytree(two_epochs, original)
    shutil.copytree(original, copy)
    before = _files(original)
    run_cli("zoo-train", f"ckpt_path={copy}", "trainer.max_epochs=3", cwd=tmp_path)
    assert _files(original) == before  # the original's checkpoints are neither read nor removed
    original.rename(moved)
    run_cli("zoo-train", f"ckpt_path={moved}", "trainer.max_epochs=3", cwd=tmp_path)
    for run in (copy, moved):
        assert read_metrics(run)["status"] == "ok"
        best = [p.name for p in (run / "checkpoints").glob("best-*.ckpt")]
        assert len(best) == 1, best  # the top-1 best of its own folder, the older one removed
        assert torch.load(run / "checkpoints" / "last.ckpt", weights_only=True)["epoch"] == 2
    assert read_metrics(copy)["metrics"] == read_metrics(moved)["metrics"]


# -- a resumed run's record: every epoch's seconds, the whole run's wall_s --------------------

def test_a_resumed_record_keeps_every_epochs_seconds_and_the_total(two_epochs, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(two_epochs, run)
    first = read_metrics(run)
    assert len(first["epoch_s"]) == 2 and "resumed_wall_s" not in first
    run_cli("zoo-train", f"ckpt_path={run}", "trainer.max_epochs=3", cwd=tmp_path)
    resumed = read_metrics(run)
    assert len(resumed["epoch_s"]) == 3  # the first session's two epochs, then its third
    assert resumed["epoch_s"][:2] == pytest.approx(first["epoch_s"], abs=0.05)
    assert 0 < resumed["resumed_wall_s"] < resumed["wall_s"]
    assert resumed["wall_s"] >= sum(resumed["epoch_s"])
    run_cli("zoo-train", f"ckpt_path={run}", "trainer.max_epochs=3", cwd=tmp_path)  # nothing left
    again = read_metrics(run)
    assert again["epoch_s"] == resumed["epoch_s"] and again["wall_s"] >= resumed["wall_s"]


class _Trainer:
    def __init__(self, epoch: int):
        self.current_epoch = epoch


def test_epoch_seconds_travel_in_the_checkpoint_whole_or_mid_epoch():
    """A checkpoint after an epoch's validation (before its on_train_epoch_end) holds that
    epoch's seconds; one from inside an epoch carries its seconds so far into the resume."""
    times = EpochTimes()
    for epoch in (0, 1):
        times.on_train_epoch_start(_Trainer(epoch), None)
        times.on_train_epoch_end(_Trainer(epoch), None)
    times.on_train_epoch_start(_Trainer(2), None)
    saved = times.state_dict()  # at epoch 2's validation end
    assert len(saved["epoch_s"]) == 3 and saved["wall_s"] >= 0
    resumed = EpochTimes()
    resumed.load_state_dict(json.loads(json.dumps(saved)))
    resumed.on_train_epoch_start(_Trainer(3), None)  # the next epoch: nothing carried
    resumed.on_train_epoch_end(_Trainer(3), None)
    assert resumed.seconds[:3] == saved["epoch_s"] and len(resumed.seconds) == 4
    assert resumed.earlier_wall_s == saved["wall_s"]
    inside = EpochTimes()
    inside.load_state_dict({"epoch_s": [1.0, 2.0, 0.5], "wall_s": 9.0})
    inside.on_train_epoch_start(_Trainer(2), None)  # resumed inside epoch 2, 0.5 s in
    inside.on_train_epoch_end(_Trainer(2), None)
    assert inside.seconds[:2] == [1.0, 2.0] and inside.seconds[2] >= 0.5
