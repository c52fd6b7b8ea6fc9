"""The zoo-plot figure, one panel each: learning curves (mean ± std band per group, x = epoch
or step), the final metric per group (mean, error bar = std over its runs), and for
gradient-flow runs ||dL/dx_t|| against t on a log scale. The best group (by the final metric's
mean, as zoo-table marks it) is drawn bold and named "(best)". For a multi-objective Optuna
sweep, a last panel draws its trials in the plane of two objectives with the Pareto front (the
trials the sweep chose) marked and joined (zoo.report.pareto)."""

from __future__ import annotations

from zoo.errors import ZooError
from zoo.report.curves import band, logged
from zoo.report.flow import has_flow, measurement, norms
from zoo.report.pareto import Front
from zoo.report.rows import Row, Table


def pyplot():
    try:
        import matplotlib
    except ImportError:
        raise ZooError("zoo-plot needs matplotlib; pip install 'zoo[plots]'.") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def label(table: Table, row: Row) -> str:
    shown = [f"{k}={v}" for k, v in zip(table.keys, row.values, strict=True) if v is not None]
    return ", ".join(shown) or "all runs"


def sweep_figure(
    table: Table, curve: str, x: str = "epoch", step: int | None = None, front: Front | None = None
):
    """(the figure, one line per gradient-flow group: its mean ratio ||dL/dx_1|| / ||dL/dx_T||,
    and one naming the Pareto front's trials).

    `table` is aggregated over one metric, the final one; `curve` names the logged metric;
    `front`, a multi-objective sweep's trials and front."""
    plt = pyplot()
    final = table.metrics[0]
    best = table.best.get(final, set())
    names = [label(table, row) + " (best)" * (i in best) for i, row in enumerate(table.rows)]
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    style = [
        {"color": colors[i % len(colors)], "lw": 2.6 if i in best else 1.3}
        for i in range(len(table.rows))
    ]
    curves = [[logged(run.folder, curve, x) for run in row.runs] for row in table.rows]
    flows = [
        [measurement(r.folder, step) for r in row.runs if has_flow(r.folder)] for row in table.rows
    ]
    panels = (
        ["curves"] * any(any(c) for c in curves)
        + ["finals"]
        + ["flow"] * any(flows)
        + ["pareto"] * (front is not None)
    )
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4.2), squeeze=False)
    ax = dict(zip(panels, axes[0], strict=True))
    _finals(ax["finals"], table, names, style, final)
    if "curves" in ax:
        _bands(ax["curves"], curves, names, style)
        ax["curves"].set(xlabel=x, ylabel=curve, title=f"{curve} (mean ± std over runs)")
    lines = []
    if "flow" in ax:
        series = [[norms(record) for record in group] for group in flows]
        _bands(ax["flow"], series, names, style)
        ax["flow"].set_yscale("log")
        ax["flow"].set(
            xlabel="time step t",
            ylabel="||dL/dx_t||",
            title="gradient reaching step t (mean ± std)",
        )
        lines = [_ratio(name, group) for name, group in zip(names, flows, strict=True) if group]
    if front is not None:
        lines.append(_front(ax["pareto"], front))
    fig.tight_layout()
    return fig, lines


def _front(ax, front: Front) -> str:
    """Every trial as a point, the chosen ones marked and joined in order of the x objective;
    the line naming them."""
    (mx, my), how = front.metrics, [d[:3] for d in front.directions]
    xs, ys = zip(*front.trials.values(), strict=True) if front.trials else ((), ())
    ax.scatter(xs, ys, color="grey", alpha=0.6, label=f"trials (n={len(front.trials)})")
    for number, (x, y) in front.trials.items():
        ax.annotate(
            str(number), (x, y), textcoords="offset points", xytext=(4, 3), fontsize="x-small"
        )
    chosen = sorted(front.trials[n] for n in front.chosen if n in front.trials)
    if chosen:
        ax.plot(
            *zip(*chosen, strict=True),
            color="tab:red",
            marker="o",
            markersize=8,
            lw=1.5,
            label=f"Pareto front (n={len(chosen)})",
        )
    ax.set(
        xlabel=f"{mx} ({how[0]})", ylabel=f"{my} ({how[1]})", title="trials and the Pareto front"
    )
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    missing = [n for n in front.chosen if n not in front.trials]
    return (
        f"Pareto front ({mx} {how[0]}, {my} {how[1]}): trials "
        f"{', '.join(map(str, front.chosen)) or 'none'}"
        + (f" ({', '.join(map(str, missing))} without a finished run here)" if missing else "")
    )


