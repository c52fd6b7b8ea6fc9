"""`zoo-table DIR... [--by KEY] [--metric NAME] [--format md|csv|latex] [--significance]`: the
paper table of one or more sweeps: mean ± std over seeds per configuration, best value per
metric marked (with --significance, only where a Welch t-test tells it from every other row).

Failed, unfinished and unreadable runs are listed below the table (md), as `%` comments
(latex) or on stderr (csv, so stdout stays machine-readable).
"""

from __future__ import annotations

import argparse
import sys

from zoo.cli.errors import exit_status
from zoo.table import collect
from zoo.table.build import tabulate
from zoo.table.direction import HIGHER, LOWER
from zoo.table.render import notes, to_csv, to_latex, to_markdown, to_rich


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="zoo-table",
        description="The paper table of one or more sweeps: mean ± std over seeds per "
        "configuration, best mean per metric marked.",
        epilog=f"Best means: higher is better for {', '.join(sorted(HIGHER))}; lower for "
        f"{', '.join(sorted(LOWER))} (matched on the name after the split, whole or "
        "by '_'-separated word); other metrics are not marked unless named by "
        "--maximize/--minimize.",
    )
    p.add_argument(
        "dirs",
        nargs="+",
        metavar="DIR",
        help="run or sweep folders (searched recursively for metrics.json)",
    )
    p.add_argument(
        "--by",
        action="append",
        default=[],
        metavar="KEY",
        help="group by this config choice (cell, data, ...) or override key "
        "(cell.hidden_size, data.T); repeatable or comma-separated; default: "
        "the keys that vary across the runs, except seed",
    )
    p.add_argument(
        "--metric",
        action="append",
        default=[],
        metavar="NAME",
        help="metric to show (name or glob such as 'val/*'); repeatable; default: "
        "all test/* metrics, or val/* when no run has test metrics",
    )
    p.add_argument("--format", choices=("md", "csv", "latex"), default="md")
    p.add_argument(
        "--maximize",
        action="append",
        default=[],
        metavar="NAME",
        help="mark the highest mean of this metric as best",
    )
    p.add_argument(
        "--minimize",
        action="append",
        default=[],
        metavar="NAME",
        help="mark the lowest mean of this metric as best",
    )
    p.add_argument("--digits", type=int, default=4, help="significant digits (default 4)")
    p.add_argument(
        "--significance",
        action="store_true",
        help="a Welch t-test p-value of each row against the best row (needs scipy: "
        "pip install 'zoo[stats]'); the best is marked only where every other row differs "
        "from it at p < 0.05",
    )
    p.add_argument(
        "--include-smoke",
        action="store_true",
        help="aggregate smoke runs too (trainer.fast_dev_run, limit_*_batches, a max_steps "
        "cut; metrics.json marks them \"smoke\": true), which are left out by default",
    )
    return p


def _split(values: list[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return exit_status(lambda: _table(args))


def _table(args) -> int:
    sweep = collect(args.dirs, args.include_smoke)
    table = tabulate(
        sweep,
        _split(args.by),
        _split(args.metric),
        _split(args.maximize),
        _split(args.minimize),
        args.significance,
    )
    if table is None:
        _print_notes(notes(sweep, None), args.format)
        smoke = " (only smoke runs did: pass --include-smoke to show them)" * bool(sweep.smoke)
        print(
            f"error: no run under the given folders finished successfully{smoke}; "
            "nothing to aggregate.",
            file=sys.stderr,
        )
        return 1
    if args.format == "md" and sys.stdout.isatty():
        from rich.console import Console

        console = Console()
        console.print(to_rich(table, args.digits))
        console.print("\n".join(notes(sweep, table)), markup=False, highlight=False)
        return 0
    render = {"md": to_markdown, "latex": to_latex}.get(args.format)
    sys.stdout.write(render(table, args.digits) if render else to_csv(table))
    _print_notes(notes(sweep, table), args.format)
    return 0


def _print_notes(lines: list[str], fmt: str) -> None:
    if fmt == "csv":
        print("\n".join(lines), file=sys.stderr)
    elif fmt == "latex":
        print("\n".join(f"% {line}" for line in lines))
    else:
        print("\n" + "\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
