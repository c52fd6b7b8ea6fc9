"""The Keras example's model written by hand in torch: Embedding, stacked bidirectional
`nn.LSTM` over batches padded to maxlen (no lengths, no packing), the last layer's final
states of both directions, a linear layer. The baseline a user would write."""

from __future__ import annotations

import time

import torch
import torch.nn.functional as F
from torch import nn

from zoo.bench.peak import sync


class PaddedBiLstm(nn.Module):
    def __init__(self, vocab: int, embedding: int, hidden: int, layers: int, classes: int):
        super().__init__()
        self.embed = nn.Embedding(vocab, embedding)
        self.lstm = nn.LSTM(embedding, hidden, layers, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, (h, _) = self.lstm(self.embed(x))
        return self.out(torch.cat([h[-2], h[-1]], -1))


def like_zoo(cfg, spec) -> PaddedBiLstm:
    """The hand model of the same size as zoo's `keras_imdb_bilstm` model of `cfg`."""
    return PaddedBiLstm(
        spec.input_size,
        cfg.topology.embedding_dim,
        cfg.cell.hidden_size,
        cfg.cell.num_layers,
        spec.target_size,
    )


def padded_to(batch: dict, maxlen: int) -> torch.Tensor:
    """The batch's reviews padded with zeros in front to `maxlen` steps, as Keras's
    `pad_sequences` (padding="pre"): a review's last word is the last step."""
    x, lengths = batch["x"].long(), batch["x_len"]
    source = torch.arange(maxlen)[None, :] - (maxlen - lengths)[:, None]
    return torch.where(source >= 0, x.gather(1, source.clamp(0, x.size(1) - 1)), 0)


def hand_steps(model, optimizer, inputs, batches) -> float:
    """Train `model` on `inputs` (padded) with the batches' labels; seconds (the device's
    queued work included)."""
    model.train()
    device = next(model.parameters()).device
    sync(device)
    start = time.perf_counter()
    for x, batch in zip(inputs, batches, strict=True):
        loss = F.cross_entropy(model(x), batch["y"])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    sync(device)
    return time.perf_counter() - start
