"""docs/RESULTS.md, generated from the run records committed under results/.

  python scripts/build_results.py commands [PRESET ...]    # the commands that made the rows
  python scripts/build_results.py record PRESET SWEEP_DIR...  # keep finished sweeps' records
  python scripts/build_results.py                          # write docs/RESULTS.md
  python scripts/build_results.py --check                  # exit 1 if it is out of date

results/<preset>/row.yaml gives the row's place (`order`), what the source reports (`source`,
and a `target` metric and value to reach), the metrics to show, the exact command, and a
`note`; results/<preset>/<job>/ holds each run's metrics.json, composed config, overrides,
CSV log and train.log (no checkpoints). Every number in the document is read from those
records through zoo.report, the code of zoo-table, so the document and the records cannot
drift.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import sys
from pathlib import Path

import yaml

from zoo.report.collect import collect
from zoo.report.render import decimals, to_markdown
from zoo.report.table import tabulate
from zoo.task.direction import direction

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "results"
DOC = ROOT / "docs" / "RESULTS.md"
TEMPLATE = RESULTS / "TEMPLATE.md"
KEPT = ("metrics.json", ".hydra/config.yaml", ".hydra/overrides.yaml", "csv/metrics.csv",
        "train.log")


def record(preset: str, sweep_dirs: list[Path]) -> None:
    """Copy each finished job of the sweeps (its records, no checkpoints) to results/preset/:
    one sweep's jobs keep their numbers; several sweeps' (a seed each) are numbered in turn."""
    jobs = [job.parent for d in sweep_dirs for job in sorted(d.glob("*/metrics.json"))]
    if not jobs:
        where = ", ".join(map(str, sweep_dirs))
        sys.exit(f"error: no */metrics.json under {where}; pass finished sweep folders.")
    for number, job in enumerate(jobs):
        name = job.name if len(sweep_dirs) == 1 else str(number)
        for kept in KEPT:
            source = job / kept
            if source.is_file():
                target = RESULTS / preset / name / kept
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    print(f"kept {len(jobs)} run records in {RESULTS / preset}")


def _fmt(x: float, places: int | None = None) -> str:
    """`x` to 4 significant digits, or to `places` decimals (a std, as its mean)."""
    places = decimals(x, 4) if places is None else places
    return f"{x:.{places}f}" if math.isfinite(x) else str(x)


def _row(preset: str, meta: dict) -> tuple[str, list[str]]:
    """The preset's table line and its notes."""
    folder = RESULTS / preset
    metrics = meta["metrics"]
    sweep = collect([folder]) if any(folder.glob("*/metrics.json")) else None
    table = tabulate(sweep, by=["experiment"], metrics=metrics) if sweep else None
    notes = [meta["note"].strip()] if meta.get("note") else []
    if sweep:
        for run in sweep.failed + sweep.interrupted:
            notes.append(f"job {run.folder.name} {run.status}: {run.error}")
    if table is None:
        measured, seeds, n, verdict, wall = "not measured", "—", "0", "—", "—"
    else:
        [row] = table.rows
        shown = []
        for metric in metrics:
            stat = row.stats[metric]
            if stat is not None:
                places = decimals(stat.mean, 4)
                spread = "" if stat.std is None else f" ± {_fmt(stat.std, places)}"
                shown.append(f"{metric} {_fmt(stat.mean)}{spread}")
        measured = "<br>".join(shown)
        runs = sorted(row.runs, key=lambda r: r.record.get("seed", 0))
        head = metrics[0]
        seeds = ", ".join(_fmt(r.metrics[head]) if r.metrics.get(head) is not None else "—"
                          for r in runs)
        n = str(row.n)
        target = meta.get("target")
        verdict = _verdict(target, row.stats.get(target["metric"]) if target else None)
        walls = [r.record["wall_s"] for r in runs if r.record.get("wall_s")]
        threads = {r.record.get("threads") for r in runs}
        wall = f"{min(walls):.0f}-{max(walls):.0f} s" if len(walls) > 1 else f"{walls[0]:.0f} s"
        wall += f" ({', '.join(map(str, sorted(threads, key=str)))} thr.)"
        epochs = [s for r in runs for s in r.record.get("epoch_s", [])]
        if epochs:
            wall += f"<br>{statistics.median(epochs):.0f} s per epoch (median)"
    line = (f"| `{preset}` | {meta['source']} | {measured} | {seeds} | {n} | {verdict} | {wall} "
            f"| `{meta['command']}` |")
    return line, [f"**`{preset}`**: {text}" for text in notes]


