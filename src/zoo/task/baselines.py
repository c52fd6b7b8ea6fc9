"""The trivial baseline of every task, fitted on the train split and scored on the others.

Fitted on the training data as it was read, not on what the model's vocabulary keeps: per
input token, the tokens before the vocabulary cut where the data keeps them (`x_words`), so a
rare word keeps its own tag instead of sharing <unk>'s. (Targets are scored as the model's
metrics score them: a language model's unigram baseline predicts the same cut vocabulary.)

Classes: the most frequent class of the train split, per input token for token-aligned tags
(most frequent tag per token, the overall one for unseen tokens); tokens: a unigram model;
values: the train mean, or persistence (the last input value) for a univariate series when
that fits the train split better. Scored with the task's own metrics, named
`<split>/baseline_<metric>` (`val/baseline_acc`, `test/baseline_rmse`, ...).
"""

from __future__ import annotations

import logging

import torch

from zoo.spec import Spec
from zoo.task.direction import direction
from zoo.task.objective import Objective

log = logging.getLogger(__name__)
PREFIX = "baseline_"


def _whole(objective: Objective, data) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Every real (non-padding) step of a split: (targets, inputs at the same steps (the
    tokens before the vocabulary cut where the data keeps them), the inputs' last real step
    per example)."""
    batch = data.whole() if hasattr(data, "whole") else data[list(range(len(data)))]
    _, target = objective.select(batch["y"], batch)
    x = batch["x"]
    layout = objective.spec.layout
    steps = objective.select(batch.get("x_words", x), batch)[0] if (
        layout.target == "aligned") else None
    if layout.input != "sequence":
        return target, steps, None
    last = batch.get("x_len", torch.full((len(x),), x.size(1))) - 1
    return target, steps, x[torch.arange(len(x)), last]


def _as_guess(values: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """One input value per example as the guess for each of its target's dimensions."""
    return values.float().reshape(-1, 1).expand(len(target), target[0].numel()).reshape(
        target.shape)


class Baseline:
    """Fit on the train split; `score(split_data, split)` gives the baseline's metrics."""

    def __init__(self, spec: Spec, train):
        self.spec = spec
        self.objective = Objective(spec)
        target, steps, last = _whole(self.objective, train)
        if spec.target_kind == "value":
            self._fit_value(target, steps, last)
        else:
            self._fit_classes(target, steps)

    def _keys(self, target: torch.Tensor, steps) -> torch.Tensor:
        """What the guess is conditioned on: the input token for token-aligned classes."""
        return steps.long() if self.per_token else torch.zeros_like(target, dtype=torch.long)

    def _fit_classes(self, target: torch.Tensor, steps) -> None:
        spec = self.spec
        self.per_token = spec.target_kind == "class" and spec.input_kind == "tokens" and (
            steps is not None)
        # per token: a row per input id (ids of `x_words` may outnumber the model's vocabulary)
        rows = max(spec.input_size, int(steps.max()) + 1) if self.per_token else 1
        counts = torch.zeros(rows, spec.target_size)
        counts.index_put_((self._keys(target, steps), target.long()),
                          torch.ones(len(target)), accumulate=True)
        prior = counts.sum(0) + 1  # add-one: a class unseen in train keeps a finite loss
        prior /= prior.sum()
        # per token: one pseudo-count spread by the prior (an unseen token gets the prior)
        per_key = (counts + prior) / (counts.sum(1, keepdim=True) + 1)
        self.log_probs = (per_key if self.per_token else prior[None]).log()

    def _fit_value(self, target: torch.Tensor, steps, last) -> None:
        target = target.float()
        self.mean = target.mean(0)
        self.persistence = False
        spec = self.spec
        if spec.layout.input == "sequence" and spec.input_kind == "features" and (
                spec.input_size == 1):  # a univariate series
            inputs = steps if steps is not None else last
            mse_mean = ((target - self.mean) ** 2).mean()
            mse_last = ((target - _as_guess(inputs, target)) ** 2).mean()
            self.persistence = bool(mse_last < mse_mean)

    @property
    def name(self) -> str:
        if self.spec.target_kind == "value":
            return "persistence (last value)" if self.persistence else "train mean"
        if self.spec.target_kind == "tokens":
            return "unigram model"
        return "most frequent class" + (" per token" if self.per_token else "")

    def score(self, data, split: str) -> dict[str, float]:
        target, steps, last = _whole(self.objective, data)
        if self.spec.target_kind == "value":
            return self._score_value(target, steps, last, split)
        rows = self.log_probs[self._keys(target, steps)]
        nll = -rows.gather(1, target.long()[:, None]).mean()
        found = {"loss": nll, "acc": (rows.argmax(1) == target).float().mean()}
        if self.spec.target_kind == "tokens":
            found["ppl"] = nll.exp()
        return {f"{split}/{PREFIX}{k}": float(v) for k, v in found.items()}

    def _score_value(self, target, steps, last, split: str) -> dict[str, float]:
        target = target.float()
        if self.persistence:
            guess = _as_guess(steps if steps is not None else last, target)
        else:
            guess = self.mean.expand_as(target)
        metrics = self.objective.update(split, guess, target).compute()
        return {k.replace("/", f"/{PREFIX}", 1): float(v) for k, v in metrics.items()}


def not_better(metrics: dict) -> list[str]:
    """'test/acc 0.851 vs 0.862' (model vs baseline) for each metric no better than its
    baseline."""
    found = []
    for name, base in metrics.items():
        split, _, metric = name.partition("/")
        model = metrics.get(f"{split}/{metric.removeprefix(PREFIX)}")
        way = direction(metric)
        if not metric.startswith(PREFIX) or model is None or base is None or way is None:
            continue
        if (model <= base) if way == "max" else (model >= base):
            found.append(f"{split}/{metric.removeprefix(PREFIX)} {model:.4g} vs {base:.4g}")
    return found


def warn_if_not_better(metrics: dict) -> None:
    worse = not_better(metrics)
    if worse:
        log.warning("the model ends no better than its trivial baseline (model vs baseline: "
                    "%s); train it longer or tune it before trusting its metrics.",
                    ", ".join(worse))
