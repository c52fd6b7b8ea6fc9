"""Topologies: how a recurrent stack is wired between the data's input and target."""

from zoo.topologies.build_model import build_model, topology_class

__all__ = ["build_model", "topology_class"]
