"""`trainer=ddp` on CPU: 2 gloo processes share the run folder, rank 0 writes the outputs,
and with the same global batch the result matches a 1-process run."""

from __future__ import annotations

import pytest
from conftest import read_metrics, run_cli

# full-batch steps (64 examples: 1 batch of 64, or 32 on each of 2 ranks) make both runs the
# same optimisation in exact arithmetic; they differ only in float32 summation order (the
# all-reduce mean of two half-batch gradients), ~1e-7 relative per step. 1e-4 leaves margin
# and still catches a real fault (a rank seeing the wrong data moves the metric by ~1e-2).
TOLERANCE = 1e-4
RUN = ["data.n_train=64", "data.n_val=32", "data.n_test=32", "data.T=10", "cell.hidden_size=8",
       "optimizer.lr=0.01", "trainer.max_epochs=3", "trainer.enable_progress_bar=false"]


@pytest.mark.slow
def test_two_gloo_ranks_match_one_process(tmp_path):
    ddp, single = tmp_path / "ddp", tmp_path / "single"
    run_cli("zoo-train", *RUN, "trainer=ddp", "trainer.accelerator=cpu", "data.batch_size=32",
            f"hydra.run.dir={ddp}", cwd=tmp_path)
    run_cli("zoo-train", *RUN, "trainer=cpu", "data.batch_size=64", f"hydra.run.dir={single}",
            cwd=tmp_path)
    two, one = read_metrics(ddp), read_metrics(single)
    assert two["status"] == one["status"] == "ok"
    assert two["threads"] == 1  # OMP_NUM_THREADS=1 shared by 2 ranks: at least 1 each
    for name in ("val/mse", "test/mse"):
        assert two["metrics"][name] == pytest.approx(one["metrics"][name], rel=TOLERANCE)
    # one folder: rank 0's config, checkpoints and logger output, no second copy
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ddp", "single"]
    assert (ddp / "checkpoints" / "last.ckpt").is_file()
    assert [p.relative_to(ddp).as_posix() for p in ddp.rglob("metrics.csv")] == ["csv/metrics.csv"]
    assert list(ddp.rglob(".hydra")) == [ddp / ".hydra"]
