"""The optional Hydra plugins behind `hydra/launcher=joblib|submitit_local|submitit_slurm` and
`hparams_search=optuna` (the `scale` extra): one sentence when a needed one is missing, and
quiet about zoo's launcher configs (conf/hydra/launcher/) extending the plugins' schemas."""

from __future__ import annotations

import importlib.util
import warnings

from zoo.errors import ZooError

NEEDS = {
    "hydra/launcher=joblib": "hydra_plugins.hydra_joblib_launcher",
    "hydra/launcher=submitit_local": "hydra_plugins.hydra_submitit_launcher",
    "hydra/launcher=submitit_slurm": "hydra_plugins.hydra_submitit_launcher",
    "hparams_search=optuna": "optuna",
}

# conf/hydra/launcher/<name>.yaml sets zoo's defaults over the plugin's schema of that name
warnings.filterwarnings("ignore", message=r"\s*'hydra/launcher/\w+' is validated against")


def check_plugins(args: list[str]) -> None:
    """Refuse a launcher or search whose package is not installed, before Hydra starts."""
    for arg in args:
        module = NEEDS.get(arg.lstrip("+"))
        if module and importlib.util.find_spec(module) is None:
            raise ZooError(f"{arg} needs the optional plugins; install them with "
                           "pip install 'zoo[scale]'.")
