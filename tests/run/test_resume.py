"""Resuming: `zoo-train ckpt_path=RUN` continues RUN in its own folder with its own overrides;
the CSV logger appends, wandb continues the same run. A resumed run is the same run: killed
anywhere, it ends with the uninterrupted run's metrics, and nothing loses a finished record."""

from __future__ import annotations

import csv
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import cli, cli_env, read_metrics, run_cli, train_quick

from zoo.errors import ZooError
from zoo.run.callbacks.rng_state import rng_states, set_rng_states
from zoo.run.resume import readable_checkpoint, resume_args
from zoo.tracking.csv_logger import ResumableCSVLogger

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
    _fake_checkpoint(run / "checkpoints" / "last.ckpt", step=8)
    return run


def _fake_checkpoint(path, step: int) -> None:
    """What zoo's loader reads as a checkpoint (no model to build)."""
    torch.save({"hyper_parameters": {"spec": {}}, "state_dict": {}, "global_step": step}, path)


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


def test_a_folder_holding_a_run_is_not_started_afresh(run_folder, tmp_path):
    fresh = [f"hydra.run.dir={tmp_path / 'new'}"]
    assert resume_args(fresh) == fresh
    with pytest.raises(
        ZooError,
        match=f"{run_folder} already holds a run; continue it with "
        f"zoo-train ckpt_path={run_folder}",
    ):
        resume_args([f"hydra.run.dir={run_folder}", "seed=1"])
    (run_folder / "checkpoints" / "last.ckpt").unlink()
    (run_folder / "metrics.json").write_text("{}")  # a finished run without checkpoints
    with pytest.raises(ZooError, match="already holds a run"):
        resume_args([f"hydra.run.dir={run_folder}"])


def test_an_unreadable_last_checkpoint_falls_back_to_the_newest_readable(run_folder, capsys):
    folder = run_folder / "checkpoints"
    _fake_checkpoint(folder / "best-epoch000.ckpt", step=4)
    _fake_checkpoint(folder / "best-epoch001.ckpt", step=6)
    (folder / ".last.ckpt.x1.tmp").write_bytes(b"half a save")
    data = (folder / "last.ckpt").read_bytes()
    (folder / "last.ckpt").write_bytes(data[: len(data) // 2])
    assert readable_checkpoint(folder / "last.ckpt") == folder / "best-epoch001.ckpt"
    assert "continuing from best-epoch001.ckpt, the newest readable" in capsys.readouterr().err
    assert not list(folder.glob("*.tmp"))  # a killed save's temporary file is cleaned up
    best = folder.resolve() / "best-epoch001.ckpt"
    assert resume_args([f"ckpt_path={run_folder}"])[-2] == f"ckpt_path={best}"
    for path in folder.glob("best-*.ckpt"):
        path.write_bytes(b"\x00" * 10)
    with pytest.raises(ZooError, match="cannot be read .* and the run has no other readable"):
        resume_args([f"ckpt_path={run_folder}"])


def test_random_states_survive_a_weights_only_checkpoint(tmp_path):
    torch.manual_seed(1), np.random.seed(1), random.seed(1)
    torch.save({"rng": rng_states()}, tmp_path / "states.ckpt")
    drawn = torch.rand(3), np.random.rand(3), random.random()
    torch.manual_seed(2), np.random.seed(2), random.seed(2)
    set_rng_states(torch.load(tmp_path / "states.ckpt", weights_only=True)["rng"])
    again = torch.rand(3), np.random.rand(3), random.random()
    assert torch.equal(drawn[0], again[0]) and np.array_equal(drawn[1], again[1])
    assert drawn[2] == again[2]


def test_a_checkpoint_without_cuda_states_still_loads(tmp_path):
    """Written on a CPU (or by a zoo before CUDA states were kept): the CUDA generators are
    left as seeded, and the others are restored."""
    torch.manual_seed(1)
    states = rng_states()
    assert "cuda" not in states or torch.cuda.is_available()
    states.pop("cuda", None), states.pop("cuda_device", None)
    drawn = torch.rand(3)
    set_rng_states(states)
    assert torch.equal(torch.rand(3), drawn)


def test_cuda_states_round_trip_through_a_weights_only_checkpoint(tmp_path, monkeypatch):
    """On a (mocked) machine with 2 CUDA devices, training on device 1: every device's state is
    saved, and restored onto the device this process trains on."""
    generators = {
        0: torch.tensor([1, 2], dtype=torch.uint8),
        1: torch.tensor([3, 4], dtype=torch.uint8),
    }
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 1)
    monkeypatch.setattr(torch.cuda, "get_rng_state_all", lambda: list(generators.values()))
    monkeypatch.setattr(
        torch.cuda,
        "set_rng_state",
        lambda state, device: generators.__setitem__(device, state.clone()),
    )
    torch.save({"rng": rng_states()}, tmp_path / "states.ckpt")
    saved = dict(generators)
    generators.update({0: torch.zeros(2, dtype=torch.uint8), 1: torch.zeros(2, dtype=torch.uint8)})
    set_rng_states(torch.load(tmp_path / "states.ckpt", weights_only=True)["rng"])
    assert all(torch.equal(generators[d], saved[d]) for d in (0, 1))
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)  # a process on device 0
    set_rng_states(torch.load(tmp_path / "states.ckpt", weights_only=True)["rng"])
    assert torch.equal(generators[0], saved[1])  # ...draws as the saved run's device did


