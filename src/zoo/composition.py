"""The compose-time check: refuse a forbidden (data, direction, topology) mix before any data
is loaded, with one sentence that says what to change."""

from __future__ import annotations

from hydra.utils import get_class
from omegaconf import DictConfig

from zoo.errors import ZooError
from zoo.spec import Layout
from zoo.tbptt import check_truncation
from zoo.topologies import topology_class


def data_layout(data: DictConfig) -> Layout:
    try:
        cls = get_class(data._target_)
    except Exception as exc:  # hydra wraps import errors in several types
        raise ZooError(f"data._target_={data._target_!r} cannot be imported: {exc}") from None
    return cls.layout(data)


def check_composition(cfg: DictConfig) -> Layout:
    layout = data_layout(cfg.data)
    topology = topology_class(cfg.topology.name)
    topology.check(layout, bool(cfg.direction.bidirectional), cfg.data.name)
    check_truncation(cfg)
    return layout
