"""The optional Hydra plugins behind `hydra/launcher=joblib|submitit_local|submitit_slurm` and
`hparams_search=optuna` (the `scale` extra): one sentence when a needed one is missing, or
when the launcher's sizes cannot run a job, and quiet about zoo's launcher configs
(conf/hydra/launcher/) extending the plugins' schemas."""

from __future__ import annotations

import importlib.util
import warnings

from hydra import compose, initialize_config_dir

from zoo.config.conf_dir import config_dir
from zoo.errors import ZooError
from zoo.run.validate import validate_launcher

NEEDS = {
    "hydra/launcher=joblib": "hydra_plugins.hydra_joblib_launcher",
    "hydra/launcher=submitit_local": "hydra_plugins.hydra_submitit_launcher",
    "hydra/launcher=submitit_slurm": "hydra_plugins.hydra_submitit_launcher",
    "hparams_search=optuna": "optuna",
}

# conf/hydra/launcher/<name>.yaml sets zoo's defaults over the plugin's schema of that name
warnings.filterwarnings("ignore", message=r"\s*'hydra/launcher/\w+' is validated against")


def check_plugins(args: list[str]) -> None:
    """Refuse a launcher or search whose package is not installed, or launcher sizes that
    cannot run, before Hydra starts."""
    for arg in args:
        module = NEEDS.get(arg.lstrip("+"))
        if module and importlib.util.find_spec(module) is None:
            raise ZooError(f"{arg} needs the optional plugins; install them with "
                           "pip install 'zoo[scale]'.")
    check_launcher(args)


def check_launcher(args: list[str]) -> None:
    """Refuse launcher sizes that cannot run a job, before Hydra starts any
    (zoo.run.validate.validate_launcher). The launcher is composed as Hydra will, from the
    arguments that choose or set it."""
    chosen = [a for a in args if a.lstrip("+~").startswith(("hydra/launcher=", "hydra.launcher."))]
    if not chosen:
        return
    with initialize_config_dir(config_dir=config_dir(), version_base="1.3"):
        launcher = compose("train", overrides=chosen, return_hydra_config=True).hydra.launcher
    validate_launcher(launcher)
