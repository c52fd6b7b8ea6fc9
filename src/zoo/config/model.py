"""The model groups of a saved run (`cell`, `direction`, `topology`) back on their schemas.

Each schema sits beside the class that reads it: `CellConfig` (zoo.cells.stack),
`DirectionConfig` (zoo.cells.merge), each topology's (zoo.topologies.<name>). A topology
without one is typed by its class's signature instead (zoo.config.check).
"""

from __future__ import annotations

from typing import Any

from omegaconf import OmegaConf

from zoo.cells.merge import DirectionConfig
from zoo.cells.stack import CellConfig
from zoo.config.check import check_values
from zoo.config.store import option_schemas
from zoo.topologies.base import TopologyConfig


def topology_schema(topology) -> Any:
    """The schema of a `topology` config: the one of its `_target_`, else of its `name` (a
    config written before `_target_` existed); None for a class without one."""
    target = topology.get("_target_")
    for schema in option_schemas()["topology"].values():
        if target is not None and schema._target_ == target:
            return schema
    if target is not None:
        return None
    return option_schemas()["topology"].get(topology.get("name"), TopologyConfig)


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
