"""Shared test helpers: compose the real config, train in-process, run the real CLI."""

from __future__ import annotations

import copy
import csv
import functools
import io
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import open_dict

from zoo.config.conf_dir import config_dir

# the offline dataset copies: ../shared/data, or ZOO_SHARED_DATA (scripts/gpu_check.sh's copy)
SHARED_DATA = Path(
    os.environ.get("ZOO_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
)

# quick settings for in-process training: no progress bar, no checkpoints beyond the default
QUICK = [
    "logger=none",
    "trainer.enable_progress_bar=false",
    "trainer.enable_model_summary=false",
    "~callbacks.progress_bar",
    "~callbacks.model_summary",
]


def compose_train(overrides: list[str], output_dir: Path):
    """The composed `train` config, as `zoo-train` would see it, writing into `output_dir`."""
    GlobalHydra.instance().clear()
    with initialize_config_dir(config_dir=config_dir(), version_base="1.3"):
        cfg = compose(config_name="train", overrides=overrides)
    with open_dict(cfg):
        cfg.paths.output_dir = str(output_dir)
        cfg.paths.data_dir = str(output_dir / "data_cache")
    return cfg


@functools.cache
def _composed_option(group: str, name: str):
    return compose_train([f"{group}={name}"], Path("unused"))[group]


def group_option(group: str, name: str, **overrides):
    """One group option as the run composes it (its schema's defaults, then its YAML)."""
    node = copy.deepcopy(_composed_option(group, name))
    node.merge_with(overrides)
    return node


def datamodule(option, /, **options):
    """The `data=name` datamodule (or the option of a datamodule class) with its YAML's
    values, `options` on top; seed 0 and no processed-data cache unless given."""
    from hydra.utils import instantiate

    from zoo.config.store import option_schemas

    if isinstance(option, type):
        target = f"{option.__module__}.{option.__name__}"
        option = next(k for k, v in option_schemas()["data"].items() if v._target_ == target)

    node = group_option(
        "data", option, seed=options.pop("seed", 0), cache_dir=options.pop("cache_dir", None)
    )
    return instantiate(node, **options)


def train_quick(overrides: list[str], output_dir: Path):
    """Validate and train in-process with the library entry point; returns (metrics, params)."""
    from zoo.run.train import train_and_test
    from zoo.run.validate import validate

    cfg = compose_train(QUICK + overrides, output_dir)
    validate(cfg)
    return train_and_test(cfg, output_dir)


# zoo's launchers on one machine, with the options a test sweep gives each
LAUNCHERS = {
    "basic": [],
    "joblib": ["hydra/launcher=joblib", "hydra.launcher.n_jobs=2"],
    "submitit_local": ["hydra/launcher=submitit_local", "hydra.launcher.cpus_per_task=1"],
}
PLUGINS = {
    "joblib": "hydra_plugins.hydra_joblib_launcher",
    "submitit_local": "hydra_plugins.hydra_submitit_launcher",
}


@pytest.fixture(params=sorted(LAUNCHERS))
def launcher(request) -> str:
    """Each launcher by name (a test is skipped when its plugin is not installed)."""
    if request.param in PLUGINS:
        pytest.importorskip(PLUGINS[request.param])
    return request.param


def cli(command: str) -> str:
    """The console script (e.g. `zoo-train`) of the environment running the tests."""
    return str(Path(sys.executable).with_name(command))


def cli_env() -> dict:
    return dict(os.environ, HYDRA_FULL_ERROR="0", WANDB_MODE="offline", OMP_NUM_THREADS="1")


def run_cli(
    command: str, *args: str, cwd: Path, check: bool = True, timeout: int = 600
) -> subprocess.CompletedProcess:
    """Run a console script (e.g. `zoo-train`) from the same environment as the tests."""
    proc = subprocess.run(
        [cli(command), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(),
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"{command} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc


def read_metrics(run_dir: Path) -> dict:
    return json.loads((run_dir / "metrics.json").read_text())


# the `gpu` tests (scripts/gpu_check.sh runs them): collected always, skipped without CUDA
needs_cuda = [
    pytest.mark.gpu,
    pytest.mark.skipif(
        not torch.cuda.is_available(),
        reason="needs a CUDA device "
        "(torch.cuda.is_available() is False here; scripts/gpu_check.sh runs it)",
    ),
]


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny models gain nothing from threads, and lose much when the cores are shared
    (autouse: every test runs single-threaded, CLI subprocesses too via OMP_NUM_THREADS)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# shared by the tests of several packages: run folders and tables (report), translation pairs


def write_run(
    folder: Path,
    *,
    cell="rnn",
    seed=0,
    metrics=None,
    status="ok",
    extra=(),
    data="adding",
    **fields,
) -> Path:
    """A run folder as zoo-train leaves it: `.hydra/` and metrics.json."""
    (folder / ".hydra").mkdir(parents=True)
    record = {
        "status": status,
        "metrics": metrics or {},
        "seed": seed,
        "choices": {"data": data, "cell": cell, "direction": "uni", "logger": "csv"},
        "overrides": [f"data={data}", f"cell={cell}", f"seed={seed}", *extra],
        "git_sha": "abc",
        "versions": {},
        "wall_s": 10.0,
        "params": 100,
        **fields,
    }
    (folder / "metrics.json").write_text(json.dumps(record))
    return folder


ACC = {
    ("rnn", 0): 0.50,
    ("rnn", 1): 0.60,
    ("rnn", 2): 0.70,
    ("gru", 0): 0.80,
    ("gru", 1): 0.90,
    ("gru", 2): 0.85,
}


def cell_sweep(root: Path) -> Path:
    """cell=rnn,gru x seed=0,1,2 with known test/acc and test/loss."""
    for job, ((cell, seed), acc) in enumerate(ACC.items()):
        write_run(
            root / str(job),
            cell=cell,
            seed=seed,
            metrics={"test/acc": acc, "test/loss": 1 - acc, "val/acc": acc - 0.1},
            wall_s=float(job),
            params=100 if cell == "rnn" else 300,
        )
    (root / "multirun.yaml").write_text("hydra: {}\n")
    return root


def table(capsys, *args) -> tuple[int, str, str]:
    from zoo.cli.table import main

    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


NAMES = "zero one two three four five six seven eight nine".split()


def write_pairs(path, n=600, seed=0):
    """Digits -> their English names, with a third (attribution) column to ignore."""
    rng = random.Random(seed)
    lines = []
    for _ in range(n):
        digits = [rng.randrange(10) for _ in range(rng.randint(1, 4))]
        lines.append(
            " ".join(map(str, digits)) + "\t" + " ".join(NAMES[d] for d in digits) + "\tCC-BY 2.0"
        )
    path.write_text("\n".join(lines) + "\n\n")
    return path
