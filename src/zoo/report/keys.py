"""What a run was configured with, as flat `key -> display string` pairs.

Keys come from the record's config choices (`cell`, `data`, ...), its command-line overrides
(`data.T=50`, `+trainer.foo=1`; parsed with Hydra's own override grammar) and its seed. A key a
run did not override is looked up in the run's saved `.hydra/config.yaml`, so a run that kept
the default of `data.T` still shows its value.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf import Container, OmegaConf

# listed first, in this order, when they are grouping keys
PREFERRED = (
    "experiment",
    "data",
    "cell",
    "direction",
    "topology",
    "optimizer",
    "scheduler",
    "trainer",
)
# bookkeeping that does not change results: never a default grouping key (still usable by --by)
BOOKKEEPING = (
    "seed",
    "logger",
    "paths",
    "callbacks.progress_bar",
    "callbacks.model_summary",
    "data.root",
    "data.cache_dir",
    "data.num_workers",
    "trainer.enable_progress_bar",
    "trainer.enable_model_summary",
)


def show(value) -> str:
    """Format a config value the way it is written on the command line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def parse_overrides(overrides: list[str]) -> dict[str, str]:
    """`["data=adding", "+data.T=50", "~callbacks.x"]` -> `{"data": "adding", "data.T": "50"}`."""
    out = {}
    for text in overrides:
        try:
            [override] = _parser().parse_overrides([text])
        except HydraException:  # not Hydra's grammar: take it literally
            key, sep, value = text.partition("=")
            if sep:
                out[key.lstrip("+")] = value
            continue
        if override.is_delete():
            continue
        key = override.key_or_group + (f"@{override.package}" if override.package else "")
        out[key] = show(override.value())
    return out


def run_keys(record: dict) -> dict[str, str]:
    keys = {k: show(v) for k, v in (record.get("choices") or {}).items()}
    for key, value in parse_overrides(record.get("overrides") or []).items():
        keys.setdefault(key, value)  # a group's choice wins over its (equal) override
    if record.get("seed") is not None:
        keys["seed"] = show(record["seed"])
    return keys


def order_keys(keys) -> list[str]:
    """Choice groups in the usual order, then the rest alphabetically."""
    return sorted(keys, key=lambda k: (PREFERRED.index(k) if k in PREFERRED else len(PREFERRED), k))


def is_bookkeeping(key: str) -> bool:
    return any(key == b or key.startswith(b + ".") for b in BOOKKEEPING)


def config_value(path: Path, key: str) -> str | None:
    config = _load(path)
    if config is None:
        return None
    value = OmegaConf.select(config, key, default=None, throw_on_resolution_failure=False)
    return None if value is None or isinstance(value, Container) else show(value)


SOURCES = ("data.path", "data.root")  # where a datamodule reads its files


def data_source(config: Path, keys: dict[str, str]) -> str | None:
    """A readable name of the files a run's data came from: the last component of
    `data.path` or `data.root` (for split files, the folder of the train file); None for
    generated data. The saved config wins over the overrides (it holds mappings whole)."""
    loaded = _load(config)
    for key in SOURCES:
        value = None
        if loaded is not None:
            value = OmegaConf.select(loaded, key, default=None, throw_on_resolution_failure=False)
        if isinstance(value, Container):
            value = OmegaConf.to_container(value).get("train")
            value = None if value is None else str(Path(str(value)).parent)
        if value is None and keys.get(key) not in (None, "null"):
            value = keys[key]
        if value is not None:
            return Path(str(value)).name or str(value)
    return None


@cache
def _load(path: Path):
    try:
        return OmegaConf.load(path)
    except Exception:  # missing or unparsable: the key simply has no value for this run
        return None


@cache
def _parser() -> OverridesParser:
    return OverridesParser.create()
