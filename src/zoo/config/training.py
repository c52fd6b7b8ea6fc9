"""Schemas of the run: the top level of conf/train.yaml and the training groups
(`trainer`, `optimizer`, `scheduler`, `paths`; `logger` and `callbacks` are named objects,
each checked against its `_target_`'s signature)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytorch_lightning as pl
import torch
from lightning_fabric.utilities.seed import max_seed_value, min_seed_value

from zoo.cells.merge import DirectionConfig
from zoo.cells.stack import CellConfig
from zoo.config.ranges import ranges_of
from zoo.config.signature import signature_schema
from zoo.knobs import knob

# what zoo passes to the Trainer itself, never a config key
TRAINER_ARGS = ("callbacks", "logger", "plugins", "default_root_dir")
TrainerConfig = signature_schema("TrainerConfig", "pytorch_lightning.Trainer",
                                 pl.Trainer.__init__, skip=TRAINER_ARGS,
                                 ranges=ranges_of(pl.Trainer))

OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD,
              "rmsprop": torch.optim.RMSprop}
OPTIMIZER_SCHEMAS = {
    name: signature_schema(f"{cls.__name__}Config", f"torch.optim.{cls.__name__}",
                           cls.__init__, skip=("params",), partial=True)
    for name, cls in OPTIMIZERS.items()
}


@dataclass
class SchedulerConfig:
    fn: Any = None  # a torch.optim.lr_scheduler `_target_` (partial); null: constant rate
    interval: str = knob("epoch", choices=("epoch", "step"))
    monitor: str | None = None  # the metric ReduceLROnPlateau watches


@dataclass
class PathsConfig:
    output_dir: str = knob()  # this run's folder
    data_dir: str = knob()  # downloads and processed-data caches


@dataclass
class TrainConfig:
    seed: int = knob(low=min_seed_value, high=max_seed_value)  # what Lightning seeds
    optimized_metric: str = knob()
    optimized_mode: str = knob(choices=("auto", "min", "max"))  # auto: zoo.task.best_metric
    exact_match: bool = knob()
    bleu: bool = knob()
    bleu_beam: int = knob(low=1)
    tbptt_steps: int | None = knob(low=1)
    train: bool = knob()
    test: bool = knob()
    ckpt_path: str | None = knob()
    threads: Any = knob()  # "auto" or a count; zoo.run.validate checks it
    matmul_precision: str = knob(choices=("highest", "high", "medium"))  # zoo.run.precision
    data: Any = knob()
    cell: CellConfig = knob(factory=CellConfig)
    direction: DirectionConfig = knob(factory=DirectionConfig)
    topology: Any = knob()
    optimizer: Any = knob()
    scheduler: SchedulerConfig = knob(factory=SchedulerConfig)
    trainer: TrainerConfig = field(default_factory=TrainerConfig)
    logger: dict[str, Any] = knob(factory=dict)
    callbacks: dict[str, Any] = knob(factory=dict)
    paths: PathsConfig = knob(factory=PathsConfig)
