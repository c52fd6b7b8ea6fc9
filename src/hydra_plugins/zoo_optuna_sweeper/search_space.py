"""Hydra's sweep syntax to Optuna distributions: `interval(a, b)` (floats),
`int(interval(a, b))` (integers, both ends included), `tag(log, ...)` (log scale),
`choice(...)` or `a,b,c` (categories), `range(a, b[, step])` (integers, b excluded)."""

from __future__ import annotations

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import ChoiceSweep, IntervalSweep, Override, RangeSweep
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

from zoo.errors import ZooError


def distribution(override: Override) -> BaseDistribution:
    sweep = override.value()
    log = "log" in getattr(sweep, "tags", set())
    if isinstance(sweep, IntervalSweep):
        if isinstance(sweep.start, int) and isinstance(sweep.end, int):
            return IntDistribution(sweep.start, sweep.end, log=log)
        return FloatDistribution(float(sweep.start), float(sweep.end), log=log)
    if isinstance(sweep, RangeSweep):
        values = list(override.sweep_iterator())
        if all(isinstance(v, int) for v in (sweep.start, sweep.stop, sweep.step)) and values:
            return IntDistribution(values[0], values[-1], step=sweep.step, log=log)
        return CategoricalDistribution(values)
    if isinstance(sweep, ChoiceSweep):
        return CategoricalDistribution(list(override.sweep_iterator()))
    raise ZooError(f"{override.input_line!r} is not a sweep the Optuna sweeper can search; "
                   "use interval(...), choice(...) or range(...).")


def search_space(params: dict, arguments: list[str]) -> tuple[dict, list[str]]:
    """(key -> distribution, fixed overrides): the configured `params`, then the command line:
    a sweep there joins (or replaces) a key of the space, a plain value fixes the key."""
    parser = OverridesParser.create()
    space = {o.get_key_element(): distribution(o)
             for o in parser.parse_overrides([f"{k}={v}" for k, v in params.items()])}
    fixed = []
    for override in parser.parse_overrides(arguments):
        key = override.get_key_element()
        if override.is_sweep_override():
            space[key] = distribution(override)
        else:
            space.pop(key, None)
            fixed.append(override.input_line)
    return space, fixed
