"""zoo-report's page: one self-contained HTML file of a sweep (inline CSS and SVG, no script,
nothing fetched when it is opened): zoo-table's table and notes, zoo-plot's figure, the config
that differs between runs, the runs left out of the table, and each run's learning curves."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from omegaconf import OmegaConf

from zoo.report.collect import Run, Sweep
from zoo.report.keys import is_bookkeeping, order_keys, show
from zoo.report.render import to_html
from zoo.report.rows import Table
from zoo.tracking.run_info import flat

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1400px;
       padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
code, .key, pre { font-family: ui-monospace, monospace; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 0.25em 0.7em; text-align: right;
         white-space: nowrap; }
th { background: #f4f4f4; } th.key, td.key { text-align: left; }
#apart td { white-space: normal; }
.notes { white-space: pre-wrap; color: #444; } .wide { overflow-x: auto; }
.curves { display: flex; flex-wrap: wrap; gap: 1em; }
.run { border: 1px solid #ddd; border-radius: 4px; padding: 0.5em; }
.run h3 { font-size: 1em; margin: 0 0 0.3em; font-family: ui-monospace, monospace; }
.status-failed, .status-interrupted { color: #b00020; } .status-pruned { color: #8a6d00; }
svg { max-width: 100%; height: auto; }
"""


@dataclass
class Page:
    """What the page shows, made by zoo.cli.report."""

    title: str
    command: str  # the zoo-report command line that made it
    sweep: Sweep
    table: Table | None
    notes: list[str]  # zoo-table's notes under its table
    figure: str | None  # zoo-plot's figure as inline SVG
    figure_lines: list[str]  # zoo-plot's lines (gradient-flow ratios)
    curves: dict[Path, str]  # run folder -> its learning curves as inline SVG
    digits: int = 4


def recorded_runs(sweep: Sweep) -> list[Run]:
    """Every run with a readable record (aggregated, failed, interrupted, pruned, smoke), in
    the order of their folders' names, numbers numerically (job 2 before job 10)."""
    runs = [*sweep.runs, *sweep.failed, *sweep.interrupted, *sweep.pruned, *sweep.smoke]
    return sorted(runs, key=lambda run: natural(run.folder))


def natural(path: Path) -> list:
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", str(path))
    ]


def differing_config(runs: list[Run]) -> tuple[list[str], list[dict[str, str]]]:
    """(the keys whose values differ between `runs`, each run's values of them): the config
    choices (`cell`), the seed, then the saved config's keys (`cell.hidden_size`), flattened,
    compared among the runs whose config was read; bookkeeping (paths, loggers, progress
    bars) aside."""
    values, saved = [], []  # saved: whether the run's config was read (a missing one is
    for run in runs:  # no value of its keys to compare)
        found = {f"choice:{k}": show(v) for k, v in (run.record.get("choices") or {}).items()}
        found["seed"] = show(run.record.get("seed"))
        config = _saved_config(run)
        found.update({k: show(v) for k, v in config.items()})
        values.append(found)
        saved.append(bool(config))
    keys = {k for found in values for k in found}
    differ = [
        k
        for k in keys
        if (k == "seed" or not is_bookkeeping(k.removeprefix("choice:")))
        and len(
            {found.get(k) for found, read in zip(values, saved, strict=True) if read or k in found}
        )
        > 1
    ]
    choices = order_keys(k.removeprefix("choice:") for k in differ if k.startswith("choice:"))
    rest = sorted(k for k in differ if not k.startswith("choice:") and k != "seed")
    columns = [*choices, *["seed"] * ("seed" in differ), *rest]
    named = [
        {
            k.removeprefix("choice:"): v
            for k, v in found.items()
            if k.startswith("choice:") or k in differ
        }
        for found in values
    ]
    return columns, [{k: found.get(k, "-") for k in columns} for found in named]


def _saved_config(run: Run) -> dict:
    """The run's `.hydra/config.yaml`, flattened to `group.key: value`; {} without one."""
    try:
        loaded = OmegaConf.to_container(OmegaConf.load(run.folder / ".hydra" / "config.yaml"))
    except Exception:  # missing or unparsable: the run shows its choices and seed only
        return {}
    return flat(loaded) if isinstance(loaded, dict) else {}


