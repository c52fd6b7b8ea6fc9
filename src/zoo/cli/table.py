"""`zoo-table DIR... [--by KEY] [--pool KEY] [--metric NAME] [--format md|csv|latex]
[--significance]`: the paper table of one or more sweeps: mean ± std over seeds per
configuration, best value per metric marked (with --significance, only where a Welch t-test
tells it from every other row). A row averages runs that differ in the seed alone (and in the
--pool keys): another key that differs within a --by group becomes a column.

Failed, unfinished and unreadable runs are listed below the table (md), as `%` comments
(latex) or on stderr (csv, so stdout stays machine-readable).
"""

from __future__ import annotations

import argparse
import math
import sys

from zoo.cli.options import add_grouping, comma_list
from zoo.cli.user_errors import ArgumentParser, exit_status
from zoo.report.collect import collect
from zoo.report.render import notes, to_csv, to_latex, to_markdown, to_rich
from zoo.report.table import tabulate
from zoo.task.direction import HIGHER, LOWER

# the significant digits that tell any two float64 values apart (repr's round trip)
MAX_DIGITS = math.ceil(sys.float_info.mant_dig * math.log10(2)) + 1


def significant_digits(text: str) -> int:
    """--digits: a whole number from 1 to MAX_DIGITS."""
    try:
        digits = int(text)
    except ValueError:
        digits = 0
    if not 1 <= digits <= MAX_DIGITS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to "
                                         f"{MAX_DIGITS} (significant digits)")
    return digits


def parser() -> argparse.ArgumentParser:
    p = ArgumentParser(
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
        help="run or sweep folders (searched recursively for metrics.json), or a run's "
        "metrics.json",
    )
    add_grouping(p)
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
    p.add_argument("--digits", type=significant_digits, default=4,
                   help=f"significant digits, 1 to {MAX_DIGITS} (default 4)")
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
        help="aggregate smoke runs too (debug=, trainer.fast_dev_run, limit_*_batches, "
        "overfit_batches, a max_steps cut; metrics.json marks them \"smoke\": true), which "
        "are left out by default and never marked best",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    return exit_status(lambda: _table(parser().parse_args(argv)))


def _table(args) -> int:
    sweep = collect(args.dirs, args.include_smoke)
    table = tabulate(
        sweep,
        comma_list(args.by),
        comma_list(args.metric),
        comma_list(args.maximize),
        comma_list(args.minimize),
        args.significance,
        comma_list(args.pool),
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
