"""The TensorBoard logger, which needs the optional `tensorboard` package."""

from __future__ import annotations

import importlib.util

from pytorch_lightning.loggers import TensorBoardLogger

from zoo.errors import ZooError


def tensorboard_logger(
    save_dir: str, name: str = "tensorboard", version: str = "", **kwargs
) -> TensorBoardLogger:
    if not any(importlib.util.find_spec(m) for m in ("tensorboard", "tensorboardX")):
        raise ZooError(
            "logger=tensorboard needs the tensorboard package; install it with "
            "pip install 'zoo[tensorboard]' or choose another logger."
        )
    return TensorBoardLogger(
        save_dir=save_dir, name=name, version=version, default_hp_metric=False, **kwargs
    )
