"""Schemas read from a callable's signature, for objects that other libraries define
(Lightning's Trainer, torch's optimizers): every keyword it takes, typed where OmegaConf can
check the type, with the library's own default.
"""

from __future__ import annotations

import inspect
import types
import typing
from dataclasses import field, make_dataclass
from typing import Any, Optional, Union

PRIMITIVES = (int, float, bool, str)


def _checkable(annotation):
    """The OmegaConf type for `annotation`: a primitive (optionally None), else Any."""
    if annotation in PRIMITIVES:
        return annotation
    if typing.get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        prims = [a for a in members if a in PRIMITIVES]
        others = [a for a in members if a not in PRIMITIVES]
        if len(prims) == 1 and not any(map(_representable, others)):  # lr: float | Tensor
            optional = len(members) < len(typing.get_args(annotation))
            return Optional[prims[0]] if optional else prims[0]  # noqa: UP045 (a value)
    return Any


def _representable(annotation) -> bool:
    """Whether a config file can hold a value of this type (a literal, a list, a dict)."""
    origin = typing.get_origin(annotation) or annotation
    return origin in (typing.Literal, dict, list, tuple)


def _hints(fn) -> dict:
    try:
        return typing.get_type_hints(fn)
    except Exception:  # annotations that do not resolve at run time: leave them unchecked
        return {}


def keyword_fields(fn, skip: tuple[str, ...] = (), ranges: dict | None = None) -> list[tuple]:
    """(name, type, field) for each keyword parameter of `fn` with a plain default; `ranges`:
    `knob()` metadata by name (zoo.config.ranges)."""
    ranges = ranges or {}
    hints = _hints(fn)
    fields = []
    for name, param in inspect.signature(fn).parameters.items():
        if name in skip or name == "self" or param.kind in (param.VAR_POSITIONAL,
                                                            param.VAR_KEYWORD):
            continue
        default, typ = param.default, _checkable(hints.get(name, Any))
        if isinstance(default, tuple | list):  # Adam's betas
            fields.append((name, Any, field(default_factory=lambda d=default: list(d))))
            continue
        if default is param.empty:
            default = "???"
        elif not (default is None or isinstance(default, PRIMITIVES)):
            continue  # an object OmegaConf cannot hold: not a config knob
        if default is None and typ is not Any:
            typ = Optional[typ]  # noqa: UP045 (a value, for make_dataclass)
        fields.append((name, typ, field(default=default, metadata=ranges.get(name, {}))))
    return fields


def signature_schema(name: str, target: str, fn, skip: tuple[str, ...] = (),
                     partial: bool = False, ranges: dict | None = None):
    """A dataclass with `_target_` (and `_partial_`) and every keyword of `fn`, with the
    `ranges` of those its library leaves unchecked (zoo.config.ranges)."""
    head = [("_target_", str, field(default=target))]
    if partial:
        head.append(("_partial_", bool, field(default=True)))
    schema = make_dataclass(name, head + keyword_fields(fn, skip, ranges))
    schema.__module__ = __name__  # where OmegaConf resolves its annotations
    return schema
