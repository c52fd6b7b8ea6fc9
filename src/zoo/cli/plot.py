"""`zoo-plot SWEEP_DIR... [--by KEY] [--metric NAME] [--x epoch|step] [--step N] [-o FILE]`:
a sweep's figure: learning curves per group (mean ± std over seeds), the final metric per group
with error bars, and for gradient-flow runs ||dL/dx_t|| against t; the best group marked.
Runs are collected and grouped as zoo-table does; needs matplotlib (`pip install 'zoo[plots]'`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zoo.cli.errors import exit_status
from zoo.errors import ZooError
from zoo.plot.curves import XS
from zoo.plot.figure import pyplot, sweep_figure
from zoo.table import collect
from zoo.table.build import tabulate
from zoo.table.group import available_metrics
from zoo.table.render import notes

FORMATS = (".png", ".pdf", ".svg")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="zoo-plot",
        description="A sweep's figure: learning curves per group (mean ± std over seeds), the "
        "final metric per group with error bars, and for gradient-flow runs ||dL/dx_t|| "
        "against t; the best group marked.",
    )
    p.add_argument("dirs", nargs="+", metavar="SWEEP_DIR", help="run or sweep folders")
    p.add_argument("--by", action="append", default=[], metavar="KEY",
                   help="group by this key, as zoo-table --by (default: the keys that vary)")
    p.add_argument("--metric", metavar="NAME",
                   help="the final metric (metrics.json) of the bar chart; the curves show its "
                   "val/ counterpart from csv/metrics.csv (default: test/<name> of the runs' "
                   "optimized_metric, or that metric itself when no run has it)")
    p.add_argument("--x", choices=XS, default="epoch", help="x axis of the learning curves")
    p.add_argument("--step", type=int, help="gradient-flow measurement at this training step "
                   "(default: each run's last)")
    p.add_argument("-o", "--output", type=Path, default=Path("zoo-plot.png"),
                   help=f"the figure file, {'|'.join(FORMATS)} (default zoo-plot.png)")
    return p


def final_metric(runs, chosen: str | None) -> str:
    if chosen:
        return chosen
    optimized = next((v for run in runs if (v := run.value("optimized_metric"))), "val/loss")
    test = "test/" + optimized.split("/", 1)[-1]
    return test if test in available_metrics(runs) else optimized


def curve_metric(final: str) -> str:
    return "val/" + final.split("/", 1)[1] if final.startswith("test/") else final


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return exit_status(lambda: _plot(args))


def _plot(args) -> int:
    if args.output.suffix.lower() not in FORMATS:
        raise ZooError(f"-o {args.output}: the figure is written as {', '.join(FORMATS)}; "
                       "name a file with one of these endings.")
    pyplot()  # the missing-matplotlib sentence before any work
    sweep = collect(args.dirs)
    if not sweep.runs:
        raise ZooError("no run under the given folders finished successfully; nothing to plot.")
    keys = [k.strip() for value in args.by for k in value.split(",") if k.strip()]
    table = tabulate(sweep, keys, [final_metric(sweep.runs, args.metric)])
    final = table.metrics[0]
    fig, lines = sweep_figure(table, curve_metric(final), args.x, args.step)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.output, dpi=120)
    print("\n".join([*lines, f"wrote {args.output}"]))
    print("\n".join(notes(sweep, table)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
