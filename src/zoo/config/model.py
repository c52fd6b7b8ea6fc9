"""Schemas of the model groups: `cell`, `direction` and each `topology` option.

A default written here is the group's default; an option's YAML sets only what makes it that
option (conf/cell/irnn.yaml: `kind: rnn`, `nonlinearity: relu`, `init: identity`).

A cell and each topology name their class with `_target_` and `_partial_: true` (the Spec, the
input size and the direction are given where the model is built: zoo.topologies.build_model);
the `_target_` defaults here fill a config written before the key existed (an old checkpoint's
hyperparameters). A topology without a schema here is typed by its class's signature instead
(zoo.config.check).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from omegaconf import OmegaConf

from zoo.cells.init import SCHEMES
from zoo.cells.merge import MERGES
from zoo.cells.stack import KINDS, PACKING
from zoo.config.check import check_values
from zoo.config.fields import knob
from zoo.topologies.attention import ATTENTIONS
from zoo.topologies.layers import ACTIVATIONS
from zoo.topologies.one_to_many import CONDITIONING
from zoo.topologies.pooling import SUMMARIES


@dataclass
class CellConfig:
    _target_: str = "zoo.cells.stack.RecurrentStack"
    _partial_: bool = True  # the input size and direction come from the topology
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
    _target_: str = knob()
    _partial_: bool = True  # the Spec, cell and direction come from zoo.topologies.build_model
    name: str = knob()
    embedding_dim: int = knob(64, low=1)  # used when the input (or target) is tokens
    embedding_dropout: float = knob(0.0, low=0.0, below=1.0)


@dataclass
class OneToOneConfig(TopologyConfig):
    _target_: str = "zoo.topologies.one_to_one.OneToOne"
    head: DenseHead = knob(factory=DenseHead)


@dataclass
class ManyToOneConfig(TopologyConfig):
    _target_: str = "zoo.topologies.many_to_one.ManyToOne"
    # a: embeddings start U(-a, a) (Keras: 0.05); null: torch's N(0, 1)
    embedding_init_range: float | None = knob(None, low=0.0)
    summary: str = knob("last", choices=SUMMARIES)
    head: DenseHead = knob(factory=DenseHead)


@dataclass
class ManyToManyConfig(TopologyConfig):
    _target_: str = "zoo.topologies.many_to_many.ManyToMany"
    head: DenseHead = knob(factory=DenseHead)


@dataclass
class OneToManyConfig(TopologyConfig):
    _target_: str = "zoo.topologies.one_to_many.OneToMany"
    condition_dim: int = knob(32, low=1)  # embedding of a class-id condition
    condition: str = knob("both", choices=CONDITIONING)
    head: OutputHead = knob(factory=OutputHead)


@dataclass
class Seq2SeqConfig(TopologyConfig):
    _target_: str = "zoo.topologies.seq2seq.Seq2Seq"
    attention: str = knob("luong", choices=ATTENTIONS)
    condition: str = knob("init", choices=CONDITIONING)
    head: OutputHead = knob(factory=OutputHead)


# the `topology` options with a schema (Hydra's ConfigStore: /schema/topology/<option>)
TOPOLOGY_SCHEMAS: dict[str, Any] = {
    "one_to_one": OneToOneConfig,
    "many_to_one": ManyToOneConfig,
    "many_to_many": ManyToManyConfig,
    "one_to_many": OneToManyConfig,
    "seq2seq": Seq2SeqConfig,
}


def topology_schema(topology) -> Any:
    """The schema of a `topology` config: the one of its `_target_`, else of its `name` (a
    config written before `_target_` existed); None for a class without one."""
    target = topology.get("_target_")
    for schema in TOPOLOGY_SCHEMAS.values():
        if target is not None and schema._target_ == target:
            return schema
    if target is not None:
        return None
    return TOPOLOGY_SCHEMAS.get(topology.get("name"), TopologyConfig)


def typed_model_config(cell: dict, direction: dict, topology: dict) -> tuple:
    """The model groups of a run (plain dicts, as a checkpoint stores them) on their schemas,
    their knobs' choices and ranges checked as a composed config's are (zoo.config.check)."""
    schema = topology_schema(topology)
    typed = (OmegaConf.create(topology) if schema is None
             else OmegaConf.merge(OmegaConf.structured(schema), topology))
    groups = (OmegaConf.merge(OmegaConf.structured(CellConfig), cell),
              OmegaConf.merge(OmegaConf.structured(DirectionConfig), direction), typed)
    for path, node in zip(("cell", "direction", "topology"), groups, strict=True):
        check_values(node, path)
    return groups
