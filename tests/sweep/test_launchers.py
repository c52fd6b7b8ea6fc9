"""Multirun launchers: basic, joblib and submitit_local give every job its own folder and
metrics.json (with its thread budget), and a failed job never stops the others."""

from __future__ import annotations

from conftest import LAUNCHERS, read_metrics, run_cli

from zoo.run.threads import available_cores

TINY = ["data.n_train=64", "data.n_val=32", "data.n_test=32", "data.T=10",
        "trainer.max_epochs=1", "cell.hidden_size=8", "logger=none",
        "trainer.enable_progress_bar=false"]

# run_cli sets OMP_NUM_THREADS=1 (a lone job follows it); joblib: cores / 2 jobs
THREADS = {"basic": lambda: 1, "joblib": lambda: max(1, available_cores() // 2),
           "submitit_local": lambda: 1}


def sweep_records(sweep):
    return {int(p.parent.name): read_metrics(p.parent) for p in sweep.glob("*/metrics.json")}


def test_each_job_has_its_folder_and_record_and_a_failure_stops_none(tmp_path, launcher):
    sweep = tmp_path / "sweep"
    run_cli("zoo-train", "-m", *TINY, *LAUNCHERS[launcher], "optimizer.lr=0.01,-1",
            f"hydra.sweep.dir={sweep}", cwd=tmp_path)
    records = sweep_records(sweep)
    assert sorted(records) == [0, 1]
    assert records[0]["status"] == "ok" and "test/mse" in records[0]["metrics"]
    assert records[1]["status"] == "failed" and "optimizer.lr" in records[1]["error"]
    assert {r["threads"] for r in records.values()} == {THREADS[launcher]()}
    for job in (0, 1):
        assert (sweep / str(job) / ".hydra" / "config.yaml").is_file()
    assert (sweep / "0" / "checkpoints" / "last.ckpt").is_file()
