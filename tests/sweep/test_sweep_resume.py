"""A sweep resumed by running its command again on its folder: finished jobs are skipped,
an interrupted one continues from its checkpoint to exactly the metrics of an uninterrupted
run, a failed one is rerun afresh (its attempt set aside), with every launcher on one machine.
(The SLURM launcher's resume, with a sweeper that died: tests/sweep/test_slurm.py.)"""

from __future__ import annotations

import json
import shutil

from conftest import LAUNCHERS, read_metrics, run_cli

TINY = ["data.n_train=64", "data.n_val=32", "data.n_test=32", "data.T=10",
        "trainer.max_epochs=3", "cell.hidden_size=8", "logger=none",
        "trainer.enable_progress_bar=false", "callbacks.model_checkpoint.save_top_k=-1",
        "seed=0,1,2"]


def _set(folder, **fields):
    record = read_metrics(folder)
    record.update(fields)
    (folder / "metrics.json").write_text(json.dumps(record))


def test_a_sweep_run_again_skips_continues_and_reruns(tmp_path, launcher):
    sweep = tmp_path / "sweep"
    command = ["zoo-train", "-m", *TINY, *LAUNCHERS[launcher], f"hydra.sweep.dir={sweep}"]
    run_cli(*command, cwd=tmp_path)
    first = {job: read_metrics(sweep / str(job)) for job in range(3)}
    assert {r["status"] for r in first.values()} == {"ok"}
    kept = (sweep / "0" / "metrics.json").read_text()
    # job 1 stopped after its first epoch (its checkpoint then), job 2 failed
    checkpoints = sweep / "1" / "checkpoints"
    shutil.copy(checkpoints / "best-epoch000.ckpt", checkpoints / "last.ckpt")
    _set(sweep / "1", status="interrupted", error="stopped by SIGTERM at epoch 1, step 2")
    _set(sweep / "2", status="failed", error="a failure")

    again = run_cli(*command, cwd=tmp_path)
    assert (f"resuming the sweep in {sweep}: skipped 1 finished (#0); continuing 1 "
            "interrupted (#1); rerunning 1 failed or not yet checkpointed (#2)") in again.stdout
    assert (sweep / "0" / "metrics.json").read_text() == kept
    for job in (1, 2):
        record = read_metrics(sweep / str(job))
        assert record["status"] == "ok"
        assert record["metrics"] == first[job]["metrics"]  # exactly the uninterrupted run's
    (restart,) = read_metrics(sweep / "1")["restarts"]
    assert restart["continued_from"] == "checkpoints/last.ckpt"
    assert restart["why"] == "stopped by SIGTERM at epoch 1, step 2"
    (restart,) = read_metrics(sweep / "2")["restarts"]
    assert restart["continued_from"] is None and restart["why"] == "a failure"
    assert read_metrics(sweep / "2" / restart["earlier_attempt"])["error"] == "a failure"

    done = run_cli(*command, cwd=tmp_path)
    assert f"resuming the sweep in {sweep}: skipped 3 finished (#0 #1 #2)" in done.stdout