RESUMED = [
    "data.T=8",
    "data.n_train=256",
    "data.n_val=64",
    "data.n_test=64",
    "cell.hidden_size=8",
    "seed=3",
    "optimized_metric=val/loss",
]


def test_resuming_from_an_epoch_end_gives_the_uninterrupted_metrics(tmp_path):
    """A best checkpoint every second epoch only: last.ckpt must still be the latest."""
    worst = [*RESUMED, "+callbacks.model_checkpoint.every_n_epochs=2"]
    whole, _ = train_quick([*worst, "trainer.max_epochs=3"], tmp_path / "whole")
    train_quick([*worst, "trainer.max_epochs=2"], tmp_path / "part")
    last = tmp_path / "part" / "checkpoints" / "last.ckpt"
    assert torch.load(last, weights_only=True)["epoch"] == 1  # written at every epoch end
    resumed, _ = train_quick(
        [*worst, "trainer.max_epochs=3", f"ckpt_path={last}"], tmp_path / "part"
    )
    assert resumed == whole


def test_a_run_stopped_before_last_ckpt_names_its_new_best_resumes_with_its_old_best(
    tmp_path, monkeypatch
):
    """At an epoch's end the new best is written, the old best removed, then last.ckpt: a run
    stopped before last.ckpt keeps the old best that last.ckpt still names."""
    from zoo.atomic_file import AtomicCheckpointIO
    from zoo.run.interrupt import Interrupted

    save = AtomicCheckpointIO.save_checkpoint

    def stopped_at_epoch_2s_last(io, checkpoint, path, storage_options=None):
        if Path(path).name == "last.ckpt" and checkpoint["epoch"] == 2:
            raise KeyboardInterrupt("SIGTERM")
        save(io, checkpoint, path, storage_options)

    run = tmp_path / "run"
    with monkeypatch.context() as patched:
        patched.setattr(AtomicCheckpointIO, "save_checkpoint", stopped_at_epoch_2s_last)
        with pytest.raises(Interrupted):
            train_quick([*RESUMED, "trainer.max_epochs=5"], run)
    saved = sorted(p.name for p in (run / "checkpoints").iterdir())
    assert saved == ["best-epoch001.ckpt", "best-epoch002.ckpt", "last.ckpt"]  # 001 held
    last = run / "checkpoints" / "last.ckpt"
    assert torch.load(last, weights_only=True)["epoch"] == 1
    resumed, _ = train_quick([*RESUMED, "trainer.max_epochs=2", f"ckpt_path={last}"], run)
    two, _ = train_quick([*RESUMED, "trainer.max_epochs=2"], tmp_path / "two")
    assert resumed == two  # evaluated with best-epoch001, which last.ckpt names
    resumed, _ = train_quick([*RESUMED, "trainer.max_epochs=4", f"ckpt_path={last}"], run)
    whole, _ = train_quick([*RESUMED, "trainer.max_epochs=4"], tmp_path / "whole")
    assert resumed == whole  # epoch 2 replayed: its checkpoint rewritten, not a second copy
    assert sorted(p.name for p in (run / "checkpoints").iterdir()) == sorted(
        p.name for p in (tmp_path / "whole" / "checkpoints").iterdir()
    )


