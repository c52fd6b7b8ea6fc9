"""Schemas of the model groups: `cell`, `direction` and each `topology` option.

A default written here is the group's default; an option's YAML sets only what makes it that
option (conf/cell/irnn.yaml: `kind: rnn`, `nonlinearity: relu`, `init: identity`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from omegaconf import OmegaConf

from zoo.cells.init import SCHEMES
from zoo.cells.merge import MERGES
from zoo.cells.stack import KINDS, PACKING
from zoo.config.fields import knob
from zoo.topologies.attention import ATTENTIONS
from zoo.topologies.layers import ACTIVATIONS
from zoo.topologies.one_to_many import CONDITIONING
from zoo.topologies.pooling import SUMMARIES


@dataclass
class CellConfig:
    kind: str = knob(choices=KINDS)
    hidden_size: int = knob(64, low=1)
    num_layers: int = knob(1, low=1)
    dropout: float = knob(0.0, low=0.0, below=1.0)  # between stacked layers
    init: str = knob("default", choices=SCHEMES)  # min cells: default | xavier
    nonlinearity: str = knob("tanh", choices=("tanh", "relu"))  # rnn only
    # LSTM: forget-gate bias (Jozefowicz et al. 2015; Keras's unit_forget_bias); minLSTM: added
    # to the forget gate's pre-activation; null keeps torch's initialisation
    forget_bias: float | None = None
    # unequal lengths in a batch (torch cells): auto (unpacked when all equal, exact padded
    # calls on the CPU, cuDNN's packing on CUDA) | packed | padded (see zoo.cells.stack)
    packing: str = knob("auto", choices=PACKING)


@dataclass
class DirectionConfig:
    bidirectional: bool = False
    merge: str = knob("concat", choices=MERGES)  # Keras's merge_mode


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


@dataclass
class TopologyConfig:
    name: str = knob()
    embedding_dim: int = knob(64, low=1)  # used when the input (or target) is tokens
    embedding_dropout: float = knob(0.0, low=0.0, below=1.0)


@dataclass
class OneToOneConfig(TopologyConfig):
    head: DenseHead = knob(factory=DenseHead)


@dataclass
class ManyToOneConfig(TopologyConfig):
    # a: embeddings start U(-a, a) (Keras: 0.05); null: torch's N(0, 1)
    embedding_init_range: float | None = knob(None, low=0.0)
    summary: str = knob("last", choices=SUMMARIES)
    head: DenseHead = knob(factory=DenseHead)


@dataclass
class ManyToManyConfig(TopologyConfig):
    head: DenseHead = knob(factory=DenseHead)



@dataclass
class OneToManyConfig(TopologyConfig):
    condition_dim: int = knob(32, low=1)  # embedding of a class-id condition
    condition: str = knob("both", choices=CONDITIONING)
    head: OutputHead = knob(factory=OutputHead)


@dataclass
class Seq2SeqConfig(TopologyConfig):
    attention: str = knob("luong", choices=ATTENTIONS)
    condition: str = knob("init", choices=CONDITIONING)
    head: OutputHead = knob(factory=OutputHead)


TOPOLOGY_SCHEMAS: dict[str, Any] = {
    "one_to_one": OneToOneConfig,
    "many_to_one": ManyToOneConfig,
    "many_to_many": ManyToManyConfig,
    "one_to_many": OneToManyConfig,
    "seq2seq": Seq2SeqConfig,
}


def typed_model_config(cell: dict, direction: dict, topology: dict) -> tuple:
    """The model groups of a run (plain dicts, as a checkpoint stores them) on their schemas,
    so a key a newer zoo added has its default."""
    topology_schema = TOPOLOGY_SCHEMAS.get(topology.get("name"), TopologyConfig)
    return tuple(OmegaConf.merge(OmegaConf.structured(schema), node) for schema, node in
                 ((CellConfig, cell), (DirectionConfig, direction), (topology_schema, topology)))
