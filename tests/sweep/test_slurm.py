"""Sweeps on a real SLURM cluster: the one-node cluster of scripts/slurm_cluster.sh on this
machine (started here if it is not running and we are root, stopped again afterwards).

Jobs that survive their time limit and `scontrol requeue` end with exactly the metrics of an
uninterrupted run; a sweep run again after a cancelled job runs only that job; a sweeper killed
while its jobs run loses nothing and submits nothing twice; DDP across 2 SLURM tasks trains one
model with the metrics of the same DDP job started without SLURM.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import torch
from conftest import cli, cli_env, read_metrics, run_cli

pytestmark = pytest.mark.slurm
pytest.importorskip("hydra_plugins.hydra_submitit_launcher")

from hydra_plugins.zoo_launchers._submitit_jobs import queued  # noqa: E402

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "slurm_cluster.sh"
ON_SLURM = [
    "hydra/launcher=submitit_slurm",
    "hydra.launcher.gpus_per_node=0",
    "hydra.launcher.cpus_per_task=1",
    "hydra.launcher.mem_gb=1",
]
TINY = [
    "data.T=6",
    "data.n_train=32",
    "data.n_val=16",
    "data.n_test=16",
    "trainer.max_epochs=2",
    "cell.hidden_size=8",
    "logger=none",
    "trainer.enable_progress_bar=false",
]
# about 2.3 s an epoch on one core, 40 epochs: long enough for a 2-minute limit to cut it
LONG = [
    "data.T=20",
    "data.n_train=10000",
    "data.n_val=200",
    "data.n_test=200",
    "data.batch_size=8",
    "cell.hidden_size=32",
    "trainer.max_epochs=40",
    "logger=none",
    "trainer.enable_progress_bar=false",
    "seed=0",
]
# about 20 s a job
MEDIUM = [*LONG[:6], "trainer.max_epochs=8", *LONG[7:9]]


@pytest.fixture(scope="module", autouse=True)
def cluster():
    def status():
        return subprocess.run(["bash", str(SCRIPT), "status"], capture_output=True, text=True)

    if status().returncode == 0:
        yield
        return
    if os.geteuid() != 0:
        pytest.skip(
            "no SLURM cluster runs here; start one with scripts/slurm_cluster.sh start (as root)"
        )
    started = subprocess.run(["bash", str(SCRIPT), "start"], capture_output=True, text=True)
    assert started.returncode == 0, started.stdout + started.stderr
    yield
    subprocess.run(["bash", str(SCRIPT), "stop"], capture_output=True, text=True)


def _sweep(tmp_path, *args, name="sweep"):
    return ["zoo-train", "-m", *ON_SLURM, *args, f"hydra.sweep.dir={tmp_path / name}"]


def _start(command, cwd):
    return subprocess.Popen(
        [cli(command[0]), *command[1:]],
        cwd=cwd,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _job_ids(sweep: Path) -> set[str]:
    """The ids of the jobs submitit submitted for `sweep` (an array's tasks, not the array)."""
    folder = sweep / ".submitit"
    names = {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()
    return {n for n in names if not any(m.startswith(f"{n}_") for m in names)}


def _until(condition, timeout=180):
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.5)


def _epochs_done(run: Path) -> int:
    """Epochs in the run's last.ckpt (written atomically: the old file or the new one)."""
    last = run / "checkpoints" / "last.ckpt"
    return torch.load(last, weights_only=True)["epoch"] + 1 if last.is_file() else 0


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """LONG trained in one go on this machine, one thread as a SLURM job with 1 CPU."""
    root = tmp_path_factory.mktemp("uninterrupted")
    run_cli("zoo-train", "-m", *LONG, "threads=1", f"hydra.sweep.dir={root}", cwd=root)
    return read_metrics(root / "0")["metrics"]


def test_a_two_job_sweep_runs_one_at_a_time_with_no_sacct_noise(tmp_path):
    proc = run_cli(
        *_sweep(tmp_path, *TINY, "seed=0,1", "hydra.launcher.array_parallelism=1"), cwd=tmp_path
    )
    sweep = tmp_path / "sweep"
    records = [read_metrics(sweep / str(job)) for job in (0, 1)]
    assert [r["status"] for r in records] == ["ok", "ok"]
    slurm = [r["slurm"] for r in records]
    assert [s["array_task_id"] for s in slurm] == [0, 1]
    assert slurm[0]["array_job_id"] == slurm[1]["array_job_id"] and slurm[0]["node"]
    assert "sacct" not in proc.stdout + proc.stderr
    # array_parallelism=1: the second job started after the first one ended
    ended = (sweep / "0" / "metrics.json").stat().st_mtime
    assert (sweep / "1" / ".hydra").stat().st_mtime >= ended


def test_a_job_cut_by_its_time_limit_is_requeued_and_ends_as_if_uncut(tmp_path, uninterrupted):
    run_cli(
        *_sweep(
            tmp_path, *LONG, "hydra.launcher.timeout_min=2", "hydra.launcher.signal_delay_s=30"
        ),
        cwd=tmp_path,
        timeout=900,
    )
    record = read_metrics(tmp_path / "sweep" / "0")
    assert record["status"] == "ok" and record["metrics"] == uninterrupted
    assert record["slurm"]["restart_count"] == len(record["restarts"]) >= 1
    assert all(
        "SIGUSR2 (SLURM's warning before the time limit" in r["why"] for r in record["restarts"]
    )


def test_a_job_requeued_mid_training_ends_as_if_uncut(tmp_path, uninterrupted):
    sweeper = _start(_sweep(tmp_path, *LONG, "hydra.launcher.timeout_min=10"), tmp_path)
    run = tmp_path / "sweep" / "0"
    _until(lambda: _epochs_done(run) >= 3)
    (job,) = _job_ids(tmp_path / "sweep")
    subprocess.run(["scontrol", "requeue", job], check=True)
    assert sweeper.wait(timeout=600) == 0, sweeper.stderr.read()[-3000:]
    record = read_metrics(run)
    assert record["status"] == "ok" and record["metrics"] == uninterrupted
    (restart,) = record["restarts"]
    assert restart["why"].startswith("stopped by SIGTERM") and "at epoch" in restart["why"]
    assert restart["continued_from"] == "checkpoints/last.ckpt"


def test_a_sweep_run_again_after_a_cancelled_job_runs_only_that_job(tmp_path):
    command = _sweep(tmp_path, *MEDIUM, "seed=0,1,2", "hydra.launcher.array_parallelism=2")
    sweeper = _start(command, tmp_path)
    sweep = tmp_path / "sweep"
    _until(lambda: _epochs_done(sweep / "1") >= 1)
    cancelled = next(j for j in _job_ids(sweep) if j.endswith("_1"))
    subprocess.run(["scancel", cancelled], check=True)
    assert sweeper.wait(timeout=600) == 0, sweeper.stderr.read()[-3000:]  # the sweep went on
    records = [read_metrics(sweep / str(job)) for job in range(3)]
    assert [r["status"] for r in records] == ["ok", "interrupted", "ok"]
    kept = [(sweep / str(job) / "metrics.json").read_text() for job in (0, 2)]

    again = run_cli(*command, cwd=tmp_path)
    assert "skipped 2 finished (#0 #2); continuing 1 interrupted (#1)" in again.stdout
    assert "submitted 1 job: #1 " in again.stdout
    assert [(sweep / str(job) / "metrics.json").read_text() for job in (0, 2)] == kept
    record = read_metrics(sweep / "1")
    assert record["status"] == "ok" and len(record["restarts"]) == 1


def test_a_killed_sweeper_loses_nothing_and_submits_nothing_twice(tmp_path):
    command = _sweep(tmp_path, *MEDIUM, "seed=0,1,2", "hydra.launcher.array_parallelism=2")
    sweeper = _start(command, tmp_path)
    sweep = tmp_path / "sweep"
    _until(lambda: all(_epochs_done(sweep / str(job)) >= 1 for job in (0, 1)))
    sweeper.send_signal(signal.SIGKILL)
    sweeper.wait()
    submitted = _job_ids(sweep)
    assert len(submitted) == 3 and queued(submitted)  # its jobs live on

    again = run_cli(*command, cwd=tmp_path)
    assert "that an earlier command submitted and SLURM still holds" in again.stdout
    assert "skipped 3 finished (#0 #1 #2)" in again.stdout
    assert not [line for line in again.stdout.splitlines() if line.startswith("submitted")]
    assert _job_ids(sweep) == submitted
    assert [read_metrics(sweep / str(job))["status"] for job in range(3)] == ["ok"] * 3


def test_ddp_across_two_slurm_tasks_matches_ddp_without_slurm(tmp_path):
    ddp = [*TINY, "trainer=ddp", "trainer.accelerator=cpu", "trainer.max_epochs=3", "seed=3"]
    run_cli(*_sweep(tmp_path, *ddp, "hydra.launcher.tasks_per_node=2"), cwd=tmp_path)
    run_cli("zoo-train", *ddp, f"hydra.run.dir={tmp_path / 'local'}", cwd=tmp_path)
    on_slurm, local = read_metrics(tmp_path / "sweep" / "0"), read_metrics(tmp_path / "local")
    assert on_slurm["status"] == "ok" and on_slurm["metrics"] == local["metrics"]
    assert on_slurm["slurm"]["job_id"] and "slurm" not in local


def test_an_optuna_search_keeps_its_slurm_slots_full(tmp_path):
    """hparams_search=optuna with 2 slots on SLURM: one job per trial, the next submitted as one
    ends, each trial told its record's value; a search of 3 trials submits exactly 3 jobs."""
    optuna = pytest.importorskip("optuna")
    run_cli(
        "zoo-train",
        "-m",
        "hparams_search=optuna",
        *ON_SLURM,
        *TINY,
        "cell=gru",
        "cell.num_layers=1",
        "cell.dropout=0",
        "optimizer.lr=0.01",
        "hydra.sweeper.n_jobs=2",
        "hydra.sweeper.n_trials=3",
        cwd=tmp_path,
    )
    folder = tmp_path / "multirun" / "optuna" / "zoo"
    study = optuna.load_study(study_name="zoo", storage=f"sqlite:///{folder / 'optuna.db'}")
    assert [t.state.name for t in study.trials] == ["COMPLETE"] * 3
    for trial in study.trials:
        assert trial.value == read_metrics(folder / str(trial.number))["metrics"]["val/loss"]
    assert len(_job_ids(folder)) == 3
