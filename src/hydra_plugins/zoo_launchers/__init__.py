"""zoo's launchers (`hydra/launcher=basic|joblib|submitit_local|submitit_slurm`, set in
conf/hydra/launcher/): Hydra's and its plugins', resuming a sweep in its folder
(zoo.sweep.resume). Hydra instantiates only plugins that live in `hydra_plugins`.

The launchers over an optional plugin (`pip install "zoo[scale]"`) are written in `_<name>.py`,
which Hydra's plugin scan does not import; `<name>.py` imports them when the plugin is there,
so a machine without it sees no import warning (zoo-train refuses to use a missing one:
zoo.cli.plugins)."""

# the launchers' warning filter (zoo.cli.plugins), set where a job unpickles its launcher too
from zoo.cli import plugins as _plugins  # noqa: E402, F401
