"""`zoo-predict ckpt_path=... input=... [format=text|json]`: a trained classifier's label and
probabilities, or a regressor's value, one line per input (a text, numbers, a file with one
input a line, or - for stdin)."""

from __future__ import annotations

import json
import sys

from zoo.checkpoints import load_run
from zoo.cli.options import parse_command, run_command
from zoo.errors import ZooError
from zoo.inference.prediction import predict, read_inputs

FORMATS = ("text", "json")


def _line(found: dict, top: int) -> str:
    if "value" in found:
        value = found["value"]
        return ",".join(f"{v:.6g}" for v in value) if isinstance(value, list) else f"{value:.6g}"
    ranked = sorted(found["probabilities"].items(), key=lambda kv: -kv[1])[:top]
    return found["label"] + "\t" + "  ".join(f"{name}={p:.4f}" for name, p in ranked)


def _predict(argv: list[str]) -> None:
    opts, overrides = parse_command("predict", argv, text_keys=("input",))
    if opts.format not in FORMATS:
        raise ZooError(f"format={opts.format!r} is not known; choose one of {FORMATS}.")
    if overrides:
        print(f"ignored (not options of zoo-predict): {' '.join(overrides)}", file=sys.stderr)
    run = load_run(opts.ckpt_path)
    for found in predict(run.task, read_inputs(str(opts.input)), where=str(run.ckpt_path)):
        print(json.dumps(found) if opts.format == "json" else _line(found, opts.top))


def main() -> None:
    run_command(lambda: _predict(sys.argv[1:]))


if __name__ == "__main__":
    main()
