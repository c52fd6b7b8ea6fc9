"""Find the run folders under some directories and read their `metrics.json`.

A run folder is one holding `metrics.json` or Hydra's `.hydra/` (a job that has started but not
finished yet). A sweep folder holds numbered job folders; any directory tree of them works.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from zoo.errors import ZooError
from zoo.report.keys import config_value, data_source, run_keys

RECORD = "metrics.json"
STATUSES = ("ok", "failed", "interrupted", "pruned")


@dataclass(eq=False)
class Run:
    """One finished run: its folder (as reached from the user's argument) and its record."""

    folder: Path
    record: dict

    @property
    def status(self) -> str:
        return self.record["status"]

    @property
    def metrics(self) -> dict:
        return self.record.get("metrics") or {}

    @property
    def error(self) -> str:
        return str(self.record.get("error") or "no error message recorded")

    @property
    def pruned_at(self) -> str:
        """Where a search's pruner stopped the run, e.g. `epoch 2, val/loss 0.91`."""
        pruned = self.record.get("pruned")
        if not isinstance(pruned, dict):
            return "no epoch recorded"
        return f"epoch {pruned.get('epoch')}, {pruned.get('metric')} {pruned.get('value'):.4g}" \
            if isinstance(pruned.get("value"), (int, float)) else f"epoch {pruned.get('epoch')}"

    @cached_property
    def keys(self) -> dict[str, str]:
        """Config choices, command-line overrides and the seed, as display strings."""
        return run_keys(self.record)

    @property
    def smoke(self) -> bool:
        return bool(self.record.get("smoke"))

    @cached_property
    def dataset(self) -> str | None:
        """The data choice with the file or folder it read, e.g. `csv (airline.csv)`, so runs
        of one datamodule on different files stay apart."""
        choice = self.keys.get("data")
        source = data_source(self._config, self.keys)
        return f"{choice} ({source})" if choice and source else choice

    @property
    def _config(self) -> Path:
        return self.folder / ".hydra" / "config.yaml"

    def value(self, key: str) -> str | None:
        """The run's value for `key`; keys it did not override come from its saved config."""
        if key == "data":
            return self.dataset
        if key in self.keys:
            return self.keys[key]
        return config_value(self._config, key)


@dataclass
class Sweep:
    runs: list[Run] = field(default_factory=list)  # status ok (smoke runs only if asked)
    failed: list[Run] = field(default_factory=list)
    interrupted: list[Run] = field(default_factory=list)  # Ctrl-C or SIGTERM
    pruned: list[Run] = field(default_factory=list)  # stopped early by a search's pruner
    smoke: list[Run] = field(default_factory=list)  # ok, but cut short: left out of `runs`
    running: list[Path] = field(default_factory=list)  # started, no metrics.json yet
    unreadable: list[tuple[Path, str]] = field(default_factory=list)  # (file, why)


def collect(dirs: list[str | Path], include_smoke: bool = False) -> Sweep:
    """Read every run folder under `dirs` (each folder once, however often it is reached);
    smoke runs (zoo.run.smoke) count among `runs` only with `include_smoke`."""
    sweep, seen = Sweep(), set()
    for top in map(Path, dirs):
        if top.name == RECORD and top.is_file():  # a run's record stands for its folder
            top = top.parent
        if not top.is_dir():
            what = "is a file, not a folder" if top.exists() else "does not exist"
            raise ZooError(
                f"{str(top)!r} {what}; pass a run or sweep folder, the one that holds "
                f"{RECORD} files (e.g. multirun/<date>/<time>)."
            )
        for folder in _run_folders(top):
            if folder.resolve() in seen:
                continue
            seen.add(folder.resolve())
            _read(folder, sweep, include_smoke)
    if not (sweep.runs or sweep.failed or sweep.interrupted or sweep.pruned or sweep.smoke
            or sweep.unreadable):
        where = ", ".join(repr(str(d)) for d in dirs)
        started = len(sweep.running)
        running = f" ({started} run{'s have' if started > 1 else ' has'} started)" * bool(started)
        raise ZooError(
            f"no {RECORD} found under {where}{running}; pass the folder of a finished run or sweep."
        )
    return sweep


def _run_folders(top: Path):
    for root, subdirs, files in os.walk(top):
        subdirs.sort()
        if RECORD in files or ".hydra" in subdirs:
            subdirs.clear()  # run folders do not nest; skip checkpoints and logs
            yield Path(root)


def _read(folder: Path, sweep: Sweep, include_smoke: bool) -> None:
    path = folder / RECORD
    if not path.exists():
        sweep.running.append(folder)
        return
    try:
        record = json.loads(path.read_text())
        problem = _problem(record)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problem = f"{type(exc).__name__}: {exc}"
    if problem:
        sweep.unreadable.append((path, problem))
        return
    run = Run(folder, record)
    if run.status == "ok" and run.smoke and not include_smoke:
        sweep.smoke.append(run)
    else:
        {"ok": sweep.runs, "failed": sweep.failed, "interrupted": sweep.interrupted,
         "pruned": sweep.pruned}[
            run.status
        ].append(run)


def _problem(record) -> str | None:
    if not isinstance(record, dict):
        return "not a JSON object"
    if record.get("status") not in STATUSES:
        return f"status is {record.get('status')!r}, expected one of {', '.join(STATUSES)}"
    metrics = record.get("metrics", {})
    if not isinstance(metrics, dict) or not all(
        v is None or isinstance(v, (int, float)) for v in metrics.values()
    ):
        return "'metrics' is not a mapping of names to numbers"
    if not isinstance(record.get("choices", {}), dict) or not isinstance(
        record.get("overrides", []), list
    ):
        return "'choices' or 'overrides' has the wrong type"
    return None
