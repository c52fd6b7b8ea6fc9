"""`zoo-plot SWEEP_DIR... [--by KEY] [--metric NAME] [--x epoch|step] [--step N] [-o FILE]`:
a sweep's figure: learning curves per group (mean ± std over seeds), the final metric per group
with error bars, and for gradient-flow runs ||dL/dx_t|| against t; the best group marked. On a
multi-objective Optuna sweep (its optimization_results.yaml holds a Pareto front), the trials
in the plane of its two objectives with the front marked. Runs are collected and grouped as
zoo-table does; needs matplotlib (`pip install 'zoo[plots]'`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zoo.cli.options import add_grouping, comma_list
from zoo.cli.user_errors import ArgumentParser, exit_status
from zoo.errors import ZooError
from zoo.report.collect import collect
from zoo.report.curves import XS
from zoo.report.figure import pyplot, sweep_figure
from zoo.report.group import available_metrics
from zoo.report.pareto import read_fronts
from zoo.report.render import notes
from zoo.report.table import tabulate

FORMATS = (".png", ".pdf", ".svg")


def parser() -> argparse.ArgumentParser:
    p = ArgumentParser(
        prog="zoo-plot",
        description="A sweep's figure: learning curves per group (mean ± std over seeds), the "
        "final metric per group with error bars, and for gradient-flow runs ||dL/dx_t|| "
        "against t; the best group marked; the Pareto front of a multi-objective Optuna sweep.",
    )
    p.add_argument("dirs", nargs="+", metavar="SWEEP_DIR", help="run or sweep folders")
    add_grouping(p)
    p.add_argument(
        "--metric",
        metavar="NAME",
        help="the final metric (metrics.json) of the bar chart; the curves show its "
        "val/ counterpart from csv/metrics.csv (default: test/<name> of the runs' "
        "optimized_metric as metrics.json records it, or that metric itself when "
        "no run has its test/ counterpart)",
    )
    p.add_argument("--x", choices=XS, default="epoch", help="x axis of the learning curves")
    p.add_argument(
        "--step",
        type=int,
        help="gradient-flow measurement at this training step (default: each run's last)",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("zoo-plot.png"),
        help=f"the figure file, {'|'.join(FORMATS)} (default zoo-plot.png)",
    )
    return p


def final_metric(runs, chosen: str | None) -> str:
    """`--metric`, else test/<name> of the metric the runs optimised, else that metric."""
    if chosen:
        return chosen
    found = available_metrics(runs)
    optimized = next((v for run in runs if (v := optimized_metric(run))), None)
    if optimized is None:
        raise ZooError(
            "no run records the metric it optimised (metrics.json's "
            f"optimized_metric); pass --metric NAME, one of {', '.join(found)}."
        )
    test = "test/" + optimized.split("/", 1)[-1]
    for metric in (test, optimized):
        if metric in found:
            return metric
    raise ZooError(
        f"the runs optimised {optimized}, but none recorded {test} or {optimized}; "
        f"pass --metric NAME, one of {', '.join(found) or 'none'}."
    )


def optimized_metric(run) -> str | None:
    """The metric that chose the run's best checkpoint: metrics.json's `optimized_metric`
    (resolved from `auto` once the data was known, zoo.task.best_metric), else its config's."""
    configured = run.record.get("optimized_metric") or run.value("optimized_metric")
    return None if configured == "auto" else configured  # unresolved: no record says which


def curve_metric(final: str) -> str:
    return "val/" + final.split("/", 1)[1] if final.startswith("test/") else final


def main(argv: list[str] | None = None) -> int:
    return exit_status(lambda: _plot(parser().parse_args(argv)))


def _plot(args) -> int:
    if args.output.is_dir():
        raise ZooError(
            f"-o {args.output} is a folder; name the figure's file, e.g. "
            f"-o {args.output / 'zoo-plot.png'}."
        )
    if args.output.suffix.lower() not in FORMATS:
        raise ZooError(
            f"-o {args.output}: the figure is written as {', '.join(FORMATS)}; "
            "name a file with one of these endings."
        )
    pyplot()  # the missing-matplotlib sentence before any work
    sweep = collect(args.dirs)
    if not sweep.runs:
        raise ZooError("no run under the given folders finished successfully; nothing to plot.")
    keys, pool = comma_list(args.by), comma_list(args.pool)
    table = tabulate(sweep, keys, [final_metric(sweep.runs, args.metric)], pool=pool)
    final = table.metrics[0]
    fronts = read_fronts(args.dirs, sweep.runs)
    if len(fronts) > 1:
        raise ZooError(
            "zoo-plot draws the Pareto front of one multi-objective sweep; give its folder alone."
        )
    fig, lines = sweep_figure(
        table, curve_metric(final), args.x, args.step, fronts[0] if fronts else None
    )
    try:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(args.output, dpi=120)
    except OSError as exc:
        raise ZooError(
            f"-o {args.output}: the figure cannot be written there ({exc.strerror}); "
            "name a file in a folder you may write to."
        ) from None
    print("\n".join([*lines, f"wrote {args.output}"]))
    print("\n".join(notes(sweep, table)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
