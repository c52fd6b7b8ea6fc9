"""Command-line entry points (console scripts), thin wrappers around the library."""

# the launchers' warning filter, set in every process of a sweep (joblib and submitit workers
# import zoo.cli but not zoo.cli.train)
from zoo.cli import plugins as _plugins  # noqa: E402, F401
