"""The Pareto front of a multi-objective Optuna sweep (hydra.sweeper.metric as a list), as
zoo-plot draws it: every trial's objectives, read from its runs' records (the mean over a
trial's seeds, folders `<trial>` or `<trial>_seed<s>`), and the trials the sweep chose, read
from its `optimization_results.yaml` (data: parsed as plain YAML, checked, never resolved)."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from pathlib import Path

import yaml

from zoo.errors import ZooError
from zoo.report.collect import Run
from zoo.sweep.resume import record_values

RESULTS = "optimization_results.yaml"
TRIAL_FOLDER = re.compile(r"(\d+)(?:_seed-?\d+)?")


@dataclass
class Front:
    metrics: list[str]  # the two objectives drawn (x, y)
    directions: list[str]  # minimize | maximize, each
    trials: dict[int, list[float]]  # trial number -> its objectives (mean over its seeds)
    chosen: list[int]  # the trials on the front, as the sweep recorded them


def read_fronts(folders, runs: list[Run]) -> list[Front]:
    """The fronts of the multi-objective sweeps among `folders` (zoo-plot and zoo-report draw
    one)."""
    return [front for folder in folders if (front := read_front(Path(folder), runs))]


def read_front(folder: Path, runs: list[Run]) -> Front | None:
    """The front of the sweep in `folder` with the trials of `runs`; None where the folder
    holds no multi-objective result."""
    path = folder / RESULTS
    if not path.is_file():
        return None
    try:
        results = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ZooError(
            f"{path} cannot be read ({exc}); run the sweep's command again to rewrite it."
        ) from None
    if not isinstance(results, dict) or "pareto_front" not in results:
        return None  # a single-objective study's best trial
    metrics, directions, front = (results.get(k) for k in ("metrics", "directions", "pareto_front"))
    if not (
        _strings(metrics)
        and _strings(directions)
        and len(metrics) == len(directions)
        and set(directions) <= {"minimize", "maximize"}
        and isinstance(front, list)
        and all(isinstance(e, dict) and type(e.get("trial")) is int for e in front)
    ):
        raise ZooError(
            f"{path} is not a Pareto front as zoo's Optuna sweeper writes it "
            "(metrics, directions, pareto_front of trials); run the sweep's command "
            "again to rewrite it."
        )
    if len(metrics) != 2:
        raise ZooError(
            f"{path} holds a front of {len(metrics)} objectives; zoo-plot draws "
            "two (hydra.sweeper.metric=[A,B])."
        )
    by_trial: dict[int, list[list[float]]] = {}
    for run in runs:
        trial = TRIAL_FOLDER.fullmatch(run.folder.name)
        values = record_values(run.record, metrics)
        if trial and values and run.folder.parent.resolve() == folder.resolve():
            by_trial.setdefault(int(trial.group(1)), []).append(values)
    trials = {
        n: [statistics.fmean(v) for v in zip(*seeds, strict=True)]
        for n, seeds in sorted(by_trial.items())
    }
    return Front(metrics, directions, trials, [e["trial"] for e in front])


def _strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
