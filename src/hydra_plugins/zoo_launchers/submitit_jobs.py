"""submitit's launchers, resuming their sweeps, when hydra-submitit-launcher is installed."""

try:
    from hydra_plugins.zoo_launchers._submitit_jobs import LocalLauncher, SlurmLauncher  # noqa: F401
except ImportError:  # zoo[scale] is not installed
    pass
