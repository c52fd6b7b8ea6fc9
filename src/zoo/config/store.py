"""Put zoo's schemas into Hydra's ConfigStore, where the configs under conf/ name them:
conf/train.yaml starts from `train_schema`; a data, topology or optimizer option starts from
`/schema/<group>/<option>@_here_` in its defaults list."""

from __future__ import annotations

from hydra.core.config_store import ConfigStore

from zoo.config.data import DATA_SCHEMAS
from zoo.config.model import TOPOLOGY_SCHEMAS
from zoo.config.training import OPTIMIZER_SCHEMAS, TrainConfig

OPTION_SCHEMAS = {"data": DATA_SCHEMAS, "topology": TOPOLOGY_SCHEMAS,
                  "optimizer": OPTIMIZER_SCHEMAS}


def store_schemas() -> None:
    store = ConfigStore.instance()
    store.store(name="train_schema", node=TrainConfig)
    for group, schemas in OPTION_SCHEMAS.items():
        for option, schema in schemas.items():
            store.store(group=f"schema/{group}", name=option, node=schema)
