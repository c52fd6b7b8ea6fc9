"""Plot ||dL/dx_t|| against the time step t (log scale) for runs trained with
`callbacks=gradient_flow`, one curve per run, and print each run's ratio first/last step.

    python scripts/gradient_flow_plot.py RUN_DIR [RUN_DIR ...] [--step N] [-o flow.png]

A folder without `gradient_flow/` is searched one level down, so a multirun sweep folder
plots all of its jobs. `--step` picks the measurement at that training step (default: each
run's last). Needs matplotlib: `pip install 'zoo[plots]'`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def find_runs(folders: list[Path]) -> list[Path]:
    runs = []
    for folder in folders:
        if (folder / "gradient_flow").is_dir():
            runs.append(folder)
        else:
            runs += sorted(p.parent for p in folder.glob("*/gradient_flow"))
    return runs


def measurement(run: Path, step: int | None) -> dict:
    found = (run / "gradient_flow").glob("step*.json")
    files = {int(p.stem.removeprefix("step")): p for p in found}
    if not files:
        sys.exit(f"error: {run}/gradient_flow holds no step*.json.")
    if step is None:
        step = max(files)
    if step not in files:
        sys.exit(f"error: {run} has no measurement at step {step}; it has {sorted(files)}.")
    return json.loads(files[step].read_text())


def overrides(run: Path) -> list[str]:
    """The run's command-line overrides, from Hydra's record in the run folder."""
    recorded = run / ".hydra" / "overrides.yaml"
    if not recorded.is_file():
        return []
    from omegaconf import OmegaConf

    return [str(o) for o in OmegaConf.load(recorded)]


def labels(runs: list[Path]) -> list[str]:
    """Each run's overrides that not every plotted run shares (else its folder name)."""
    chosen = [overrides(run) for run in runs]
    shared = set.intersection(*map(set, chosen)) if len(runs) > 1 else set()
    return [
        " ".join(o for o in c if o not in shared) or run.name
        for run, c in zip(runs, chosen, strict=True)
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="+", type=Path, help="run folders (or sweep folders)")
    parser.add_argument("--step", type=int, help="training step to plot (default: the last)")
    parser.add_argument("-o", "--output", type=Path, default=Path("gradient_flow.png"))
    args = parser.parse_args(argv)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("error: plotting needs matplotlib; pip install 'zoo[plots]'.")
    runs = find_runs(args.runs)
    if not runs:
        sys.exit("error: no gradient_flow/ folder found; train with callbacks=gradient_flow.")
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for run, name in zip(runs, labels(runs), strict=True):
        record = measurement(run, args.step)
        norms = record["norms"]
        ax.semilogy(range(1, len(norms) + 1), norms, label=f"{name} (step {record['global_step']})")
        print(
            f"{name}: step {record['global_step']}, ||dL/dx_1|| / ||dL/dx_T|| = "
            f"{record['ratio_first_last']}"
        )
    ax.set_xlabel("time step t")
    ax.set_ylabel("||dL/dx_t||  (gradient reaching step t's input)")
    ax.set_title("Gradient flow through time")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
