"""Every run scores its task's trivial baseline on val and test beside the model's metrics, and
warns when the model ends no better."""

from __future__ import annotations

import logging
import math

import pytest
import torch
from conftest import train_quick

from zoo.data.batches import TensorSequences
from zoo.spec import Layout, Scaling, Spec
from zoo.task.baselines import Baseline, not_better

TINY = ["data.n_train=64", "data.T=10", "cell.hidden_size=8", "trainer.max_epochs=1"]


def test_adding_baseline_is_the_mean_predictor_and_a_bad_run_is_warned(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        metrics, _ = train_quick([*TINY, "data.n_val=2000", "data.n_test=32"], tmp_path)
    # the sum of two U(0, 1) has variance 1/6: always predicting the mean scores ~0.167
    assert metrics["val/baseline_mse"] == pytest.approx(1 / 6, abs=0.015)
    assert {"test/baseline_mse", "test/baseline_rmse", "test/baseline_mae"} <= set(metrics)
    assert metrics["val/mse"] > metrics["val/baseline_mse"]  # one epoch of 2 batches: no skill
    assert "no better than its trivial baseline" in caplog.text
    assert "val/mse" in caplog.text


def test_classification_baseline_is_the_train_majority_share():
    spec = Spec(Layout("sequence", "single"), "features", 1, "class", 3)
    x = torch.zeros(10, 4, 1)
    train = TensorSequences(x, torch.tensor([2, 2, 2, 2, 1, 1, 1, 0, 0, 0]))
    val = TensorSequences(x[:5], torch.tensor([2, 0, 0, 0, 1]))  # val's own majority is 0
    scores = Baseline(spec, train).score(val, "val")
    assert scores["val/baseline_acc"] == pytest.approx(1 / 5)
    prior = torch.tensor([3 + 1, 3 + 1, 4 + 1]) / 13  # add-one train frequencies
    expected = -prior[torch.tensor([2, 0, 0, 0, 1])].log().mean()
    assert scores["val/baseline_loss"] == pytest.approx(float(expected), rel=1e-5)


def test_tagging_baseline_is_the_most_frequent_tag_per_token():
    spec = Spec(Layout("sequence", "aligned"), "tokens", 5, "class", 2)
    # token 1 is mostly tag 1, token 2 always tag 0; tag 0 is the most frequent overall
    train = TensorSequences(torch.tensor([[1, 1, 2, 2], [1, 2, 2, 0]]),
                            torch.tensor([[1, 1, 0, 0], [0, 0, 0, 0]]),
                            x_len=torch.tensor([4, 3]))
    # token 3 never occurs in train: the overall most frequent tag (0); padding is not counted
    val = TensorSequences(torch.tensor([[1, 2, 3, 0]]), torch.tensor([[1, 0, 1, 1]]),
                          x_len=torch.tensor([3]))
    assert Baseline(spec, train).score(val, "val")["val/baseline_acc"] == pytest.approx(2 / 3)


def test_tagging_baseline_reads_the_words_before_the_vocabulary_cut():
    """`x_words` (ids among every training word, more than the model's 3) key the guess: the
    rare words 3 and 4, both <unk> (1) to the model, keep their own tags."""
    spec = Spec(Layout("sequence", "aligned"), "tokens", 3, "class", 2)
    train = TensorSequences(torch.tensor([[2, 1, 1]]), torch.tensor([[0, 1, 0]]),
                            x_len=torch.tensor([3]), x_words=torch.tensor([[1, 3, 4]]))
    val = TensorSequences(torch.tensor([[1, 1]]), torch.tensor([[1, 0]]),
                          x_len=torch.tensor([2]), x_words=torch.tensor([[3, 4]]))
    assert Baseline(spec, train).score(val, "val")["val/baseline_acc"] == 1.0


def test_language_model_baseline_is_a_unigram_model():
    spec = Spec(Layout("sequence", "aligned", causal=True), "tokens", 3, "tokens", 3)
    train = TensorSequences(torch.zeros(1, 4, dtype=torch.long), torch.tensor([[1, 1, 1, 2]]))
    val = TensorSequences(torch.zeros(1, 2, dtype=torch.long), torch.tensor([[1, 2]]))
    scores = Baseline(spec, train).score(val, "val")
    p = torch.tensor([1, 4, 2]) / 7  # add-one counts of tokens 0, 1, 2
    nll = float(-(p[1].log() + p[2].log()) / 2)
    assert scores["val/baseline_loss"] == pytest.approx(nll, rel=1e-5)
    assert scores["val/baseline_ppl"] == pytest.approx(math.exp(nll), rel=1e-5)
    assert scores["val/baseline_acc"] == pytest.approx(0.5)


def test_a_univariate_forecast_gets_persistence_when_it_beats_the_mean():
    spec = Spec(Layout("sequence", "single"), "features", 1, "value", 1,
                target_scaling=Scaling([0.0], [10.0]))
    walk = torch.randn(201).cumsum(0) * 5  # a random walk: tomorrow is today plus noise
    x = torch.stack([walk[i:i + 4] for i in range(197)]).unsqueeze(-1)
    y = walk[4:201].unsqueeze(-1)
    baseline = Baseline(spec, TensorSequences(x[:150], y[:150]))
    scores = baseline.score(TensorSequences(x[150:], y[150:]), "test")
    assert baseline.name == "persistence (last value)"
    expected = float(((y[150:] - x[150:, -1]) ** 2).mean())
    assert scores["test/baseline_mse"] == pytest.approx(expected, rel=1e-4)
    assert scores["test/baseline_rmse"] == pytest.approx(10 * math.sqrt(expected), rel=1e-4)


def test_no_better_follows_each_metrics_direction():
    metrics = {"test/acc": 0.851, "test/baseline_acc": 0.862, "test/loss": 0.4,
               "test/baseline_loss": 0.9, "val/mse": 0.1, "val/baseline_mse": 0.17}
    assert not_better(metrics) == ["test/acc 0.851 vs 0.862"]
