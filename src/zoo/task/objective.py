"""Loss and metrics that follow the data's target kind, never counting padding.

Classes use cross-entropy and accuracy; values use MSE (and RMSE and MAE, in the original
units when the spec carries a scale); tokens add perplexity.
Sequence outputs are masked by the input lengths (aligned) or target lengths (sequence).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torchmetrics import MeanAbsoluteError, MeanSquaredError, MetricCollection
from torchmetrics.classification import MulticlassAccuracy
from torchmetrics.text import Perplexity

from zoo.spec import Spec
from zoo.topologies.layers import length_mask

SPLITS = ("train", "val", "test")


class Objective(nn.Module):
    def __init__(self, spec: Spec):
        super().__init__()
        self.spec = spec
        self.metrics = nn.ModuleDict({f"{s}_": self._metrics(s) for s in SPLITS})

    def _metrics(self, split: str) -> MetricCollection:
        kind = self.spec.target_kind
        if kind == "value":
            # mse on the model's scale; rmse and mae in the data's original units
            found = {
                "mse": MeanSquaredError(),
                "rmse": MeanSquaredError(squared=False),
                "mae": MeanAbsoluteError(),
            }
        else:
            found = {"acc": MulticlassAccuracy(self.spec.target_size, average="micro")}
            if kind == "tokens":
                found["ppl"] = Perplexity()
        return MetricCollection(found, prefix=f"{split}/")

    def select(self, logits: torch.Tensor, batch: dict) -> tuple[torch.Tensor, torch.Tensor]:
        """Flatten sequence outputs to their real (non-padding) steps."""
        y = batch["y"]
        target = self.spec.layout.target
        if target == "single":
            return logits, y
        lengths = batch.get("x_len") if target == "aligned" else batch.get("y_len")
        mask = length_mask(lengths, y.size(0), y.size(1), y.device)
        return logits[mask], y[mask]

    def loss(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if self.spec.target_kind == "value":
            return F.mse_loss(logits, target.view_as(logits).float())
        return F.cross_entropy(logits, target)

    def update(self, split: str, logits: torch.Tensor, target: torch.Tensor) -> MetricCollection:
        collection = self.metrics[f"{split}_"]
        logits = logits.detach()
        if self.spec.target_kind == "value":
            target = target.view_as(logits).float()
        for name, metric in collection.items(keep_base=True):
            if name.endswith("ppl"):
                metric.update(logits[None], target[None])
            elif name.endswith(("rmse", "mae")):
                metric.update(self._original_units(logits), self._original_units(target))
            else:
                metric.update(logits, target)
        return collection

    def _original_units(self, values: torch.Tensor) -> torch.Tensor:
        """Undo the data's scaling of its targets."""
        scaling = self.spec.target_scaling
        return scaling.undo(values) if scaling else values
