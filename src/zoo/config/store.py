"""Put zoo's schemas into Hydra's ConfigStore, where the configs under conf/ name them:
conf/train.yaml starts from `train_schema`; a data, topology or optimizer option starts from
`/schema/<group>/<option>@_here_` in its defaults list.

A datamodule's schema sits beside its class (a `DataConfig` in `zoo/data/<part>/<name>.py`),
as does a topology's (a `TopologyConfig`): `option_schemas` collects every one that names its
option (`name`), so a new dataset is its module and its YAML, nothing else."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from functools import cache

from hydra.core.config_store import ConfigStore

from zoo.config.training import OPTIMIZER_SCHEMAS, TrainConfig
from zoo.data.base import DataConfig
from zoo.topologies.base import TopologyConfig

# the packages whose modules hold the datamodules and the topologies
PACKAGES = ("zoo.data.synthetic", "zoo.data.datasets", "zoo.data.formats", "zoo.topologies")


def _named(base: type) -> dict[str, type]:
    """Every schema below `base` whose `name` has a default: {option: schema}."""
    found: dict[str, type] = {}
    todo = list(base.__subclasses__())
    while todo:
        schema = todo.pop()
        todo.extend(schema.__subclasses__())
        name = next(f.default for f in dataclasses.fields(schema) if f.name == "name")
        if name == "???":  # a family of keys several schemas share, no option of its own
            continue
        if found.get(name, schema) is not schema:
            raise TypeError(f"{schema.__qualname__} and {found[name].__qualname__} both name "
                            f"the option {name!r}; give one of them another name.")
        found[name] = schema
    return dict(sorted(found.items()))


@cache
def option_schemas() -> dict[str, dict[str, type]]:
    """{group: {option: schema}} for the groups whose options have a schema of their own."""
    for package in PACKAGES:
        for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
            importlib.import_module(f"{package}.{module.name}")
    return {"data": _named(DataConfig), "topology": _named(TopologyConfig),
            "optimizer": OPTIMIZER_SCHEMAS}


def store_schemas() -> None:
    store = ConfigStore.instance()
    store.store(name="train_schema", node=TrainConfig)
    for group, schemas in option_schemas().items():
        for option, schema in schemas.items():
            store.store(group=f"schema/{group}", name=option, node=schema)
