"""`zoo-predict ckpt_path=... input=... [format=text|json]`: a trained classifier's label and
probabilities, a regressor's value, or a tagger's label per token, one line per input (a
text, numbers, a file with one input a line, or - for stdin)."""

from __future__ import annotations

import json
import sys

from zoo.checkpoints import load_run
from zoo.cli.options import parse_command, run_command
from zoo.errors import ZooError
from zoo.inference.prediction import predict, read_inputs

FORMATS = ("text", "json")


def _number(value) -> str:
    return ",".join(f"{v:.6g}" for v in value) if isinstance(value, list) else f"{value:.6g}"


def _line(found: dict, top: int) -> str:
    if "labels" in found:
        tags = found["labels"]
        if "tokens" in found:
            return " ".join(f"{t}/{tag}" for t, tag in zip(found["tokens"], tags, strict=True))
        return " ".join(tags)
    if "values" in found:
        return " ".join(_number(v) for v in found["values"])
    if "value" in found:
        return _number(found["value"])
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
