"""Topologies: how a recurrent stack is wired between the data's input and target."""

from zoo.topologies.registry import TOPOLOGIES, build_model, topology_class

__all__ = ["TOPOLOGIES", "build_model", "topology_class"]
