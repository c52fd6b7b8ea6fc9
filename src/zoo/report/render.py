"""Write a `Table` as GitHub markdown, CSV, a booktabs LaTeX tabular, HTML (or a rich table).

Numbers show `digits` significant digits of the mean; the std gets as many decimals as the
mean. CSV keeps full precision and marks the best mean with `*` in a `<metric>_best` column.
"""

from __future__ import annotations

import csv
import html
import io
import math

from zoo.report.collect import Sweep
from zoo.report.rows import Table, is_nan
from zoo.report.significance import FOOTNOTE

MISSING = "-"


def decimals(mean: float, digits: int) -> int:
    if not math.isfinite(mean) or mean == 0:
        return digits
    return min(max(digits - 1 - math.floor(math.log10(abs(mean))), 0), 12)


def _fixed(x: float, places: int) -> str:
    return f"{x:.{places}f}" if math.isfinite(x) else str(x)


def _header(table: Table) -> list[str]:
    extra = [
        name
        for name, present in (("wall_s", _has(table, "wall_s")), ("params", _has(table, "params")))
        if present
    ]
    shown = []
    for metric in table.metrics:
        shown += [metric, f"{metric} p"] if metric in table.pvalues else [metric]
    return [*table.keys, *shown, "n", *extra]


def _has(table: Table, field: str) -> bool:
    return any(getattr(row, field) is not None for row in table.rows)


def _cells(table: Table, digits: int, bold, pm: str, escape) -> list[list[str]]:
    """The table as text cells; `bold(s)` marks a best mean, `pm` joins mean and std."""
    header = _header(table)
    lines = []
    for i, row in enumerate(table.rows):
        cells = [escape(MISSING if v is None else v) for v in row.values]
        for metric in table.metrics:
            stat = row.stats[metric]
            if stat is None:
                cells += [MISSING] * (1 + (metric in table.pvalues))
                continue
            places = decimals(stat.mean, digits)
            mean = _fixed(stat.mean, places)
            mean = bold(mean) if table.is_best(metric, i) else mean
            cells.append(mean if stat.std is None else f"{mean}{pm}{_fixed(stat.std, places)}")
            if metric in table.pvalues:
                cells.append(_p_cell(table, metric, i))
        cells.append(str(row.n))
        if "wall_s" in header:
            cells.append(MISSING if row.wall_s is None else f"{row.wall_s:.1f}")
        if "params" in header:
            cells.append(MISSING if row.params is None else f"{round(row.params)}")
        lines.append(cells)
    return lines


def _p_cell(table: Table, metric: str, row: int) -> str:
    """A row's p-value against the best-mean row, which shows `ref` (the only row with a
    finite mean that has no p-value)."""
    found = table.pvalues[metric]
    if row in found:
        return MISSING if found[row] is None else f"{found[row]:.2g}"
    stat = table.rows[row].stats[metric]
    return "ref" if stat is not None and math.isfinite(stat.mean) else MISSING


def to_markdown(table: Table, digits: int = 4) -> str:
    def escape(text: str) -> str:
        return text.replace("|", r"\|")

    header = [escape(h) for h in _header(table)]
    align = ["---"] * len(table.keys) + ["---:"] * (len(header) - len(table.keys))
    body = _cells(table, digits, lambda s: f"**{s}**", " ± ", escape)
    return "\n".join("| " + " | ".join(cells) + " |" for cells in [header, align, *body]) + "\n"


def to_latex(table: Table, digits: int = 4) -> str:
    header = [latex_escape(h) for h in _header(table)]
    columns = "l" * len(table.keys) + "r" * (len(header) - len(table.keys))
    body = _cells(table, digits, lambda s: rf"\textbf{{{s}}}", r" $\pm$ ", latex_escape)
    lines = [
        rf"\begin{{tabular}}{{{columns}}}",
        r"\toprule",
        " & ".join(header) + r" \\",
        r"\midrule",
        *(" & ".join(cells) + r" \\" for cells in body),
        r"\bottomrule",
        r"\end{tabular}",
    ]
    return "\n".join(lines) + "\n"


