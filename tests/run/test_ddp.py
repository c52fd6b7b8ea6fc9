"""`trainer=ddp` on CPU: 2 gloo processes share the run folder, rank 0 writes the outputs,
and with the same global batch the result matches a 1-process run."""

from __future__ import annotations

import csv

import pytest
import torch
from conftest import read_metrics, run_cli
from torch.utils.data import DistributedSampler

from zoo.data.batches import RankBatches, TensorSequences, batch_sampler

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


def test_ranks_cut_one_shuffle_whatever_the_epoch_lightning_sets():
    """RankBatches, zoo's DDP training sampler: the ranks' batches are the shuffled batch
    sampler's, each once (the first batches again make the counts equal), drawn from torch's
    generator alone. Lightning's own wrapper also shuffled by epoch, and a resumed run made its
    first iterator before Lightning set the epoch: it trained on other batches (0.163 vs 0.147)."""
    data = TensorSequences(torch.arange(10).float().view(10, 1), torch.zeros(10))
    served = {}
    for rank in (0, 1, 2):
        torch.manual_seed(5)  # every rank's generator: seeded alike, or restored alike
        sampler = batch_sampler(data, 2, shuffle=True, bucket=False)
        shard = RankBatches(sampler, num_replicas=3, rank=rank)
        assert isinstance(shard, DistributedSampler)  # Lightning leaves it as it is
        shard.set_epoch(rank + 4)  # whatever epoch Lightning has set by then
        served[rank] = list(shard)
    torch.manual_seed(5)
    whole = list(batch_sampler(data, 2, shuffle=True, bucket=False))
    assert [len(b) for b in served.values()] == [2, 2, 2]  # 5 batches: one served twice
    assert served[0] + served[1] + served[2] == [whole[i] for i in (0, 3, 1, 4, 2, 0)]


@pytest.mark.slow
def test_a_resumed_ddp_run_trains_as_the_uninterrupted_one(tmp_path):
    """Resumed at an epoch end (what a kill -9 comes back to): the same batches, the same
    metrics, epoch by epoch."""
    ddp = [*RUN, "data.n_train=256", "data.batch_size=16", "trainer=ddp",
           "trainer.accelerator=cpu", "seed=3"]
    run_cli("zoo-train", *ddp, "trainer.max_epochs=3", f"hydra.run.dir={tmp_path / 'whole'}",
            cwd=tmp_path)
    run_cli("zoo-train", *ddp, "trainer.max_epochs=2", f"hydra.run.dir={tmp_path / 'part'}",
            cwd=tmp_path)
    run_cli("zoo-train", f"ckpt_path={tmp_path / 'part'}", "trainer.max_epochs=3", cwd=tmp_path)
    whole, part = read_metrics(tmp_path / "whole"), read_metrics(tmp_path / "part")
    assert part["metrics"] == whole["metrics"]
    assert _epoch_rows(tmp_path / "part") == _epoch_rows(tmp_path / "whole")


def _epoch_rows(run) -> list[tuple]:
    with (run / "csv" / "metrics.csv").open() as file:
        return [(r["epoch"], r["train/loss_epoch"], r["val/mse"]) for r in csv.DictReader(file)
                if r.get("train/loss_epoch") or r.get("val/mse")]
