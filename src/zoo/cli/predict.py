"""`zoo-predict ckpt_path=... input=... [format=text|json]`: a trained classifier's label and
probabilities, a regressor's value, or a tagger's label per token, one line per input (a
text, numbers, a file with one input a line, or - for stdin)."""

from __future__ import annotations

import json
import sys

from zoo.cli.options import parse_command, trusted
from zoo.cli.user_errors import run_command
from zoo.config.check import check_option
from zoo.errors import ZooError
from zoo.inference.prediction import predict, read_inputs
from zoo.run.checkpoints import CONFIG_KEY, LoadedRun, load_run

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


def _window(run: LoadedRun) -> int | None:
    """The steps a forecaster's windows had (data.look_back of a series), if it has them."""
    data = run.checkpoint.get(CONFIG_KEY, {}).get("data") or {}
    look_back = data.get("look_back") if data.get("format", "series") == "series" else None
    return look_back if isinstance(look_back, int) else None


def _predict(argv: list[str]) -> None:
    opts, overrides = parse_command("predict", argv, text_keys=("input", "tokens"))
    if opts.format not in FORMATS:
        raise ZooError(f"format={opts.format!r} is not known; choose one of {FORMATS}.")
    check_option("top", opts.top, {"low": 1}, whole=True)
    if overrides:
        print(f"ignored (not options of zoo-predict): {' '.join(overrides)}", file=sys.stderr)
    run = load_run(opts.ckpt_path, trusted(opts))
    lines = read_inputs(str(opts.input))
    for found in predict(run.task, lines, where=str(run.ckpt_path), tokens=str(opts.tokens),
                         window=_window(run)):
        print(json.dumps(found) if opts.format == "json" else _line(found, opts.top))


def main() -> None:
    run_command(lambda: _predict(sys.argv[1:]))


if __name__ == "__main__":
    main()