def _verdict(target: dict | None, stat) -> str:
    if not target:
        return "(no number to reach)"
    if stat is None:
        return "—"
    way = direction(target["metric"])
    reached = stat.mean >= target["value"] if way == "max" else stat.mean <= target["value"]
    sign = (">=" if way == "max" else "<=") if reached else ("<" if way == "max" else ">")
    return f"{'reached' if reached else 'SHORT'}: {_fmt(stat.mean)} {sign} {target['value']}"


def _machines() -> str:
    """Which machine and code each preset's records came from."""
    seen: dict[str, dict[str, set]] = {}
    for path in sorted(RESULTS.glob("*/*/metrics.json")):
        rec = json.loads(path.read_text())
        where = rec.get("machine")
        key = (f"{where['cpu']} ({where['cores']} cores, {where['gpu'] or 'no GPU'})"
               if where else "a 2-core AMD EPYC CPU (not recorded in these records)")
        key += f", torch {rec.get('versions', {}).get('torch', '?')}"
        commits = seen.setdefault(key, {}).setdefault(path.parent.parent.name, set())
        commits.add(str(rec.get("git_sha"))[:7])
    return "\n".join(
        f"- {key}: " + ", ".join(f"`{name}` (commit {', '.join(sorted(c))})"
                                 for name, c in sorted(presets.items()))
        for key, presets in seen.items())


def _translations(preset: str) -> str:
    """results/<preset>/translations.tsv (scripts/sample_translations.py) as a table."""
    path = RESULTS / preset / "translations.tsv"
    if not path.is_file():
        return "_no translations recorded._\n"
    header, *rows = path.read_text(encoding="utf-8").strip().splitlines()
    lines = ["| " + " | ".join(header.split("\t")) + " |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(row.split("\t")) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _sweep_table(preset: str, meta: dict) -> str:
    folder = RESULTS / preset
    if not any(folder.glob("*/metrics.json")):
        return f"_{preset}: not measured._ {meta.get('note', '').strip()}\n"
    table = tabulate(collect([folder]), by=meta.get("by", []), metrics=meta["metrics"])
    return to_markdown(table)


def _rows() -> dict[str, dict]:
    metas = [yaml.safe_load(p.read_text()) | {"name": p.parent.name}
             for p in RESULTS.glob("*/row.yaml")]
    return {meta["name"]: meta for meta in sorted(metas, key=lambda m: m["order"])}


def build() -> str:
    rows = _rows()
    presets = [name for name, meta in rows.items() if not meta.get("by")]
    lines = ["| preset | source reports | zoo measured (mean ± std over seeds) | per seed | n "
             "| target | wall per run | command |", "|---|---|---|---|---:|---|---|---|"]
    notes = []
    for name in presets:
        line, more = _row(name, rows[name])
        lines.append(line)
        notes += more
    text = TEMPLATE.read_text()
    text = text.replace("{{table}}", "\n".join(lines) + "\n")
    text = text.replace("{{notes}}", "\n".join(f"- {n}" for n in notes) + "\n")
    text = text.replace("{{machines}}", _machines())
    for name, meta in rows.items():
        text = text.replace(f"{{{{translations:{name}}}}}", _translations(name))
        if meta.get("by"):
            text = text.replace(f"{{{{sweep:{name}}}}}", _sweep_table(name, meta))
            text = text.replace(f"{{{{command:{name}}}}}", f"`{meta['command']}`")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if docs/RESULTS.md is stale")
    sub = parser.add_subparsers(dest="command")
    show = sub.add_parser("commands", help="print the command of each row (or of PRESETs)")
    show.add_argument("presets", nargs="*")
    keep = sub.add_parser("record", help="copy a finished sweep's records to results/PRESET/")
    keep.add_argument("preset")
    keep.add_argument("sweep_dirs", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if args.command == "commands":
        for name, meta in _rows().items():
            if not args.presets or name in args.presets:
                print(meta["command"])
        return 0
    if args.command == "record":
        record(args.preset, args.sweep_dirs)
        return 0
    text = build()
    if args.check:
        if DOC.read_text() != text:
            print("docs/RESULTS.md is out of date; run python scripts/build_results.py",
                  file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text)
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
