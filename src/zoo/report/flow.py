"""Gradient flow measurements (`callbacks=gradient_flow`): RUN/gradient_flow/step<N>.json."""

from __future__ import annotations

import json
from pathlib import Path

from zoo.errors import ZooError

FOLDER = "gradient_flow"


def has_flow(folder: Path) -> bool:
    return any((folder / FOLDER).glob("step*.json"))


def measurement(folder: Path, step: int | None = None) -> dict:
    """The measurement at training step `step` (default: the run's last)."""
    files = {int(p.stem.removeprefix("step")): p for p in (folder / FOLDER).glob("step*.json")}
    if step is None and files:
        step = max(files)
    if step not in files:
        raise ZooError(
            f"{folder} has no gradient-flow measurement at step {step}; it has "
            f"{sorted(files) or 'none'} (train with callbacks=gradient_flow)."
        )
    return json.loads(files[step].read_text())


def norms(record: dict) -> dict[float, float]:
    """||dL/dx_t|| against t = 1..T."""
    return {float(t): value for t, value in enumerate(record["norms"], start=1)}
