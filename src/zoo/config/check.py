"""The checks that run on a composed config before anything is built: keys that a `+key=`
slipped past the schema, values left `???`, the `knob()` choices and ranges, and the
keywords of every `_target_` that no schema types (callbacks, loggers, a scheduler).

`RENAMED` is the one list of data options that were renamed (one name per idea across the
datasets): an old name given now fails with the sentence naming its new spelling, and a run
recorded before the rename has its saved config translated (`translate_renamed`).

`MOVED` is the one table of the modules of `zoo.data` that moved into its parts: a `_target_`
that names the old path (a run recorded before the move, a user's own data YAML) is read as
the new one (`translate_moved`)."""

from __future__ import annotations

import dataclasses
import difflib
import inspect
import logging
import math
from collections.abc import Callable
from numbers import Number

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.utils import get_method
from omegaconf import DictConfig, ListConfig, OmegaConf, open_dict
from omegaconf.errors import ValidationError

from zoo.config.data import DATA_SCHEMAS
from zoo.config.ranges import ranges_of
from zoo.errors import ZooError

SIZE = "a count, or a fraction below 1"
HELD_OUT = ("names", "shakespeare", "eng_fra", "airline", "csv", "text_classification",
            "tagging", "parallel_text", "text_lm")  # the data options that had *_fraction
NO_VALUE = object()  # no value known (a key in a file Hydra was merging)
log = logging.getLogger(__name__)


def _same(value):
    return value


