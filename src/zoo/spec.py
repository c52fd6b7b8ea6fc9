"""What the data is, published by a datamodule; models are built from it.

`Layout` is the static shape of a task, known from the data config alone (before any data is
loaded), so incompatible topologies can be refused at compose time. `Spec` adds the sizes
and vocabularies that are only known once the data is prepared, and how the data was encoded
(`Tokenization`, `Scaling`), so inference encodes new inputs as training did. A Spec travels
in checkpoints and caches as plain dicts and lists (`to_dict`), which weights-only loading
reads.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
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


@dataclass(frozen=True)
class Tokenization:
    """How text became tokens. `normalize`: the name of a normaliser applied first
    (`zoo.data.preprocess.codec.NORMALIZERS`); inputs only: `max_len` keeps the first n tokens,
    `reverse` feeds them back to front (as the addition task feeds its query)."""

    level: Literal["char", "word"]
    lowercase: bool = False
    normalize: str | None = None
    max_len: int | None = None
    reverse: bool = False

    @property
    def join(self) -> str:
        """What joins decoded tokens back into text."""
        return "" if self.level == "char" else " "


@dataclass(frozen=True)
class Scaling:
    """Values were stored as (x - shift) / scale: one shift and scale per feature or target
    (or one for all)."""

    shift: list[float]
    scale: list[float]

    def apply(self, x):
        return (x - x.new_tensor(self.shift)) / x.new_tensor(self.scale)

    def undo(self, x):
        """`x` in the data's own units."""
        return x * x.new_tensor(self.scale) + x.new_tensor(self.shift)


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
    tokenization: Tokenization | None = None  # of input text
    target_tokenization: Tokenization | None = None  # None: the input's, untruncated, in order
    feature_scaling: Scaling | None = None
    target_scaling: Scaling | None = None
    stateful: bool = False  # parallel streams: each batch continues the previous one's rows

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Spec:
        d = dict(d)
        d["layout"] = Layout(**d["layout"])
        for key, kind in TYPED.items():
            if d.get(key) is not None:
                d[key] = kind(**d[key])
        return cls(**d)


TYPED = {
    "tokenization": Tokenization,
    "target_tokenization": Tokenization,
    "feature_scaling": Scaling,
    "target_scaling": Scaling,
}
