"""A topology config -> its class and its model, through the config's `_target_`.

Each `conf/topology/<name>.yaml` names its class with `_target_` and `_partial_: true`: its
keys are the class's keywords, and the data's Spec, the cell and the direction are given when
the model is built. Adding a topology is one module (a `Topology` subclass) and one YAML.
"""

from __future__ import annotations

from hydra.utils import get_class, instantiate

from zoo.errors import ZooError


def _target(topology) -> str:
    target = topology.get("_target_")
    if not target:
        raise ZooError(
            f"topology={topology.get('name')} names no class; give topology._target_ "
            "(e.g. zoo.topologies.many_to_one.ManyToOne) or start the option from its "
            "schema (/schema/topology/<name>@_here_)."
        )
    return target


def topology_class(topology) -> type:
    """The class a `topology` config names, imported (nothing is built)."""
    target = _target(topology)
    try:
        return get_class(target)
    except Exception as exc:  # hydra wraps import errors in several types
        raise ZooError(f"topology._target_={target!r} cannot be imported: {exc}") from None


def build_model(spec, cell, direction, topology):
    """The network for this data `spec` and the `cell`, `direction`, `topology` configs."""
    _target(topology)
    # a partial, called here: an error of the class's own checks is raised as it is
    return instantiate(topology, _partial_=True)(spec, cell, direction)
