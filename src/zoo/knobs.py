"""`knob()`: a schema field with the checks OmegaConf's types cannot express.

`choices`, `low`/`high` (inclusive) and `below` (exclusive upper bound) are read by
`zoo.config.check` after composition, before any data is loaded.
"""

from __future__ import annotations

from dataclasses import MISSING, field


def knob(default=MISSING, *, choices=None, low=None, high=None, below=None, factory=None):
    metadata = {k: v for k, v in
                {"choices": choices, "low": low, "high": high, "below": below}.items()
                if v is not None}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    if default is MISSING:
        return field(default="???", metadata=metadata)  # OmegaConf's mandatory value
    return field(default=default, metadata=metadata)
