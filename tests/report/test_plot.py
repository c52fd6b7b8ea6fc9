"""zoo-plot: learning curves and final metric per group, gradient flow, files, errors."""

from __future__ import annotations

import json
import sys

import pytest
from conftest import write_run

from zoo.cli.plot import main
from zoo.report.collect import collect
from zoo.report.figure import sweep_figure
from zoo.report.group import aggregate
from zoo.report.pareto import read_front

pytest.importorskip("matplotlib")

# val/mse after epochs 0, 1, 2 for each seed; gru is the better cell
CURVES = {
    "rnn": [[0.20, 0.18, 0.17], [0.22, 0.19, 0.18]],
    "gru": [[0.15, 0.05, 0.01], [0.16, 0.06, 0.02]],
}


def write_log(folder, values):
    lines = ["epoch,step,train/loss,val/mse"]
    for epoch, value in enumerate(values):
        lines += [f"{epoch},{10 * epoch + 5},0.3,", f"{epoch},{10 * epoch + 9},,{value}"]
    (folder / "csv").mkdir()
    (folder / "csv" / "metrics.csv").write_text("\n".join(lines) + "\n")


def write_flow(folder, norms):
    (folder / "gradient_flow").mkdir()
    for step in (0, 20):
        record = {"global_step": step, "norms": norms, "ratio_first_last": norms[0] / norms[-1]}
        (folder / "gradient_flow" / f"step{step}.json").write_text(json.dumps(record))


def sweep(root, flow=True):
    job = 0
    for cell, runs in CURVES.items():
        for seed, values in enumerate(runs):
            folder = write_run(
                root / str(job),
                cell=cell,
                seed=seed,
                metrics={"val/mse": min(values), "test/mse": values[-1]},
            )
            (folder / ".hydra" / "config.yaml").write_text("optimized_metric: val/mse\n")
            write_log(folder, values)
            if flow:
                write_flow(folder, [1e-6, 1e-3, 1.0] if cell == "rnn" else [0.1, 0.5, 1.0])
            job += 1
    return root


def test_figure_has_one_curve_and_bar_per_group_and_marks_the_best(tmp_path):
    runs = collect([sweep(tmp_path)]).runs
    table = aggregate(runs, ["cell"], ["test/mse"])
    fig, lines = sweep_figure(table, "val/mse")
    curves, finals, flow = fig.axes
    labels = [line.get_label() for line in curves.lines]
    assert labels == ["cell=gru (best) (n=2)", "cell=rnn (n=2)"]
    assert curves.lines[0].get_xdata().tolist() == [0, 1, 2]
    assert curves.lines[0].get_ydata().tolist() == pytest.approx([0.155, 0.055, 0.015])
    assert len(curves.collections) == 2  # one std band per group
    assert len(finals.patches) == 2
    assert [t.get_text() for t in finals.get_xticklabels()] == ["cell=gru (best)", "cell=rnn"]
    assert flow.get_yscale() == "log" and len(flow.lines) == 2
    assert flow.lines[1].get_ydata().tolist() == pytest.approx([1e-6, 1e-3, 1.0])
    assert lines[1] == "cell=rnn: step 20, ||dL/dx_1|| / ||dL/dx_T|| = 1e-06 (mean of 2 runs)"


def test_steps_on_x_and_no_flow_panel_without_gradient_flow_runs(tmp_path):
    table = aggregate(collect([sweep(tmp_path, flow=False)]).runs, ["cell"], ["test/mse"])
    fig, lines = sweep_figure(table, "train/loss", x="step")
    assert len(fig.axes) == 2 and not lines
    assert fig.axes[0].lines[0].get_xdata().tolist() == [5, 15, 25]


@pytest.mark.parametrize("suffix", ["png", "pdf", "svg"])
def test_cli_writes_the_figure(tmp_path, capsys, suffix):
    out = tmp_path / "figs" / f"sweep.{suffix}"
    assert main([str(sweep(tmp_path / "sweep")), "--by", "cell", "-o", str(out)]) == 0
    magic = {"png": b"\x89PNG", "pdf": b"%PDF", "svg": b"<?xml"}[suffix]
    assert out.read_bytes().startswith(magic)
    printed = capsys.readouterr()
    assert f"wrote {out}" in printed.out and "cell=gru (best): step 20" in printed.out
    assert "4 runs aggregated in 2 rows" in printed.err


def test_errors_are_one_sentence(tmp_path, capsys, monkeypatch):
    folder = sweep(tmp_path)
    assert main([str(folder), "-o", str(tmp_path / "x.jpg")]) == 2
    assert "png, .pdf, .svg" in capsys.readouterr().err
    assert main([str(folder), "--step", "7"]) == 2
    assert "no gradient-flow measurement at step 7" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main([str(folder)]) == 2
    error = capsys.readouterr().err
    assert error == "error: zoo-plot needs matplotlib; pip install 'zoo[plots]'.\n"


def test_a_multi_objective_sweep_draws_its_trials_and_marks_its_pareto_front(tmp_path, capsys):
    """Trial 1 runs two seeds (its point is their mean); the front is what the sweep chose."""
    points = {"0": (0.5, 100), "1_seed0": (0.2, 400), "1_seed1": (0.4, 400), "2": (0.6, 900)}
    for name, (loss, params) in points.items():
        folder = write_run(
            tmp_path / name,
            seed=int(name[-1]) if "seed" in name else 0,
            metrics={"val/loss": loss, "test/loss": loss},
            params=params,
            extra=[f"optimizer.lr={len(name)}"],
        )
        (folder / ".hydra" / "config.yaml").write_text("optimized_metric: val/loss\n")
    (tmp_path / "optimization_results.yaml").write_text(
        "name: optuna\nmetrics: [val/loss, params]\ndirections: [minimize, minimize]\n"
        "pareto_front:\n- {trial: 0, values: {val/loss: 0.5, params: 100}}\n"
        "- {trial: 1, values: {val/loss: 0.3, params: 400}}\ntrials: 3\n"
    )
    runs = collect([tmp_path]).runs
    front = read_front(tmp_path, runs)
    assert front.trials == {0: [0.5, 100.0], 1: [pytest.approx(0.3), 400.0], 2: [0.6, 900.0]}
    fig, lines = sweep_figure(
        aggregate(runs, ["optimizer.lr"], ["test/loss"]), "val/loss", front=front
    )
    pareto = fig.axes[-1]
    assert len(pareto.collections[0].get_offsets()) == 3  # every trial
    assert [tuple(p) for p in pareto.lines[0].get_xydata()] == [
        (pytest.approx(0.3), 400),
        (0.5, 100),
    ]
    assert lines == ["Pareto front (val/loss min, params min): trials 0, 1"]
    assert main([str(tmp_path), "-o", str(tmp_path / "f.png")]) == 0
    assert "Pareto front (val/loss min, params min): trials 0, 1" in capsys.readouterr().out


def test_a_pareto_front_that_is_not_zoos_is_refused_in_one_sentence(tmp_path, capsys):
    folder = write_run(tmp_path / "0", metrics={"test/loss": 0.5})
    (folder / ".hydra" / "config.yaml").write_text("optimized_metric: val/loss\n")
    (tmp_path / "optimization_results.yaml").write_text("metrics: [val/loss]\npareto_front: 3\n")
    assert main([str(tmp_path), "-o", str(tmp_path / "f.png")]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"error: {tmp_path / 'optimization_results.yaml'} is not a Pareto front as zoo's Optuna "
        "sweeper writes it (metrics, directions, pareto_front of trials); run the sweep's "
        "command again to rewrite it."
    )