def render(page: Page) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(page.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(page.title)}</h1>",
        f"<p>Made by <code>{html.escape(page.command)}</code>.</p>",
        *_table(page),
        *_figure(page),
        *_config(page.sweep),
        *_apart(page.sweep, page.table),
        *_curves(page),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _table(page: Page) -> list[str]:
    out = ['<h2 id="table-title">Table: mean ± std over seeds (zoo-table)</h2>']
    if page.table is None:
        out.append("<p>No run finished successfully: there is nothing to aggregate.</p>")
    else:
        out.append(f'<div class="wide">{to_html(page.table, page.digits)}</div>')
    notes = "\n".join(page.notes)
    return [*out, f'<div class="notes" id="notes">{html.escape(notes)}</div>']


def _figure(page: Page) -> list[str]:
    if page.figure is None:
        return []
    lines = "".join(f"<li>{html.escape(line)}</li>" for line in page.figure_lines)
    return [
        '<h2 id="figure-title">Figure (zoo-plot)</h2>',
        f'<div id="figure">{page.figure}</div>',
        f"<ul>{lines}</ul>" * bool(lines),
    ]


def _config(sweep: Sweep) -> list[str]:
    runs = recorded_runs(sweep)
    columns, rows = differing_config(runs)
    out = ['<h2 id="config-title">Config that differs between runs</h2>']
    if not columns:
        return [
            *out,
            f"<p>The {len(runs)} runs share one config.</p>"
            if len(runs) > 1
            else "<p>One run: nothing to compare.</p>",
        ]
    head = "".join(f'<th class="key">{html.escape(k)}</th>' for k in ["run", "status", *columns])
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="key">{html.escape(text)}</td>'
            for text in [str(run.folder), _status(run), *row.values()]
        )
        + "</tr>"
        for run, row in zip(runs, rows, strict=True)
    )
    return [
        *out,
        f'<div class="wide"><table id="config"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>",
    ]


def _status(run: Run) -> str:
    return f"{run.status} (smoke)" if run.smoke else run.status


def _apart(sweep: Sweep, table: Table | None) -> list[str]:
    """The runs not in the table, with why: failed, interrupted, pruned, smoke (left out
    unless --include-smoke), still running, unreadable."""
    keys = [*(table.keys if table else []), "seed"]

    def label(run: Run) -> str:
        shown = [f"{k}={run.value(k)}" for k in dict.fromkeys(keys) if run.value(k) is not None]
        return ", ".join(shown)

    rows = [(str(r.folder), "failed", label(r), r.error) for r in sweep.failed]
    rows += [(str(r.folder), "interrupted", label(r), r.error) for r in sweep.interrupted]
    rows += [(str(r.folder), "pruned", label(r), f"pruned at {r.pruned_at}") for r in sweep.pruned]
    rows += [
        (
            str(r.folder),
            "ok (smoke)",
            label(r),
            "a smoke run, left out of the means (zoo-report --include-smoke aggregates it)",
        )
        for r in sweep.smoke
    ]
    rows += [(str(folder), "running", "", "no metrics.json yet") for folder in sweep.running]
    rows += [(str(path), "unreadable", "", why) for path, why in sweep.unreadable]
    out = ['<h2 id="apart-title">Runs not in the table</h2>']
    if not rows:
        return [*out, "<p>None: every run finished and is in the table.</p>"]
    head = "".join(f'<th class="key">{h}</th>' for h in ("run", "status", "config", "why"))
    body = "".join(
        f'<tr class="status-{status.split()[0]}">'
        + "".join(
            f'<td class="key">{html.escape(text)}</td>' for text in (folder, status, config, why)
        )
        + "</tr>"
        for folder, status, config, why in rows
    )
    return [*out, f'<table id="apart"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>']


def _curves(page: Page) -> list[str]:
    out = ['<h2 id="curves-title">Learning curves of each run (csv/metrics.csv)</h2>']
    runs = [run for run in recorded_runs(page.sweep) if run.folder in page.curves]
    if not runs:
        return [*out, "<p>No run has a CSV log (logger=csv or many) with these metrics.</p>"]
    cards = [
        f'<div class="run status-{run.status}"><h3>{html.escape(str(run.folder))} '
        f"({html.escape(_status(run))})</h3>{page.curves[run.folder]}</div>"
        for run in runs
    ]
    return [*out, f'<div class="curves" id="curves">{"".join(cards)}</div>']
