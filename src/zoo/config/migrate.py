"""The version of zoo's config and record schema, stamped into every `metrics.json` and every
checkpoint's hyperparameters, and the one door where a saved run's config would be upgraded.

Before 1.0 a rename is free: runs recorded with an older schema are not translated (the
records under results/ were rewritten once into today's spelling). After 1.0 each rename adds
a step here, keyed by the version it upgrades from, applied only where a saved run is loaded
(as NeMo's `maybe_update_config_version`)."""

from __future__ import annotations

from zoo.errors import ZooError

SCHEMA_VERSION = 1


def check_version(saved: dict, source: str) -> None:
    """Refuse what a newer zoo wrote (`saved`: a checkpoint's hyperparameters or a record):
    its keys may mean what this zoo cannot know."""
    found = saved.get("schema_version")
    if isinstance(found, int) and found > SCHEMA_VERSION:
        raise ZooError(f"{source} was written by a newer zoo (schema_version {found}; this "
                       f"zoo reads {SCHEMA_VERSION} and older); upgrade zoo to read it.")
