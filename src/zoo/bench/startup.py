"""(7) Start-up: seconds from a fresh interpreter to importing torch, Lightning and zoo's
`zoo-train`, and from launching `zoo-train` (the adding default, data cache warm) to the end
of its first training step (`trainer.max_steps=1`, no validation, no test; teardown
included). Each is a separate process, timed whole, rounds interleaved; the share says how much
of the launch the imports take, and how much of that is zoo's own on top of Lightning's."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import torch

from zoo.bench.timing import interleaved, median, report

SECTION = "7 start-up"
IMPORTS = {
    "import torch": "import torch",
    "import pytorch_lightning": "import pytorch_lightning",
    "import zoo-train": "import zoo.cli.train",
}
ONE_STEP = ("trainer.max_steps=1", "trainer.limit_val_batches=0", "test=false", "logger=none",
            "trainer.enable_progress_bar=false", "~callbacks.progress_bar",
            "trainer.enable_model_summary=false", "~callbacks.model_summary")


def _process(argv: list[str], run_dir: str | None = None):
    """A runner launching `argv`; with `run_dir`, each launch writes a new run folder in it."""
    launches = itertools.count()

    def run():
        where = [f"hydra.run.dir={run_dir}/{next(launches)}"] if run_dir else []
        done = subprocess.run([*argv, *where], capture_output=True, text=True,
                              env={**os.environ, "OMP_NUM_THREADS": str(torch.get_num_threads())})
        if done.returncode != 0:
            raise SystemExit(f"zoo-bench: {' '.join(argv)} failed: {done.stderr[-2000:]}")
    return run


def _zoo_train() -> list[str]:
    script = Path(sys.executable).with_name("zoo-train")
    return [str(script)] if script.exists() else [sys.executable, "-m", "zoo.cli.train"]


def run(settings, imdb_root: str | None = None) -> None:
    with tempfile.TemporaryDirectory() as out:
        runners = {name: _process([sys.executable, "-c", code]) for name, code in IMPORTS.items()}
        threads = f"threads={torch.get_num_threads()}"
        command = [*_zoo_train(), *settings.adding_overrides, *ONE_STEP, threads]
        runners["zoo-train to step 1"] = _process(command, run_dir=out)
        times = interleaved(runners, settings.startup_rounds, warmup=1)  # warm-up: data cache
    seconds = {name: median(values) for name, values in times.items()}
    launch = seconds["zoo-train to step 1"]
    own = seconds["import zoo-train"] - seconds["import pytorch_lightning"]
    listed = ", ".join(f"{name} {value:.2f} s" for name, value in seconds.items())
    imports = seconds["import zoo-train"] / launch
    report(SECTION, "fresh process to import / to the end of the first step",
           "adding default, cache warm", f"{listed}; imports are {imports:.0%} of the launch, "
           f"zoo's own imports {own:.2f} s ({own / launch:.0%})", settings.startup_rounds)
