"""The composition matrix: every cell x direction x topology, each on its synthetic data,
learns; every forbidden mix is refused with its one-sentence message."""

from __future__ import annotations

import math

import pytest
import torch
from conftest import compose_train, run_cli, train_quick
from hydra.utils import instantiate

from zoo.errors import ZooError
from zoo.run.train import build_task
from zoo.run.validate import validate

CELLS = ("rnn", "rnn_relu", "irnn", "lstm", "gru")
# each topology with its synthetic data, made tiny
TOPOLOGY_DATA = {
    "one_to_one": ["data=xor", "data.n_val=16", "data.n_test=16"],
    "many_to_one": ["data=adding", "data.T=10", "data.n_val=16", "data.n_test=16"],
    "many_to_many": ["data=copy_memory", "data.T=5", "data.n_val=16", "data.n_test=16"],
    "one_to_many": ["data=spell", "data.numbers=20", "topology.condition_dim=8"],
    "seq2seq": ["data=addition", "data.digits=2", "data.n_val=16", "data.n_test=16"],
}
UNI_ONLY = {"one_to_many"}  # a decoder cannot be bidirectional
TINY = [
    "data.n_train=32",
    "data.batch_size=32",
    "cell.hidden_size=16",
    "topology.embedding_dim=8",
    "optimizer.lr=0.03",
]
STEPS = 60

MATRIX = [
    (cell, direction, topology)
    for topology in TOPOLOGY_DATA
    for cell in CELLS
    for direction in ("uni", "bi")
    if not (direction == "bi" and topology in UNI_ONLY)
]


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny models gain nothing from threads, and lose much when the cores are shared."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def composed(cell: str, direction: str, topology: str, tmp_path, extra=()):
    overrides = [f"cell={cell}", f"direction={direction}", f"topology={topology}"]
    return compose_train(overrides + TOPOLOGY_DATA[topology] + TINY + list(extra), tmp_path)


def batch_losses(task, batch: dict, steps: int) -> list[float]:
    """Training losses of `steps` optimiser steps on one batch (the task's own loss)."""
    optimizer = task.configure_optimizers()
    losses = []
    for _ in range(steps):
        logits, _ = task(batch)
        loss = task.objective.loss(*task.objective.select(logits, batch))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize(("cell", "direction", "topology"), MATRIX)
def test_every_composition_learns(cell, direction, topology, tmp_path):
    cfg = composed(cell, direction, topology, tmp_path)
    validate(cfg)
    torch.manual_seed(0)
    datamodule = instantiate(cfg.data)
    task = build_task(cfg, datamodule.spec)
    batch = next(iter(datamodule.train_dataloader()))
    losses = batch_losses(task, batch, STEPS)
    assert all(map(torch.isfinite, torch.tensor(losses)))
    assert losses[-1] < 0.6 * losses[0], losses


@pytest.mark.parametrize("topology", list(TOPOLOGY_DATA))
def test_every_topology_trains_end_to_end(topology, tmp_path):
    """The Lightning loop (fit, best checkpoint, validate, test) on each topology's data."""
    cfg_overrides = [
        "cell=gru",
        f"topology={topology}",
        *TOPOLOGY_DATA[topology],
        *TINY,
        "trainer.max_epochs=2",
    ]
    metrics, params = train_quick(cfg_overrides, tmp_path)
    assert params > 0
    assert math.isfinite(metrics["test/loss"])
    generative = topology in ("one_to_many", "seq2seq")
    assert ("test/exact_match" in metrics) == generative


def refusal(overrides: list[str], tmp_path) -> str:
    cfg = compose_train(overrides, tmp_path)
    with pytest.raises(ZooError) as caught:
        validate(cfg)
    return str(caught.value)


DATA_TOPOLOGY = {
    "xor": "one_to_one",
    "adding": "many_to_one",
    "copy_memory": "many_to_many",
    "spell": "one_to_many",
    "addition": "seq2seq",
}
MISMATCHES = [
    (data, wrong)
    for data in DATA_TOPOLOGY
    for wrong in TOPOLOGY_DATA
    if wrong != DATA_TOPOLOGY[data]
]


@pytest.mark.parametrize(("data", "topology"), MISMATCHES)
def test_topology_that_does_not_fit_the_data_is_refused(data, topology, tmp_path):
    message = refusal([f"data={data}", f"topology={topology}"], tmp_path)
    assert message.startswith(f"topology={topology} maps ")
    assert f"but data={data} has a " in message
    assert message.endswith(f"use topology={DATA_TOPOLOGY[data]} with this data.")


def test_bidirectional_language_model_is_refused(tmp_path):
    overrides = ["data=shakespeare", "direction=bi", "topology=many_to_many"]
    message = refusal(overrides, tmp_path)
    assert message == (
        "data=shakespeare is a language-modelling target (each step predicts the "
        "next), so a bidirectional model would see the future; use direction=uni."
    )


def test_bidirectional_aligned_target_that_is_not_causal_is_allowed(tmp_path):
    cfg = compose_train(["data=copy_memory", "direction=bi", "topology=many_to_many"], tmp_path)
    assert not validate(cfg).causal


def test_bidirectional_decoder_is_refused(tmp_path):
    message = refusal(["data=spell", "direction=bi", "topology=one_to_many"], tmp_path)
    assert message == (
        "topology=one_to_many is a decoder, which cannot be bidirectional; use direction=uni."
    )


def test_cli_refuses_a_forbidden_mix_in_one_sentence(tmp_path):
    proc = run_cli(
        "zoo-train", "data=spell", "direction=bi", "topology=one_to_many", cwd=tmp_path, check=False
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [
        "error: topology=one_to_many is a decoder, which cannot be "
        "bidirectional; use direction=uni."
    ]
