"""Topology names (the `topology` config group) -> classes, and the model builder."""

from __future__ import annotations

from zoo.errors import ZooError
from zoo.topologies.many_to_many import ManyToMany
from zoo.topologies.many_to_one import ManyToOne
from zoo.topologies.one_to_many import OneToMany
from zoo.topologies.one_to_one import OneToOne
from zoo.topologies.seq2seq import Seq2Seq

TOPOLOGIES = {
    cls.name: cls for cls in (OneToOne, ManyToOne, ManyToMany, OneToMany, Seq2Seq)
}


def topology_class(name: str):
    if name not in TOPOLOGIES:
        raise ZooError(f"topology {name!r} is not known; choose one of {tuple(TOPOLOGIES)}.")
    return TOPOLOGIES[name]


def build_model(spec, cell, direction, topology):
    """The network for this data `spec` and the `cell`, `direction`, `topology` configs."""
    return topology_class(topology.name)(spec, cell, direction, topology)
