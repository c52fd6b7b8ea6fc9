"""The checks that run on a composed config before anything is built: keys that a `+key=`
slipped past the schema, values left `???`, the `knob()` choices and ranges, and the
keywords of every `_target_` that no schema types (callbacks, loggers, a scheduler)."""

from __future__ import annotations

import dataclasses
import difflib
import inspect
import math
from numbers import Number

from hydra.utils import get_method
from omegaconf import DictConfig, ListConfig, OmegaConf
from omegaconf.errors import ValidationError

from zoo.config.ranges import ranges_of
from zoo.errors import ZooError


def did_you_mean(key: str, valid) -> str:
    close = difflib.get_close_matches(key, list(valid), n=1, cutoff=0.6)
    return f"did you mean {close[0]}? " if close else ""


def unknown_key(path: str, key: str, valid, owner: str) -> ZooError:
    """The sentence for `path`, not a key of `owner`: the closest valid key and the list of
    them."""
    keys = ", ".join(k for k in valid if not k.startswith("_"))
    return ZooError(f"{path} is not a key of {owner}; {did_you_mean(key, valid)}"
                    f"its keys are: {keys}.")


def _allowed(meta: dict) -> str:
    if "choices" in meta:
        return "one of " + ", ".join(map(str, meta["choices"]))
    if meta == {"low": 1}:
        return "a positive number (>= 1)"
    parts = []
    if "low" in meta:
        parts.append(f">= {meta['low']}")
    if "high" in meta:
        parts.append(f"<= {meta['high']}")
    if "below" in meta:
        parts.append(f"< {meta['below']}")
    return "a number " + " and ".join(parts)


def _fits(value, meta: dict) -> bool:
    if value is None:
        return True
    if "choices" in meta:
        return value in meta["choices"]
    if isinstance(value, bool) or not isinstance(value, Number):
        return False
    return (value >= meta.get("low", value) and value <= meta.get("high", value)
            and ("below" not in meta or value < meta["below"]))


def _check_schema_node(node: DictConfig, path: str, schema) -> None:
    fields = {f.name: f for f in dataclasses.fields(schema)}
    owner = f"{path} ({schema.__name__})" if path else f"the config ({schema.__name__})"
    for key in node:
        full = f"{path}.{key}" if path else str(key)
        if key not in fields:
            raise unknown_key(full, key, fields, owner)
        if OmegaConf.is_missing(node, key):
            raise ZooError(f"{full} has no value; set it on the command line ({full}=...) "
                           "or in the config that selects it.")
        check_range(full, node[key], fields[key].metadata)


def check_range(full: str, value, meta: dict, source: str = "") -> None:
    """Refuse `full=value` outside the `knob()` metadata `meta` (choices, low, high, below);
    `source`: the interpolation the value came from, if any."""
    if meta and not _fits(value, meta):
        problem = "is not known; choose" if "choices" in meta else "is out of range; give"
        given = f"{full}={value!r}" + (f" (from {source})" if source else "")
        raise ZooError(f"{given} {problem} {_allowed(meta)}.")


def check_option(name: str, value, meta: dict, whole: bool = False,
                 optional: bool = False) -> None:
    """A command's option `name=value` (no schema types it): a finite number, whole where
    `whole`, null where `optional`, within the `knob()` metadata `meta`."""
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int if whole else Number) \
            or not math.isfinite(value):
        kind = "a whole number" if whole else "a finite number"
        allowed = _allowed(meta) + (", or null" if optional else "")
        raise ZooError(f"{name}={value!r} is not {kind}; give {allowed}.")
    check_range(name, value, meta)


def check_ranges(node: DictConfig, path: str, cls) -> None:
    """`check_range` for each key of `node` that `cls` (its `_target_`) has a range for
    (zoo.config.ranges: those its library leaves unchecked)."""
    for key, meta in ranges_of(cls).items():
        if key in node and not OmegaConf.is_missing(node, key):
            raw = node._get_node(key)
            source = raw._value() if raw._is_interpolation() else ""
            check_range(f"{path}.{key}", node[key], meta, source)


def _check_target(node: DictConfig, path: str) -> None:
    try:
        fn = get_method(node._target_)
    except Exception as exc:  # hydra wraps import errors in several types
        raise ZooError(f"{path}._target_={node._target_!r} cannot be imported ({exc}).") from None
    check_ranges(node, path, fn)
    params = inspect.signature(fn).parameters
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return  # takes any keyword: nothing to check against
    for key in node:
        if not key.startswith("_") and key not in params:
            raise unknown_key(f"{path}.{key}", key, params, f"{path} ({node._target_})")


def check_values(node, path: str = "") -> None:
    """Walk the composed config and raise a `ZooError` at its first bad key or value."""
    if isinstance(node, DictConfig | ListConfig) and (node._is_none() or node._is_missing()):
        return
    if isinstance(node, ListConfig):
        for i, item in enumerate(node):
            check_values(item, f"{path}[{i}]")
        return
    if not isinstance(node, DictConfig):
        return
    schema = OmegaConf.get_type(node)
    if dataclasses.is_dataclass(schema):
        _check_schema_node(node, path, schema)
    elif "_target_" in node:
        _check_target(node, path)
    for key in node:
        if not OmegaConf.is_missing(node, key):
            check_values(node._get_node(key), f"{path}.{key}" if path else str(key))


def _schema_for(group: str, node: DictConfig):
    from zoo.config.store import option_schemas

    given = node.get("_target_")
    for schema in option_schemas()[group].values():
        target = getattr(schema, "_target_", None)
        if target is not None and target == given:
            return schema
    return option_schemas()[group].get(node.get("name"))


def _type_as(node: DictConfig, schema, group: str) -> None:
    valid = [f.name for f in dataclasses.fields(schema)]
    for key in node:
        if key not in valid:
            raise unknown_key(f"{group}.{key}", key, valid, f"{group} ({schema.__name__})")
    try:
        OmegaConf.merge(OmegaConf.structured(schema), node)
    except ValidationError as exc:
        reason = str(exc.msg).strip().splitlines()[0]
        raise ZooError(f"{group}.{exc.key}: {reason}.") from None


def check_config(cfg: DictConfig) -> None:
    """`check_values` on the whole config, after typing any group option that a user's own
    YAML left untyped (one that does not start from its `/schema/...`)."""
    for group in ("data", "topology", "optimizer"):
        node = cfg.get(group)
        if isinstance(node, DictConfig) and not dataclasses.is_dataclass(OmegaConf.get_type(node)):
            schema = _schema_for(group, node)
            if schema is not None:
                _type_as(node, schema, group)
    check_values(cfg)
