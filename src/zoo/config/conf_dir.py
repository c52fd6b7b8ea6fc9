"""Where the `conf/` tree is: inside an installed wheel (zoo/conf) or the source checkout.

Importing it (as any module of zoo.config) stores the schemas the tree names in Hydra's
ConfigStore.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve()


def config_dir() -> str:
    for candidate in (_HERE.parents[1] / "conf", _HERE.parents[3] / "conf"):
        if (candidate / "train.yaml").is_file():
            return str(candidate)
    raise FileNotFoundError("zoo's conf/ directory is missing; reinstall the package.")
