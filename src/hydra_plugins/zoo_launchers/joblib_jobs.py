"""joblib's launcher, resuming its sweep, when hydra-joblib-launcher is installed."""

try:
    from hydra_plugins.zoo_launchers._joblib_jobs import JoblibLauncher  # noqa: F401
except ImportError:  # zoo[scale] is not installed
    pass