def _rows(run) -> list[dict]:
    with (run / "csv" / "metrics.csv").open() as file:
        return list(csv.DictReader(file))


def test_rows_logged_again_by_a_resumed_run_replace_the_earlier_ones(tmp_path):
    first = ResumableCSVLogger(str(tmp_path), name="csv", version="")
    for step in (0, 1, 2):
        first.log_metrics({"epoch": 0, "train/loss_step": 1.0 + step}, step=step)
    first.log_metrics({"epoch": 0, "val/loss": 0.5}, step=2)
    first.save()
    again = ResumableCSVLogger(str(tmp_path), name="csv", version="")  # the replay of steps 1, 2
    for step in (1, 2, 3):
        again.log_metrics({"epoch": 0, "train/loss_step": 1.0 + step}, step=step)
        again.save()
    rows = [(r["step"], r["train/loss_step"], r["val/loss"]) for r in _rows(tmp_path)]
    assert rows == [
        ("0", "1.0", ""),
        ("2", "", "0.5"),
        ("1", "2.0", ""),
        ("2", "3.0", ""),
        ("3", "4.0", ""),
    ]


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished zoo-train run (2 epochs), copied by each test that changes it."""
    root = tmp_path_factory.mktemp("finished")
    run_cli("zoo-train", *SMALL, "trainer.max_epochs=2", f"hydra.run.dir={root / 'run'}", cwd=root)
    return root / "run"


def _one_sentence(proc) -> str:
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    return proc.stderr.strip().splitlines()[-1]


def test_a_finished_run_is_never_overwritten(finished, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(finished, run)
    record = (run / "metrics.json").read_text()
    fresh = run_cli("zoo-train", *SMALL, f"hydra.run.dir={run}", cwd=tmp_path, check=False)
    assert "already holds a run; continue it with zoo-train ckpt_path=" in _one_sentence(fresh)
    changed = run_cli(
        "zoo-train", f"ckpt_path={run}", "direction.merge=avg", cwd=tmp_path, check=False
    )  # another model: refused before the run starts
    assert "direction.merge=avg changes its model" in _one_sentence(changed)
    assert not (run / "resume_failed.json").exists()
    failed = run_cli(
        "zoo-train", f"ckpt_path={run}", "optimized_metric=val/acc", cwd=tmp_path, check=False
    )
    assert "val/acc" in _one_sentence(failed)
    assert (run / "metrics.json").read_text() == record  # the failure is written beside it
    assert read_metrics(run)["status"] == "ok"
    beside = (run / "resume_failed.json").read_text()
    assert '"status": "failed"' in beside and "val/acc" in beside


def test_a_truncated_last_checkpoint_resumes_from_the_best(finished, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(finished, run)
    last = run / "checkpoints" / "last.ckpt"
    last.write_bytes(last.read_bytes()[:1000])
    proc = run_cli("zoo-train", f"ckpt_path={run}", "trainer.max_epochs=3", cwd=tmp_path)
    assert "warning: " in proc.stderr and "newest readable checkpoint" in proc.stderr
    assert read_metrics(run)["status"] == "ok"
    assert torch.load(last, weights_only=True)["epoch"] == 2


KILLED = [
    "data.T=10",
    "data.n_train=1024",
    "data.n_val=128",
    "data.n_test=128",
    "cell.hidden_size=16",
    "data.batch_size=32",
    "trainer.max_epochs=5",
    "trainer.log_every_n_steps=4",
    "seed=3",
    "~callbacks.progress_bar",
    "~callbacks.model_summary",
]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    root = tmp_path_factory.mktemp("uninterrupted")
    run_cli("zoo-train", *KILLED, f"hydra.run.dir={root / 'run'}", cwd=root)
    return root / "run"


def _saved(path) -> tuple | None:
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_ino, found.st_mtime_ns


def _train_and_kill(run, after_saves: int, into_next_epoch: float, extra=()) -> None:
    """Start zoo-train (`KILLED` and `extra`) and SIGKILL it `into_next_epoch` of an epoch's
    time after its `after_saves`-th write of last.ckpt."""
    proc = subprocess.Popen(
        [cli("zoo-train"), *KILLED, *extra, f"hydra.run.dir={run}"],
        cwd=run.parent,
        env=cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    last, saves = run / "checkpoints" / "last.ckpt", []
    while proc.poll() is None and len(saves) < after_saves:
        seen = _saved(last)
        if seen is not None and (not saves or saves[-1][0] != seen):
            saves.append((seen, time.monotonic()))
        time.sleep(0.005)
    epoch_s = saves[-1][1] - saves[-2][1] if len(saves) > 1 else 0.0
    time.sleep(into_next_epoch * epoch_s)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the run ended before it was killed"
    assert not (run / "metrics.json").exists()


def _csv_rows(run) -> list[tuple]:
    return sorted(tuple(sorted(row.items())) for row in _rows(run))


@pytest.mark.slow
@pytest.mark.parametrize(("after_saves", "into_next_epoch"), [(2, 0.0), (3, 0.5)])
def test_a_run_killed_anywhere_resumes_to_the_uninterrupted_metrics(
    uninterrupted, tmp_path, after_saves, into_next_epoch
):
    """Killed right after an epoch-end save, and in the middle of an epoch."""
    whole = uninterrupted
    run = tmp_path / "run"
    _train_and_kill(run, after_saves, into_next_epoch)
    run_cli("zoo-train", f"ckpt_path={run}", cwd=tmp_path)
    assert read_metrics(run)["status"] == "ok"
    assert read_metrics(run)["metrics"] == read_metrics(whole)["metrics"]
    assert _csv_rows(run) == _csv_rows(whole)  # no row doubled, none lost
    record = read_metrics(run)  # every epoch's seconds, and the killed session's in wall_s
    assert len(record["epoch_s"]) == 5 and 0 < record["resumed_wall_s"] < record["wall_s"]
    assert sorted(p.name for p in (run / "checkpoints").iterdir()) == sorted(
        p.name for p in (whole / "checkpoints").iterdir()
    )


def test_a_checkpoint_saved_inside_an_epoch_continues(tmp_path):
    """Lightning skips the start hook of an epoch it resumes inside (a checkpoint saved every
    N steps, or by Lightning's SLURM requeue): the run still ends and times its epochs."""
    saved = tmp_path / "saved"
    run_cli(
        "zoo-train",
        *SMALL,
        "data.batch_size=8",
        "trainer.max_epochs=2",
        "+callbacks.mid._target_=pytorch_lightning.callbacks.ModelCheckpoint",
        "+callbacks.mid.every_n_train_steps=6",
        f"+callbacks.mid.dirpath={saved}",
        "+callbacks.mid.filename=mid",
        f"hydra.run.dir={tmp_path / 'first'}",
        cwd=tmp_path,
    )
    assert torch.load(saved / "mid.ckpt", weights_only=True)["global_step"] == 6  # of 8
    run_cli(
        "zoo-train",
        *SMALL,
        "data.batch_size=8",
        "trainer.max_epochs=2",
        f"ckpt_path={saved / 'mid.ckpt'}",
        f"hydra.run.dir={tmp_path / 'second'}",
        cwd=tmp_path,
    )
    record = read_metrics(tmp_path / "second")
    assert record["status"] == "ok" and len(record["epoch_s"]) == 2
