"""`zoo-bench`: print what zoo's convenience costs, as ratios measured side by side.

zoo-bench                      # every section, the default repeats
zoo-bench --quick              # CI's smoke test: small repeats, under a minute on 2 cores
zoo-bench --full               # adds accuracy after one epoch (section 3)
zoo-bench --imdb-root PATH --only tax,model --threads 2
zoo-bench --only tax --rounds 9 --steps 60   # steadier ratios, longer
zoo-bench --device cuda --only gpu,tax,model  # on a GPU (scripts/gpu_check.sh)
"""

from __future__ import annotations

import argparse
import logging
import platform
from dataclasses import replace

import torch

from zoo.bench import (
    framework_tax,
    gpu_throughput,
    model_path,
    scan_crossover,
    startup,
    variable_length,
    wrapper_parity,
)
from zoo.bench.settings import Settings, preset
from zoo.run.precision import set_matmul_precision

SECTIONS = {
    "tax": framework_tax.run,
    "model": model_path.run,
    "length": variable_length.run,
    "parity": wrapper_parity.run,
    "scan": scan_crossover.run,
    "gpu": gpu_throughput.run,
    "startup": startup.run,
}


def run(settings: Settings, imdb_root: str | None, only=tuple(SECTIONS)) -> None:
    """Every section in `only`, one line per measurement."""
    for name in only:
        SECTIONS[name](settings, imdb_root)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zoo-bench", description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="small repeats (CI smoke test)")
    size.add_argument("--full", action="store_true", help="also accuracy after one epoch")
    parser.add_argument(
        "--imdb-root",
        help="a local IMDB copy (default: the zoo cache or a "
        "download; synthetic reviews where neither is there)",
    )
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections of {', '.join(SECTIONS)}",
    )
    parser.add_argument("--threads", type=int, help="torch CPU threads (default: torch's)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default: the mode's)")
    parser.add_argument("--steps", type=int, help="training steps per round (default: the mode's)")
    parser.add_argument(
        "--device",
        choices=("cpu", "cuda"),
        default="cpu",
        help="where sections 1 (tax) and 2 (model path) train (default: cpu)",
    )
    return parser


def main(argv=None) -> None:
    args = _parser().parse_args(argv)
    only = [s for s in args.only.split(",") if s]
    unknown = [s for s in only if s not in SECTIONS]
    if unknown:
        raise SystemExit(f"zoo-bench: unknown section(s) {unknown}; choose from {list(SECTIONS)}")
    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit(
            "zoo-bench: --device cuda needs a CUDA device, and torch sees none "
            "here; leave --device out to measure on the CPU."
        )
    if args.threads:
        torch.set_num_threads(args.threads)
    for name in ("pytorch_lightning", "lightning", "lightning.pytorch", "zoo"):
        logging.getLogger(name).setLevel(logging.WARNING)
    mode = "quick" if args.quick else "full" if args.full else "default"
    device = torch.cuda.get_device_name() if torch.cuda.is_available() else "no CUDA"
    print(
        f"zoo-bench {mode}: torch {torch.__version__}, {platform.processor() or 'cpu'}, "
        f"{device}, threads={torch.get_num_threads()}",
        flush=True,
    )
    set_matmul_precision("highest")  # float32 as zoo-train's default (section 6 sets its own)
    settings = preset(mode)
    given = {"rounds": args.rounds, "steps": args.steps, "device": args.device}
    run(replace(settings, **{k: v for k, v in given.items() if v}), args.imdb_root, only)


if __name__ == "__main__":
    main()
