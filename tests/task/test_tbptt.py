"""Truncated BPTT (`tbptt_steps`): gradients stop at window edges, values do not change,
training still learns, k >= T is full BPTT, and topologies it cannot cut are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from conftest import compose_train, train_quick

from zoo.errors import ZooError
from zoo.run.validate import validate
from zoo.spec import Layout, Spec
from zoo.task.tbptt import windows
from zoo.topologies import build_model

MANY = ["data=copy_memory", "topology=many_to_many"]
COPY = [*MANY, "data.T=5", "data.n_train=256", "data.n_val=32", "data.n_test=32"]


def _model(cell: str, tmp_path: Path):
    """A 2-layer many_to_many on 3 features, built from the real `cell` config."""
    cfg = compose_train(
        [*MANY, f"cell={cell}", "cell.hidden_size=8", "cell.num_layers=2"], tmp_path
    )
    torch.manual_seed(0)
    spec = Spec(Layout("sequence", "aligned"), "features", 3, "value", 1)
    return build_model(spec, cfg.cell, cfg.direction, cfg.topology)


def test_no_gradient_crosses_a_window_edge(tmp_path):
    model = _model("lstm", tmp_path)
    x = torch.randn(2, 6, 3, requires_grad=True)
    batch = {"x": x, "y": torch.zeros(2, 6, 1)}
    reached = []
    for _, logits, _ in windows(model, batch, 2):
        (grad,) = torch.autograd.grad(logits.sum(), x)
        reached.append(grad.abs().sum(dim=(0, 2)) > 0)
    # window w's loss reaches the inputs of steps 2w, 2w+1 and no earlier (nor later) step
    expected = torch.eye(3, dtype=torch.bool).repeat_interleave(2, dim=1)
    assert torch.equal(torch.stack(reached), expected)


@pytest.mark.parametrize("kind", ["gru", "lstm"])
def test_windows_compute_the_same_values_as_one_pass(kind, tmp_path):
    model = _model(kind, tmp_path)
    lengths = torch.tensor([7, 3, 5])
    batch = {"x": torch.randn(3, 7, 3), "y": torch.zeros(3, 7, 1), "x_len": lengths}
    full, final = model(batch)
    pieces = {row: [] for row in range(3)}
    state = None
    for w, (window, logits, carried) in enumerate(windows(model, batch, 3)):
        running = (lengths > 3 * w).nonzero().squeeze(1).tolist()  # rows still running
        for i, row in enumerate(running):
            pieces[row].append(logits[i, : window["x_len"][i]])
        state = carried
    for row, n in enumerate(lengths.tolist()):
        assert torch.allclose(torch.cat(pieces[row]), full[row, :n], atol=1e-6)
    # every row's carried state is the state at its own last step, as in one pass
    for carried, reference in zip(state, final, strict=True):
        assert torch.allclose(carried, reference, atol=1e-6)


def test_copy_task_learns_with_truncation(tmp_path):
    metrics, _ = train_quick(
        COPY
        + ["tbptt_steps=10", "optimizer.lr=1e-2", "data.batch_size=32", "trainer.max_epochs=3"],
        tmp_path,
    )
    # 9 classes at chance is ln 9 = 2.2; predicting blanks well and guessing symbols is 0.83
    assert metrics["val/loss"] < 1.0


def test_window_longer_than_the_batch_is_full_bptt(tmp_path):
    # clipping that always bites and a per-epoch schedule: both must be applied as Lightning does
    same = COPY + [
        "data.n_train=128",
        "trainer.max_epochs=2",
        "trainer.gradient_clip_val=0.05",
        "scheduler=cosine",
    ]
    full, _ = train_quick(same, tmp_path / "full")
    cut, _ = train_quick(same + ["tbptt_steps=100"], tmp_path / "cut")
    assert cut["val/loss"] == pytest.approx(full["val/loss"], rel=1e-5)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["tbptt_steps=5", "topology=many_to_one"], "needs a loss at every time step"),
        (["tbptt_steps=5", *MANY, "direction=bi"], "bidirectional"),
        (["tbptt_steps=0", *MANY], "positive number"),
        (["tbptt_steps=5", *MANY, "++trainer.accumulate_grad_batches=2"], "accumulate"),
    ],
)
def test_refused_where_it_cannot_apply(overrides, message, tmp_path):
    cfg = compose_train(overrides, tmp_path)
    with pytest.raises(ZooError, match=message):
        validate(cfg)
