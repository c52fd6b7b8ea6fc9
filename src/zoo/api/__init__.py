"""The notebook API behind `import zoo`: compose a config, train it, load a run, tabulate a
sweep, on the same code as zoo-train, zoo-eval, zoo-sample, zoo-predict and zoo-table."""

from zoo.api.jobs import compose, train
from zoo.api.sweeps import table
from zoo.api.trained_run import TrainedRun, load

__all__ = ["TrainedRun", "compose", "load", "table", "train"]
