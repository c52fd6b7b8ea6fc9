"""`zoo-eval ckpt_path=RUN/checkpoints/<best>.ckpt [split=test] [data.root=...]`: evaluate a
trained run on one of its splits, from the run's own config; writes
RUN/eval_metrics_<split>.json."""

from __future__ import annotations

import sys

from zoo.cli.options import parse_command, trusted
from zoo.cli.user_errors import run_command
from zoo.run.evaluate import evaluate


def _eval(argv: list[str]) -> None:
    opts, overrides = parse_command("eval", argv)
    metrics, path = evaluate(opts.ckpt_path, opts.split, overrides, trusted(opts))
    for name, value in metrics.items():
        print(f"{name}\t{value}")
    print(f"wrote {path}", file=sys.stderr)


def main() -> None:
    run_command(lambda: _eval(sys.argv[1:]))


if __name__ == "__main__":
    main()
