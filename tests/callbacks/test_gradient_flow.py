"""Gradient flow through time (`callbacks=gradient_flow`): the measured curve is the true input
gradient, shows the tanh RNN's vanishing gradient, leaves training unchanged, and is written,
logged and plotted."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from conftest import compose_train, train_quick

from zoo.callbacks.gradient_flow import InputGradients
from zoo.data.synthetic.adding import adding_problem
from zoo.spec import Layout, Spec
from zoo.task.tbptt import windows
from zoo.topologies import build_model

ADDING = [
    "data.T=20",
    "data.n_train=128",
    "data.n_val=64",
    "data.n_test=64",
    "cell.hidden_size=16",
    "trainer.max_epochs=2",
]


def _adding_model(cell: str, tmp_path: Path):
    cfg = compose_train([f"cell={cell}"], tmp_path)
    torch.manual_seed(0)
    spec = Spec(Layout("sequence", "single"), "features", 2, "value", 1)
    return build_model(spec, cfg.cell, cfg.direction, cfg.topology)


def _ratio_first_last(model, steps: int) -> float:
    x, y = adding_problem(64, steps, torch.Generator().manual_seed(0))
    watcher = InputGradients(model.encoder)
    F.mse_loss(model({"x": x})[0], y).backward()
    watcher.remove()
    norms = watcher.norms()
    return float(norms[0] / norms[-1])


def test_norms_are_the_gradient_at_each_input_step_and_change_nothing(tmp_path):
    model = _adding_model("lstm", tmp_path)
    x, y = adding_problem(8, 12, torch.Generator().manual_seed(0))
    leaf = x.clone().requires_grad_()
    F.mse_loss(model({"x": leaf})[0], y).backward()
    reference = torch.linalg.vector_norm(leaf.grad, dim=(0, 2))
    grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    watcher = InputGradients(model.encoder)
    F.mse_loss(model({"x": x})[0], y).backward()
    watcher.remove()
    assert torch.allclose(watcher.norms(), reference)
    assert all(torch.equal(p.grad, g) for p, g in zip(model.parameters(), grads, strict=True))


def test_tanh_rnn_gradient_vanishes_where_the_lstm_keeps_it(tmp_path):
    rnn = _ratio_first_last(_adding_model("rnn", tmp_path), 30)
    lstm = _ratio_first_last(_adding_model("lstm", tmp_path), 30)
    assert rnn < 1e-4  # measured 7e-7 at initialisation
    assert lstm > 100 * rnn  # measured 3e-3


def test_truncated_windows_read_as_one_curve_in_time_order(tmp_path):
    cfg = compose_train(["data=copy_memory", "topology=many_to_many"], tmp_path)
    torch.manual_seed(0)
    spec = Spec(Layout("sequence", "aligned"), "features", 3, "value", 1)
    model = build_model(spec, cfg.cell, cfg.direction, cfg.topology)
    x = torch.randn(4, 10, 3, requires_grad=True)
    watcher = InputGradients(model.encoder)
    for w, (_, logits, _) in enumerate(windows(model, {"x": x, "y": x}, 4)):
        ((w + 1) * logits).sum().backward()  # a different scale per window
    watcher.remove()
    assert torch.allclose(watcher.norms(), torch.linalg.vector_norm(x.grad, dim=(0, 2)))


def test_callback_records_curves_and_norms_without_changing_training(tmp_path):
    clip = "trainer.gradient_clip_val=0.01"
    watched, _ = train_quick(
        ADDING
        + [
            clip,
            "logger=csv",
            "callbacks=gradient_flow",
            "callbacks.gradient_flow.every_n_steps=2",
        ],
        tmp_path / "w",
    )
    plain, _ = train_quick(ADDING + [clip], tmp_path / "plain")
    assert watched["val/loss"] == plain["val/loss"]
    files = sorted(p.name for p in (tmp_path / "w" / "gradient_flow").iterdir())
    assert files == ["step0.json", "step2.json"]  # 2 steps per epoch, every 2nd step
    record = json.loads((tmp_path / "w" / "gradient_flow" / "step2.json").read_text())
    assert len(record["norms"]) == 20
    assert record["ratio_first_last"] == pytest.approx(record["norms"][0] / record["norms"][-1])
    rows = list(csv.DictReader((tmp_path / "w" / "csv" / "metrics.csv").open()))
    logged = [r for r in rows if r.get("grad_flow/ratio_first_last")]
    assert [int(r["step"]) for r in logged] == [0, 2]
    totals = [float(r["grad_norm/total"]) for r in rows if r.get("grad_norm/total")]
    assert totals and min(totals) > 0.01  # measured before clipping to 0.01
    assert any(r.get("grad_norm/encoder.layers.0.weight_hh_l0") for r in rows)
