"""Experiment tracking: the loggers of the `logger` config group (csv, wandb, tensorboard, mlflow)
and what every run tells them (tags, sweep group, run id for resuming)."""

from zoo.tracking.csv_logger import ResumableCSVLogger
from zoo.tracking.mlflow_logger import finish_mlflow, mlflow_logger
from zoo.tracking.tensorboard_logger import tensorboard_logger
from zoo.tracking.wandb_logger import finish_wandb, wandb_logger

__all__ = [
    "ResumableCSVLogger",
    "finish_mlflow",
    "finish_wandb",
    "mlflow_logger",
    "tensorboard_logger",
    "wandb_logger",
]
