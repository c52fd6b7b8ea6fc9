"""The typed config: a schema for every group, stored in Hydra's ConfigStore on import, so a
misspelt key or a wrong-typed value fails when the config is composed."""

from zoo.config.store import store_schemas

store_schemas()
