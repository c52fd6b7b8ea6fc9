"""The command lines of zoo-eval, zoo-sample and zoo-predict: `key=value` arguments.

Keys of the command's own config (conf/<command>.yaml, printed by --help) set its options;
any other key overrides the trained run's config (e.g. `data.root=/new/copy`), in Hydra's
override syntax. Text options (a prompt, an input) are taken exactly as written. Not a Hydra
app: these commands read a finished run and make no run folder of their own.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf

from zoo.config.conf_dir import config_dir
from zoo.errors import ZooError


def _typed(arg: str):
    try:
        return OverridesParser.create().parse_override(arg).value()
    except HydraException as exc:
        raise ZooError(f"cannot read {arg!r} ({exc}).") from None


def parse_command(
    name: str, argv: list[str], text_keys: tuple[str, ...] = ()
) -> tuple[DictConfig, list[str]]:
    """(the command's options, overrides of the run's config) from `argv`."""
    path = Path(config_dir()) / f"{name}.yaml"
    if any(arg in ("-h", "--help") for arg in argv):
        print(path.read_text(), end="")
        sys.exit(0)
    defaults = OmegaConf.load(path)
    keys = set(defaults.keys())  # `in` would miss the mandatory (???) ones
    options, overrides = {}, []
    for arg in argv:
        key, sep, value = arg.partition("=")
        if not sep:
            raise ZooError(f"{arg!r} is not key=value; see zoo-{name} --help.")
        if key in keys:
            options[key] = value if key in text_keys else _typed(arg)
        else:
            overrides.append(arg)
    cfg = OmegaConf.merge(defaults, options)
    for key in cfg:
        if OmegaConf.is_missing(cfg, key):
            raise ZooError(f"zoo-{name} needs {key}=...; see zoo-{name} --help.")
    return cfg, overrides


def trusted(opts: DictConfig) -> bool:
    """The command's `trust_run` option (zoo.config.trust), which must be true or false."""
    if not isinstance(opts.trust_run, bool):
        raise ZooError(f"trust_run={opts.trust_run!r} is not true or false; give trust_run=true "
                       "only for a run you trust.")
    return opts.trust_run


def comma_list(values: list[str]) -> list[str]:
    """The names of repeated, comma-separated options (`--by cell --by data,seed`)."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def add_grouping(parser) -> None:
    """zoo-table's `--by` and `--pool`, which zoo-plot and zoo-report take as it does (read
    them with `comma_list`)."""
    parser.add_argument(
        "--by",
        action="append",
        default=[],
        metavar="KEY",
        help="group by this config choice (cell, data, ...) or override key "
        "(cell.hidden_size, data.T); repeatable or comma-separated; default: "
        "the keys that vary across the runs, except seed; any other key whose value differs "
        "between runs of one group becomes a column too, so a row averages seeds only",
    )
    parser.add_argument(
        "--pool",
        action="append",
        default=[],
        metavar="KEY",
        help="average over this key's values within a row, as over seeds (the table says "
        "which keys it pooled); repeatable or comma-separated",
    )
