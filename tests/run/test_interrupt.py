"""A run stopped by SIGTERM (a scheduler's time limit) or Ctrl-C records "interrupted" with
the metrics it had, instead of leaving no record (a run "running" forever)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import read_metrics


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        assert time.time() < deadline, f"{path} never appeared"
        time.sleep(0.2)


@pytest.mark.parametrize("signum", [signal.SIGTERM,
                                    pytest.param(signal.SIGINT, marks=pytest.mark.slow)])
def test_a_stopped_run_records_interrupted_with_what_it_had(tmp_path, signum):
    run = tmp_path / "run"
    exe = Path(sys.executable).with_name("zoo-train")
    args = ["data.T=10", "data.n_train=500", "data.n_val=64", "data.n_test=64",
            "trainer.max_epochs=1000", "logger=none", "trainer.enable_progress_bar=false",
            f"hydra.run.dir={run}"]
    env = dict(os.environ, HYDRA_FULL_ERROR="0", OMP_NUM_THREADS="1")
    proc = subprocess.Popen([str(exe), *args], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(run / "checkpoints" / "last.ckpt", proc)  # an epoch is done
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signum
    record = read_metrics(run)
    assert record["status"] == "interrupted"
    assert record["error"].startswith(f"stopped by {signum.name} (")
    assert ") at epoch " in record["error"]
    assert record["metrics"]["val/mse"] > 0  # the last validation it ran
    assert f"interrupted: stopped by {signum.name}" in err
