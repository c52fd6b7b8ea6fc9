"""What a job stopped mid-epoch by its scheduler ends with, continued two ways, against the same
run uninterrupted (docs/SCALING.md, "What is requeued when"):

- zoo's way (submitit's requeue): the stop is recorded and the job continues from its last
  epoch-end checkpoint, `checkpoints/last.ckpt`, training the rest of that epoch again;
- Lightning's SLURM auto-requeue: on the signal, Lightning saves a checkpoint where training
  is (`hpc_ckpt_1.ckpt`, mid-epoch) and the job continues from that one.

Both stops happen at the same training step, through the same callback; the scheduler's part
(the signal, `scontrol requeue`) is left out: tests/sweep/test_slurm.py runs zoo's way on a real
cluster. Run on an otherwise idle machine:

    python scripts/requeue_compare.py [--epochs 6] [--stop-step 3100]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytorch_lightning as pl

HERE = Path(__file__).resolve().parent
RUN = ["data.T=20", "data.n_train=10000", "data.n_val=200", "data.n_test=200",
       "data.batch_size=8", "cell.hidden_size=32", "logger=csv", "threads=1", "seed=0",
       "trainer.enable_progress_bar=false"]


class StopMidEpoch(pl.Callback):
    """At training step `step`: save the checkpoint Lightning's SLURM handler saves
    (`hpc_ckpt_1.ckpt` in the run folder), then stop the process as SLURM's requeue does."""

    def __init__(self, step: int):
        self.step = step

    def on_train_batch_end(self, trainer, *args) -> None:
        if trainer.global_step == self.step:
            trainer.save_checkpoint(Path(trainer.default_root_dir) / "hpc_ckpt_1.ckpt")
            os.kill(os.getpid(), signal.SIGTERM)


def zoo_train(*args: str) -> float:
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(HERE))
    start = time.monotonic()
    subprocess.run([str(Path(sys.executable).with_name("zoo-train")), *args], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - start


def record(run: Path) -> dict:
    return json.loads((run / "metrics.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--stop-step", type=int, default=3100, help="mid-epoch 2 by default")
    args = parser.parse_args()
    run = [*RUN, f"trainer.max_epochs={args.epochs}"]
    root = Path(tempfile.mkdtemp(prefix="requeue_compare-"))
    seconds = {"uninterrupted": zoo_train(*run, f"hydra.run.dir={root / 'uninterrupted'}")}
    stop = ["+callbacks.stop._target_=requeue_compare.StopMidEpoch",
            f"+callbacks.stop.step={args.stop_step}"]
    seconds["stopped"] = zoo_train(*run, *stop, f"hydra.run.dir={root / 'stopped'}")
    shutil.copytree(root / "stopped", root / "zoo")
    seconds["zoo"] = zoo_train(f"ckpt_path={root / 'zoo'}", "~callbacks.stop", "trust_run=true")
    seconds["lightning"] = zoo_train(*run, f"ckpt_path={root / 'stopped' / 'hpc_ckpt_1.ckpt'}",
                                     f"hydra.run.dir={root / 'lightning'}")
    stopped = record(root / "stopped")
    reference = record(root / "uninterrupted")["metrics"]
    print(f"stopped: {stopped['status']} ({stopped.get('error')}); folders in {root}")
    for way in ("zoo", "lightning"):
        done = record(root / way)
        mse = done["metrics"].get("test/mse")
        same = "the same metrics" if done["metrics"] == reference else \
            f"other metrics (test/mse {mse!r} vs {reference['test/mse']!r})"
        print(f"{way:9s}: {done['status']}, {same}; continued in {seconds[way]:.1f} s, "
              f"{len(done.get('epoch_s', []))} epochs recorded")
    print(f"uninterrupted: {seconds['uninterrupted']:.1f} s; "
          f"stopped run: {seconds['stopped']:.1f} s")


if __name__ == "__main__":
    main()
