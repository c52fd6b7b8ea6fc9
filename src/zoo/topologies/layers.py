"""Small building blocks shared by the topologies: the input layer and the dense head."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from zoo.errors import ZooError
from zoo.knobs import knob
from zoo.spec import Spec

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "gelu": nn.GELU, "sigmoid": nn.Sigmoid}


@dataclass
class DenseHead:
    """Dense layers after the recurrent stack, then the output layer."""

    units: list[int] = knob(factory=list)
    activation: str = knob("relu", choices=tuple(ACTIVATIONS))
    input_dropout: float = knob(0.0, low=0.0, below=1.0)  # on the recurrent output
    dropout: float = knob(0.0, low=0.0, below=1.0)  # after each hidden dense layer


@dataclass
class OutputHead:
    dropout: float = knob(0.0, low=0.0, below=1.0)  # before the output layer


class InputLayer(nn.Module):
    """Token or label ids -> embeddings; feature vectors pass through unchanged."""

    def __init__(
        self, spec: Spec, embedding_dim: int, dropout: float = 0.0, init_range: float | None = None
    ):
        super().__init__()
        if spec.input_kind == "features":
            self.embed = None
            self.size = spec.input_size
        else:
            pad = spec.pad_id if spec.input_kind == "tokens" else None
            self.embed = nn.Embedding(spec.input_size, embedding_dim, padding_idx=pad)
            if init_range is not None:  # U(-a, a) as Keras's Embedding (a = 0.05); else N(0, 1)
                with torch.no_grad():
                    self.embed.weight.uniform_(-init_range, init_range)
                    if pad is not None:
                        self.embed.weight[pad].zero_()
            self.size = embedding_dim
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.embed(x) if self.embed is not None else x.float())


class Head(nn.Module):
    """Optional dense layers (units, activation, dropout), then the output projection.

    `input_dropout` acts on the recurrent summary; `dropout` after each hidden dense layer
    (Keras: `Dense(64, relu) -> Dropout(0.2) -> Dense(10)`)."""

    def __init__(self, in_size: int, out_size: int, units=(), activation="relu", dropout=0.0,
                 input_dropout=0.0):
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ZooError(
                f"head activation {activation!r} is not known; choose one of {tuple(ACTIVATIONS)}."
            )
        layers: list[nn.Module] = [nn.Dropout(input_dropout)] if input_dropout else []
        for width in units or ():
            layers += [nn.Linear(in_size, width), ACTIVATIONS[activation]()]
            if dropout:
                layers.append(nn.Dropout(dropout))
            in_size = width
        layers.append(nn.Linear(in_size, out_size))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def build_head(head, in_size: int, out_size: int) -> Head:
    """The `head` config (`DenseHead`) as a `Head`."""
    return Head(in_size, out_size, units=list(head.units), activation=head.activation,
                dropout=head.dropout, input_dropout=head.input_dropout)


def length_mask(lengths: torch.Tensor | None, batch: int, steps: int, device) -> torch.Tensor:
    """(B, T) bool mask, True at real (non-padding) steps."""
    if lengths is None:
        return torch.ones(batch, steps, dtype=torch.bool, device=device)
    return torch.arange(steps, device=device)[None, :] < lengths.to(device)[:, None]
