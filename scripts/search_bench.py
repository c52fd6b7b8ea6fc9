"""The same Optuna search several ways: without and with pruning (`hydra.sweeper.pruner=none|
median|successive_halving|hyperband`), in batches and with slots kept full
(`hydra.sweeper.slots=batch|async`); what each spent and found, side by side.

  python scripts/search_bench.py                       # 24 trials, up to 15 epochs, 2 slots
  python scripts/search_bench.py --ways none:batch,successive_halving:async
  python scripts/search_bench.py --repeats 3           # sampler seeds 0, 1, 2: mean ± std
  python scripts/search_bench.py --tiny                # minutes: shows the script works
  python scripts/search_bench.py -- data=imdb ...      # overrides for every trial after --

Each way is one `zoo-train -m hparams_search=optuna` on joblib's launcher (`--slots` jobs side
by side), in its own sweep folder under `--out`, with the same sampler seed, trial count and
epoch budget. The table gives, per way (mean ± std over `--repeats` sampler seeds):

- epochs: epochs trained by all trials together (each run's record, `epoch_s`);
- best: the study's best objective (its `optimized_metric`, val/loss by default);
- wall_s: seconds the command took;
- busy: the fraction of slot-time a job ran, the sum of the jobs' durations (from Hydra's
  writing the job's `.hydra/config.yaml` to the job's writing `metrics.json`) over
  slots x (the first job's start to the last one's end);
- busy while queued: the same up to the last job's start, while trials still waited for a
  slot; what is left of `busy` is the search's tail, slots idle because no trial is left;
- best over seeds (with `--seed-spread K`): the best trial's configuration trained again with
  K more seeds, the mean ± std of its objective over those K + 1 runs. One run's value is
  partly its seed's luck; this says how good the configuration a search chose is, and how
  far apart two searches' choices are against the seed spread.

Timings mean something only on a machine doing nothing else; docs/SCALING.md says how to read
the table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import optuna
import yaml

WAYS = "none:batch,median:batch,none:async,median:async"
PRUNERS = ("none", "median", "successive_halving", "hyperband")
ZOO_TRAIN = str(Path(sys.executable).with_name("zoo-train"))  # this environment's


def ways(text: str) -> list[tuple[str, str]]:
    """`pruner:slots,...` as pairs, e.g. `none:batch,hyperband:async`."""
    pairs = [tuple(way.split(":")) for way in text.split(",")]
    for pair in pairs:
        if len(pair) != 2 or pair[0] not in PRUNERS or pair[1] not in ("batch", "async"):
            raise argparse.ArgumentTypeError(
                f"{':'.join(pair)} is not PRUNER:SLOTS (pruner one of {', '.join(PRUNERS)}, "
                "slots batch or async)"
            )
    return pairs
TINY = [
    "data.n_train=256",
    "data.n_val=64",
    "data.n_test=64",
    "data.T=20",
    "trainer.enable_progress_bar=false",
    "logger=none",
]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--trials", type=int, default=24, help="hydra.sweeper.n_trials (default 24)")
    p.add_argument("--epochs", type=int, default=15, help="trainer.max_epochs (default 15)")
    p.add_argument("--slots", type=int, default=2, help="trials side by side (default 2)")
    p.add_argument(
        "--ways",
        type=ways,
        default=ways(WAYS),
        help=f"the searches to compare, PRUNER:SLOTS,... (default {WAYS})",
    )
    p.add_argument(
        "--min-resource",
        type=int,
        default=1,
        help="successive_halving, hyperband: the epoch (from 0) a trial is first judged after "
        "(default 1)",
    )
    p.add_argument(
        "--startup-trials",
        type=int,
        default=5,
        help="median: trials that finish before any is pruned (default 5)",
    )
    p.add_argument(
        "--warmup-epochs",
        type=int,
        default=1,
        help="median: epochs a trial trains before it can be pruned (default 1)",
    )
    p.add_argument("--seed", type=int, default=0, help="the first sampler seed (default 0)")
    p.add_argument("--repeats", type=int, default=1, help="sampler seeds per way (default 1)")
    p.add_argument(
        "--tiny",
        action="store_true",
        help="4 trials of 2 epochs on small data, prunable from the first epoch: a check that "
        "the script runs",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("search_bench"),
        help="where the sweep folders go (default ./search_bench)",
    )
    p.add_argument(
        "--seed-spread",
        type=int,
        default=0,
        metavar="K",
        help="train each search's best configuration again with K more seeds (default 0)",
    )
    p.add_argument("overrides", nargs="*", help="overrides given to every trial (after --)")
    return p


def command(args, pruner: str, slots: str, seed: int, sweep: Path) -> list[str]:
    return [
        ZOO_TRAIN,
        "-m",
        "hparams_search=optuna",
        f"seed={seed}",
        f"trainer.max_epochs={args.epochs}",
        "hydra/launcher=joblib",
        f"hydra.launcher.n_jobs={args.slots}",
        f"hydra.sweeper.n_jobs={args.slots}",
        f"hydra.sweeper.n_trials={args.trials}",
        f"hydra.sweeper.slots={slots}",
        f"hydra.sweeper.pruner={pruner}",
        f"hydra.sweeper.startup_trials={args.startup_trials}",
        f"hydra.sweeper.warmup_epochs={args.warmup_epochs}",
        f"hydra.sweeper.min_resource={args.min_resource}",
        f"hydra.sweep.dir={sweep}",
        *(TINY if args.tiny else []),
        *args.overrides,
    ]


def measure(sweep: Path, slots: int, wall_s: float) -> dict:
    """What one search spent and found, read from its study and its runs' folders. A job ran
    from Hydra's writing its `.hydra/config.yaml` to its writing `metrics.json` (the study's
    own times will not do: a batch tells the study of its trials only once all have ended)."""
    study = optuna.load_study(study_name="zoo", storage=f"sqlite:///{sweep / 'optuna.db'}")
    jobs = [(p.parent / ".hydra" / "config.yaml", p) for p in sweep.glob("*/metrics.json")]
    spans = [(start.stat().st_mtime, end.stat().st_mtime) for start, end in jobs]
    span = max(e for _, e in spans) - min(s for s, _ in spans) if spans else 0.0
    first, last = (min(s for s, _ in spans), max(s for s, _ in spans)) if spans else (0, 0)
    queued = sum(max(0.0, min(e, last) - s) for s, e in spans)
    epochs = sum(len(json.loads(end.read_text()).get("epoch_s") or []) for _, end in jobs)
    done = [t for t in study.trials if t.state.name == "COMPLETE"]
    return {
        "epochs": epochs,
        "best": study.best_value if done else float("nan"),
        "wall_s": wall_s,
        "busy": sum(e - s for s, e in spans) / (slots * span) if span > 0 else float("nan"),
        "busy_queued": queued / (slots * (last - first)) if last > first else float("nan"),
        "pruned": sum(t.state.name == "PRUNED" for t in study.trials),
    }


def seed_spread(sweep: Path, seeds: int) -> list[float]:
    """The objective of the study's best trial, then of its configuration trained again with
    `seeds` more seeds (each run in `sweep`/spread/seed<N>)."""
    study = optuna.load_study(study_name="zoo", storage=f"sqlite:///{sweep / 'optuna.db'}")
    best = study.best_trial
    folder = sweep / str(best.number)
    record = json.loads((folder / "metrics.json").read_text())
    metric = record["optimized_metric"]
    overrides = yaml.safe_load((folder / ".hydra" / "overrides.yaml").read_text())
    kept = [o for o in overrides if o.partition("=")[0] not in ("hparams_search", "seed")]
    seed = int(record["seed"])
    values = [record["metrics"][metric]]
    for again in range(seed + 1, seed + 1 + seeds):
        run = sweep / "spread" / f"seed{again}"
        subprocess.run(
            [ZOO_TRAIN, *kept, f"seed={again}", f"optimized_metric={metric}",
             f"hydra.run.dir={run}"],
            capture_output=True, text=True, check=True,
        )
        values.append(json.loads((run / "metrics.json").read_text())["metrics"][metric])
    return values


def cell(values: list[float], digits: int, style: str = "f") -> str:
    """mean ± std of `values`, `digits` after the point (style f) or significant (style g)."""
    mean = statistics.fmean(values)
    if len(values) == 1:
        return f"{mean:.{digits}{style}}"
    return f"{mean:.{digits}{style}} ± {statistics.stdev(values):.{digits}{style}}"


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.tiny:
        args.trials, args.epochs, args.startup_trials, args.warmup_epochs = 4, 2, 1, 0
    results: dict[tuple[str, str], list[dict]] = {}
    for seed in range(args.seed, args.seed + args.repeats):
        for pruner, slots in args.ways:
            sweep = (args.out / f"{pruner}-{slots}-seed{seed}").resolve()
            if sweep.exists():
                sys.exit(f"error: {sweep} exists; give --out another folder or remove it.")
            start = time.perf_counter()
            proc = subprocess.run(
                command(args, pruner, slots, seed, sweep), capture_output=True, text=True
            )
            wall_s = time.perf_counter() - start
            if proc.returncode != 0:
                sys.exit(
                    f"error: the search {sweep.name} failed ({proc.returncode}):\n"
                    + proc.stderr[-2000:]
                )
            found = measure(sweep, args.slots, wall_s)
            if args.seed_spread:
                found["over_seeds"] = statistics.fmean(seed_spread(sweep, args.seed_spread))
            results.setdefault((pruner, slots), []).append(found)
            print(f"{sweep.name}: {results[(pruner, slots)][-1]}", file=sys.stderr, flush=True)
    print(
        f"{args.trials} trials, up to {args.epochs} epochs, {args.slots} slots, sampler seeds "
        f"{args.seed}..{args.seed + args.repeats - 1}\n"
    )
    spread = f" best over {args.seed_spread + 1} seeds |" if args.seed_spread else ""
    print(
        f"| pruner | slots | epochs | pruned trials | best |{spread} wall_s | busy | busy while "
        "queued |"
    )
    print("| --- | --- | ---: | ---: | ---: |" + " ---: |" * (4 if spread else 3))
    for (pruner, slots), runs in results.items():
        column = {k: [r[k] for r in runs] for k in runs[0]}
        over = f" {cell(column['over_seeds'], 3, 'g')} |" if spread else ""
        print(
            f"| {pruner} | {slots} | {cell(column['epochs'], 0)} | {cell(column['pruned'], 0)}"
            f" | {cell(column['best'], 3, 'g')} |{over} {cell(column['wall_s'], 1)} "
            f"| {cell(column['busy'], 2)} | {cell(column['busy_queued'], 2)} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