def _bands(ax, groups: list[list[dict]], names: list[str], style: list[dict]) -> None:
    from matplotlib.ticker import MaxNLocator

    for series, name, how in zip(groups, names, style, strict=True):
        series = [s for s in series if s]
        if not series:
            continue
        xs, mean, std = band(series)
        ax.plot(xs, mean, label=f"{name} (n={len(series)})", **how)
        low = [m - s for m, s in zip(mean, std, strict=True)]
        high = [m + s for m, s in zip(mean, std, strict=True)]
        ax.fill_between(xs, low, high, color=how["color"], alpha=0.2, lw=0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")


def _finals(ax, table: Table, names: list[str], style: list[dict], metric: str) -> None:
    for i, (row, how) in enumerate(zip(table.rows, style, strict=True)):
        stat = row.stats[metric]
        if stat is None:
            continue
        ax.bar(
            i,
            stat.mean,
            yerr=stat.std or 0,
            capsize=4,
            color=how["color"],
            alpha=0.8,
            edgecolor="black",
            linewidth=how["lw"] - 1.3,
        )
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize="small")
    ax.set(ylabel=metric, title=f"{metric} per group (mean ± std)")
    ax.grid(True, axis="y", alpha=0.3)


def _ratio(name: str, records: list[dict]) -> str:
    ratios = [r["ratio_first_last"] for r in records if r.get("ratio_first_last") is not None]
    steps = sorted({r["global_step"] for r in records})
    mean = f"{sum(ratios) / len(ratios):.3g}" if ratios else "undefined (||dL/dx_T|| = 0)"
    return (
        f"{name}: step {', '.join(map(str, steps))}, ||dL/dx_1|| / ||dL/dx_T|| = {mean} "
        f"(mean of {len(records)} run{'s' * (len(records) > 1)})"
    )


def run_figure(folder, names: list[str], x: str = "epoch"):
    """One run's learning curves from its CSV log: a panel per metric name (`mse`, `loss`)
    with its train/ and val/ series (a panel equal to an earlier one is left out); None when
    the log holds none of them."""
    panels = {}
    for name in names:
        series = {}
        for split in ("train", "val"):  # Lightning names a metric logged per step and per
            for column in (f"{split}/{name}_epoch", f"{split}/{name}"):  # epoch `_epoch`
                if points := logged(folder, column, x):
                    series[column] = points
                    break
        if series and all(list(series.values()) != list(s.values()) for s in panels.values()):
            panels[name] = series  # the loss of a regression is its mse: one panel
    if not panels:
        return None
    plt = pyplot()
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(1, len(panels), figsize=(3.2 * len(panels), 2.4), squeeze=False)
    for ax, (name, series) in zip(axes[0], panels.items(), strict=True):
        for column, points in series.items():
            ax.plot(list(points), list(points.values()), marker=".", label=column)
        ax.set(xlabel=x, title=name)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def to_svg(fig) -> str:
    """The figure as an `<svg>` element to inline in HTML, its text kept as text; closes it."""
    import io

    plt = pyplot()
    out = io.StringIO()
    with plt.rc_context({"svg.fonttype": "none"}):
        fig.savefig(out, format="svg")
    plt.close(fig)
    text = out.getvalue()
    return text[text.index("<svg") :]
