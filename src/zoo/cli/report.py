"""`zoo-report SWEEP_DIR... [-o report.html] [--by KEY] [--pool KEY] [--metric NAME]
[--plot-metric NAME]`: one self-contained HTML page of one or more sweeps, for when no
dashboard server is at hand: zoo-table's table and notes, zoo-plot's figure, the config that
differs between runs, the failed, interrupted, pruned, smoke and running runs listed apart,
and each run's learning curves. Nothing in it is fetched when it is opened (inline CSS and
SVG, no script). Needs matplotlib (`pip install 'zoo[plots]'`).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from zoo.atomic_file import write_atomically
from zoo.cli.options import add_grouping, comma_list
from zoo.cli.plot import curve_metric, final_metric
from zoo.cli.table import significant_digits
from zoo.cli.user_errors import ArgumentParser, exit_status
from zoo.errors import ZooError
from zoo.report.collect import collect
from zoo.report.curves import XS
from zoo.report.figure import pyplot, run_figure, sweep_figure, to_svg
from zoo.report.group import available_metrics
from zoo.report.page import Page, recorded_runs, render
from zoo.report.pareto import read_fronts
from zoo.report.render import notes
from zoo.report.table import tabulate

SUFFIXES = (".html", ".htm")


def parser() -> argparse.ArgumentParser:
    p = ArgumentParser(
        prog="zoo-report",
        description="One self-contained HTML page of one or more sweeps: zoo-table's table, "
        "zoo-plot's figure, the config that differs between runs, the runs left out of the "
        "table, and each run's learning curves (no network needed to view it).",
    )
    p.add_argument("dirs", nargs="+", metavar="SWEEP_DIR", help="run or sweep folders")
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("zoo-report.html"),
        help="the page's file, .html (default zoo-report.html)",
    )
    add_grouping(p)
    p.add_argument(
        "--metric",
        action="append",
        default=[],
        metavar="NAME",
        help="the table's metrics, as zoo-table --metric (default: all test/* "
        "metrics, or val/* when no run has test metrics)",
    )
    p.add_argument(
        "--plot-metric",
        metavar="NAME",
        help="the figure's final metric, as zoo-plot --metric (default: test/<name> "
        "of the runs' optimized_metric); the learning curves show its val/ and "
        "train/ counterparts and the loss",
    )
    p.add_argument("--x", choices=XS, default="epoch", help="x axis of the learning curves")
    p.add_argument(
        "--digits",
        type=significant_digits,
        default=4,
        help="significant digits of the table, as zoo-table --digits (default 4)",
    )
    p.add_argument(
        "--significance",
        action="store_true",
        help="Welch t-test p-values against the best row, as zoo-table "
        "--significance (needs scipy: pip install 'zoo[stats]')",
    )
    p.add_argument(
        "--include-smoke",
        action="store_true",
        help="aggregate smoke runs too, as zoo-table --include-smoke",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    return exit_status(lambda: _report(parser().parse_args(args), args))


def _report(args, argv: list[str]) -> int:
    out = args.output
    if out.is_dir():
        raise ZooError(
            f"-o {out} is a folder; name the page's file, e.g. -o {out / 'zoo-report.html'}."
        )
    if out.suffix.lower() not in SUFFIXES:
        raise ZooError(f"-o {out}: the report is one HTML page; name a file ending in .html.")
    pyplot()  # the missing-matplotlib sentence before any work
    sweep = collect(args.dirs, args.include_smoke)
    by, pool = comma_list(args.by), comma_list(args.pool)
    table = tabulate(sweep, by, comma_list(args.metric), significance=args.significance, pool=pool)
    figure, lines, curve = None, [], None
    if table is not None:
        found = available_metrics(sweep.runs)
        if args.plot_metric and args.plot_metric not in found:
            raise ZooError(
                f"unknown --plot-metric {args.plot_metric!r}: no finished run "
                f"recorded it; available: {', '.join(found)}."
            )
        try:
            final = final_metric(sweep.runs, args.plot_metric)
        except ZooError as exc:  # zoo-plot's sentence, for this command's option
            raise ZooError(str(exc).replace("--metric", "--plot-metric")) from None
        curve = curve_metric(final)
        fronts = read_fronts(args.dirs, sweep.runs)
        front = fronts[0] if len(fronts) == 1 else None  # zoo-plot's Pareto panel, if one
        plotted = tabulate(sweep, by, [final], pool=pool)
        fig, lines = sweep_figure(plotted, curve, args.x, front=front)
        figure = to_svg(fig)
    names = list(dict.fromkeys([curve.split("/", 1)[-1]] if curve else []) | {"loss": None})
    curves = {}
    for run in recorded_runs(sweep):
        if (fig := run_figure(run.folder, names, args.x)) is not None:
            curves[run.folder] = to_svg(fig)
    page = Page(
        title=f"zoo-report: {', '.join(map(str, args.dirs))}",
        command=shlex.join(["zoo-report", *argv]),
        sweep=sweep,
        table=table,
        notes=notes(sweep, table),
        figure=figure,
        figure_lines=lines,
        curves=curves,
        digits=args.digits,
    )
    try:
        write_atomically(out, render(page).encode())
    except OSError as exc:
        raise ZooError(
            f"-o {out}: the page cannot be written there ({exc.strerror}); name a "
            "file in a folder you may write to."
        ) from None
    print("\n".join(notes(sweep, table)), file=sys.stderr)
    if table is None:
        print(
            f"error: no run under the given folders finished successfully; {out} lists the "
            "runs that did not.",
            file=sys.stderr,
        )
        return 1
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