def _fewer_than(value):
    """eng_fra's max_length kept "fewer than N" words (0 or null: no limit); max_len keeps
    "at most N" (null: no limit)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return value - 1 if value else None


def _is_many_to_many(value):
    """airline's `target: many_to_many` (a prediction per month) is csv's `aligned: true`."""
    return value == "many_to_many" if isinstance(value, str) else value


@dataclasses.dataclass(frozen=True)
class Renamed:
    old: str
    new: str
    means: str  # what the new option holds, for the sentence
    data: tuple[str, ...]  # the data options (conf/data/<name>.yaml) that had the old name
    value: Callable = _same  # the old value in the new option's terms


RENAMED = (
    Renamed("val_fraction", "val_size", SIZE, HELD_OUT),
    Renamed("test_fraction", "test_size", SIZE, HELD_OUT),
    Renamed("val_split", "val_size", SIZE, ("mnist", "fashion_mnist", "imdb")),
    Renamed("max_length", "max_len", "at most N words; max_length meant fewer than N",
            ("eng_fra",), _fewer_than),
    Renamed("reverse", "swap_columns", "true: translate French into English", ("eng_fra",)),
    Renamed("scaling", "scale", "minmax, standard or none, as data=csv", ("airline",)),
    Renamed("target", "aligned", "true: a prediction at every month, as data=csv; "
            "target=many_to_many meant aligned=true", ("airline",), _is_many_to_many),
)


# the modules of zoo.data that moved into a part, by part; MOVED maps old module -> new
PARTS = {
    "files": ("csv_table", "download", "idx", "imdb_reader", "local_files", "seed_source",
              "text_file"),
    "preprocess": ("ascii_fold", "scaling", "tokenize", "vocab", "windows"),
    "formats": ("csv_sequences", "parallel_text", "tagging", "text_classification", "text_lm"),
    "datasets": ("airline", "eng_fra", "imdb", "mnist", "names", "shakespeare"),
    "synthetic": ("adding", "addition", "copy_memory", "spell", "xor"),
}
MOVED = {f"zoo.data.{module}": f"zoo.data.{part}.{module}"
         for part, modules in PARTS.items() for module in modules}


def moved(target):
    """A dotted path in today's spelling: `zoo.data.names.Names` is
    `zoo.data.datasets.names.Names` (`MOVED`); any other value as it is."""
    if isinstance(target, str):
        for old, new in MOVED.items():
            if target.startswith(f"{old}."):
                return new + target.removeprefix(old)
    return target


def translate_moved(data) -> str | None:
    """A `data` config (saved, or a user's own YAML) whose `_target_` names a module of
    zoo.data by its path before the move, pointed at the new path in place; the old
    `_target_` when it was translated, else None."""
    if not isinstance(data, DictConfig) or data._is_none() or data._is_missing():
        return None
    old = data._get_node("_target_")._value() if "_target_" in data else None
    new = moved(old)
    if new == old:
        return None
    with open_dict(data):
        data._target_ = new
    return old


# keys a data option gained after runs were recorded without them, with the value that
# reproduces those runs
ADDED = {
    "text_classification": {"task": "classify", "stratify": False, "multiline": True,
                            "quoting": "minimal"},
    "csv": {"multiline": True, "quoting": "minimal"},
}


def add_new_keys(data) -> None:
    """A run's saved `data` config (recorded before its option gained the keys in `ADDED`)
    with each missing one at the value that reproduces the run, in place."""
    if not isinstance(data, DictConfig) or data._is_none() or data._is_missing():
        return
    schema = _schema_for("data", data)
    added = ADDED.get(schema.name, {}) if schema in DATA_SCHEMAS.values() else {}
    with open_dict(data):
        for key, value in added.items():
            if key not in data:
                data[key] = value


def renamed(schema, key: str) -> Renamed | None:
    """The entry of `RENAMED` for `key` in the data schema `schema` (its option's `name`)."""
    option = schema.name if schema in DATA_SCHEMAS.values() else None
    return next((r for r in RENAMED if r.old == key and option in r.data), None)


def _shown(value) -> str:
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    return str(value)


def renamed_error(path: str, entry: Renamed, value=NO_VALUE) -> ZooError:
    new = f"{path.rpartition('.')[0]}.{entry.new}".lstrip(".")
    write = new if value is NO_VALUE else f"{new}={_shown(entry.value(value))}"
    return ZooError(f"{path} was renamed {new} ({entry.means}); write {write}"
                    f"{' instead' if value is NO_VALUE else ''}.")


def renamed_in(data, key: str) -> Renamed | None:
    """The entry of `RENAMED` for `key` in a composed or saved `data` node (by its target)."""
    if not isinstance(data, DictConfig) or data._is_none() or data._is_missing():
        return None
    return renamed(_schema_for("data", data), key)


def translate_renamed(data) -> None:
    """A run's saved `data` config (recorded before the rename) in today's spelling, in place:
    each old key of its option becomes the new one, its value translated."""
    for key in list(data.keys()) if isinstance(data, DictConfig) else ():
        entry = renamed_in(data, key)
        if entry is not None and entry.new not in data:
            value = data._get_node(key)._value()
            with open_dict(data):
                data[entry.new] = entry.value(value)
                del data[key]


def translate_override(override: str, data) -> str:
    """A recorded command-line override (`data.val_fraction=0.2`) in today's spelling, for
    the run whose saved config holds `data`; any other override as it is."""
    head, sep, raw = override.partition("=")
    key = head.lstrip("+~")
    entry = renamed_in(data, key.removeprefix("data.")) if key.startswith("data.") else None
    if entry is None:
        return override
    if entry.value is not _same and sep:
        parsed = OverridesParser.create().parse_override(override).value()
        raw = _shown(entry.value(parsed))
    return f"{head.replace(key, f'data.{entry.new}')}{sep}{raw}"


def did_you_mean(key: str, valid) -> str:
    close = difflib.get_close_matches(key, list(valid), n=1, cutoff=0.6)
    return f"did you mean {close[0]}? " if close else ""


def unknown_key(path: str, key: str, valid, owner: str, schema=None,
                value=NO_VALUE) -> ZooError:
    """The sentence for `path`, not a key of `owner`: its new spelling when `RENAMED` lists
    it for `schema`, else the closest valid key and the list of them."""
    entry = renamed(schema, key)
    if entry is not None:
        return renamed_error(path, entry, value)
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
            raise unknown_key(full, key, fields, owner, schema, node._get_node(key)._value())
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
    from zoo.config.store import OPTION_SCHEMAS

    given = moved(node.get("_target_"))
    for schema in OPTION_SCHEMAS[group].values():
        target = getattr(schema, "_target_", None)
        if target is not None and target == given:
            return schema
    return OPTION_SCHEMAS[group].get(node.get("name"))


def _type_as(node: DictConfig, schema, group: str) -> None:
    valid = [f.name for f in dataclasses.fields(schema)]
    for key in node:
        if key not in valid:
            raise unknown_key(f"{group}.{key}", key, valid, f"{group} ({schema.__name__})",
                              schema, node._get_node(key)._value())
    try:
        OmegaConf.merge(OmegaConf.structured(schema), node)
    except ValidationError as exc:
        reason = str(exc.msg).strip().splitlines()[0]
        raise ZooError(f"{group}.{exc.key}: {reason}.") from None


def check_config(cfg: DictConfig) -> None:
    """`check_values` on the whole config, after typing any group option that a user's own
    YAML left untyped (one that does not start from its `/schema/...`). A data `_target_`
    of before zoo.data's move (`MOVED`) is read as its new path, with a warning."""
    old = translate_moved(cfg.get("data"))
    if old is not None:
        log.warning("data._target_=%s moved to %s; reading it as that (write the new path "
                    "to silence this)", old, cfg.data._target_)
    for group in ("data", "topology", "optimizer"):
        node = cfg.get(group)
        if isinstance(node, DictConfig) and not dataclasses.is_dataclass(OmegaConf.get_type(node)):
            schema = _schema_for(group, node)
            if schema is not None:
                _type_as(node, schema, group)
    check_values(cfg)