def to_html(table: Table, digits: int = 4) -> str:
    """An HTML `<table>` with markdown's cells (best means in `<strong>`), for zoo-report."""

    def tag(name: str, i: int, text: str) -> str:  # keys left-aligned, numbers right
        return (
            f'<{name} class="key">{text}</{name}>'
            if i < len(table.keys)
            else f"<{name}>{text}</{name}>"
        )

    header = "".join(tag("th", i, html.escape(h)) for i, h in enumerate(_header(table)))
    body = "".join(
        "<tr>" + "".join(tag("td", i, cell) for i, cell in enumerate(cells)) + "</tr>"
        for cells in _cells(table, digits, lambda s: f"<strong>{s}</strong>", " ± ", html.escape)
    )
    return (
        f'<table class="runs" id="table"><thead><tr>{header}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def latex_escape(text: str) -> str:
    return "".join(LATEX_SPECIALS.get(c, c) for c in text)


def to_csv(table: Table) -> str:
    """Full-precision numbers; empty std for a single run; `*` in `<metric>_best`."""
    header = [*table.keys]
    for metric in table.metrics:
        header += [f"{metric}_mean", f"{metric}_std", f"{metric}_best"]
        header += [f"{metric}_p"] if metric in table.pvalues else []
    header += ["n", "wall_s", "params"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for i, row in enumerate(table.rows):
        cells = ["" if v is None else v for v in row.values]
        for metric in table.metrics:
            stat = row.stats[metric]
            cells += (
                ["", "", ""]
                if stat is None
                else [
                    repr(stat.mean),
                    "" if stat.std is None else repr(stat.std),
                    "*" if table.is_best(metric, i) else "",
                ]
            )
            if metric in table.pvalues:
                p = table.pvalues[metric].get(i)
                shown = _p_cell(table, metric, i)
                cells.append(repr(p) if p is not None else "" if shown == MISSING else shown)
        cells += [
            row.n,
            "" if row.wall_s is None else repr(row.wall_s),
            "" if row.params is None else _number(row.params),
        ]
        writer.writerow(cells)
    return out.getvalue()


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def to_rich(table: Table, digits: int = 4):
    """A rich `Table` for the terminal (best means in bold)."""
    from rich.table import Table as RichTable

    shown = RichTable(show_edge=False, header_style="bold")
    for i, name in enumerate(_header(table)):
        shown.add_column(name, justify="left" if i < len(table.keys) else "right", no_wrap=True)
    for cells in _cells(table, digits, lambda s: f"[bold]{s}[/bold]", " ± ", _rich_escape):
        shown.add_row(*cells)
    return shown


def _rich_escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def notes(sweep: Sweep, table: Table | None) -> list[str]:
    """What a row pools, then failed, interrupted, pruned, NaN and unreadable runs, one per
    line, then a one-line footer with the counts."""
    lines = [FOOTNOTE] if table and table.pvalues else []
    if table and table.split:
        lines.append(
            f"Rows are also split by {', '.join(table.split)}: runs of one --by group "
            "differ there, and a row only averages runs that differ in the seed "
            "(--pool KEY averages over a key too)."
        )
    if table and table.pooled:
        lines.append(
            f"Rows average runs that differ in {', '.join(table.pooled)} (--pool), "
            "as well as in the seed."
        )
    for title, runs in (("Failed runs", sweep.failed), ("Interrupted runs", sweep.interrupted)):
        if runs:
            lines.append(f"{title} ({len(runs)}):")
            for run in runs:
                lines.append(f"- {run.folder}{_label(run, table)}: {_one_line(run.error)}")
    if sweep.pruned:
        lines.append(f"Pruned runs, left out of the means ({len(sweep.pruned)}):")
        lines += [
            f"- {run.folder}{_label(run, table)}: pruned at {run.pruned_at}" for run in sweep.pruned
        ]
    nan_runs = _nan_runs(table)
    if nan_runs:
        lines.append(f"Runs with NaN metrics, left out of the means ({len(nan_runs)}):")
        for run, names in nan_runs:
            lines.append(f"- {run.folder}{_label(run, table)}: {', '.join(names)}")
    if sweep.unreadable:
        lines.append(f"Unreadable metrics.json ({len(sweep.unreadable)}):")
        lines += [f"- {path}: {_one_line(why)}" for path, why in sweep.unreadable]
    repeated = [row for row in table.rows if row.repeated_seeds(table.pooled)] if table else []
    if repeated:
        lines.append("Rows with a seed run more than once (each run counts in n):")
        for row in repeated:
            label = ", ".join(f"{k}={v}" for k, v in zip(table.keys, row.values, strict=True))
            seeds = ", ".join(map(str, row.repeated_seeds(table.pooled)))
            lines.append(f"- {label or 'all runs'}: seed {seeds}")
    rows = f" in {_count(len(table.rows), 'row')}" if table else ""
    footer = [
        f"{_count(len(sweep.runs), 'run')} aggregated{rows}",
        f"{len(sweep.failed)} failed",
        f"{len(sweep.running)} running (no metrics.json yet)",
    ]
    if sweep.interrupted:
        footer.append(f"{len(sweep.interrupted)} interrupted")
    if sweep.pruned:
        footer.append(f"{len(sweep.pruned)} pruned")
    if sweep.smoke:
        footer.append(f"{_count(len(sweep.smoke), 'smoke run')} left out (--include-smoke)")
    smoke = [run for row in table.rows for run in row.runs if run.smoke] if table else []
    if smoke:
        footer.append(f"{_count(len(smoke), 'smoke run')} included (never marked best)")
    if sweep.unreadable:
        footer.append(f"{len(sweep.unreadable)} unreadable")
    return [*lines, "; ".join(footer) + "."]


def _nan_runs(table: Table | None) -> list[tuple]:
    """(run, the shown metrics it recorded as NaN) for the table's runs that have any."""
    if not table:
        return []
    found = []
    for row in table.rows:
        for run in row.runs:
            names = [m for m in table.metrics if m in run.metrics and is_nan(run.metrics[m])]
            if names:
                found.append((run, names))
    return found


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _label(run, table: Table | None) -> str:
    if not table or not table.keys:
        return ""
    shown = [f"{k}={run.value(k)}" for k in [*table.keys, "seed"] if run.value(k) is not None]
    return f" ({', '.join(dict.fromkeys(shown))})"


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
