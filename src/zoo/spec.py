"""What the data is, published by a datamodule; models are built from it.

`Layout` is the static shape of a task, known from the data config alone (before any data is
loaded), so incompatible topologies can be refused at compose time. `Spec` adds the sizes
and vocabularies that are only known once the data is prepared.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

InputKind = Literal["tokens", "features", "label"]
TargetKind = Literal["class", "value", "tokens"]


@dataclass(frozen=True)
class Layout:
    """`input`: a sequence or a single item; `target`: a single item, one per input step
    (aligned), or a sequence of its own length. `causal`: the target at step t is the input at
    t+1 (language modelling), so the model must not see the future."""

    input: Literal["sequence", "single"]
    target: Literal["single", "aligned", "sequence"]
    causal: bool = False


@dataclass
class Spec:
    layout: Layout
    input_kind: InputKind
    input_size: int  # feature dim, vocabulary size, or number of condition labels
    target_kind: TargetKind
    target_size: int  # number of classes, regression dim, or target vocabulary size
    pad_id: int = 0
    bos_id: int | None = None
    eos_id: int | None = None
    input_vocab: list[str] | None = None
    target_vocab: list[str] | None = None  # token strings, or class names for labels
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Spec:
        d = dict(d)
        d["layout"] = Layout(**d["layout"])
        return cls(**d)
