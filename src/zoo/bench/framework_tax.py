"""(1) Framework tax: zoo's training loop exactly as `zoo-train` builds it (`build_task`,
`build_trainer`: callbacks, logger and progress bar on) against a hand-written loop with the
same model, optimizer and batches. Ratio: zoo's steps/s over the hand loop's (1.0: no tax).

A third runner, Lightning's own `Trainer` with nothing switched on around a module whose step
only computes the loss, shows which part of the tax is Lightning's (its floor) and which zoo's
(zoo over the floor). All three train on `--device` (cpu or cuda)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytorch_lightning as pl
from hydra.utils import instantiate
from pytorch_lightning import Callback, seed_everything

from zoo.bench.compose import imdb_overrides, reviews, zoo_config
from zoo.bench.peak import sync
from zoo.bench.steps import first_batches, on_device, optimizer_of, zoo_model_steps
from zoo.bench.timing import interleaved, ratio, report
from zoo.run.train import build_task, build_trainer
from zoo.task.best_metric import choose_best_metric

SECTION = "1 framework tax"
FIT_ONLY = ["trainer.max_epochs=1"]  # no validation: the monitored metric is missing (a warning)


class Replay:
    """A fixed list of batches as a train loader."""

    def __init__(self, batches):
        self.batches = batches

    def __iter__(self):
        return iter(self.batches)

    def __len__(self):
        return len(self.batches)


class StepClock(Callback):
    """Seconds from the start of training batch `skip` to the end of the last one (the
    device's queued work included)."""

    def __init__(self, skip: int):
        self.skip, self.start, self.end = skip, 0.0, 0.0

    def on_train_batch_start(self, trainer, pl_module, batch, batch_idx):
        if batch_idx == self.skip:
            sync(pl_module.device)
            self.start = time.perf_counter()

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        sync(pl_module.device)
        self.end = time.perf_counter()


def _zoo_loop(cfg, task, batches, out: Path, skip: int):
    def run():
        trainer, _ = build_trainer(cfg, out)
        clock = StepClock(skip)
        trainer.callbacks.append(clock)
        trainer.fit(task, train_dataloaders=Replay(batches))
        return clock.end - clock.start

    return run


class LossOnly(pl.LightningModule):
    """zoo's model and optimizer in the plainest LightningModule: no logging, no metrics."""

    def __init__(self, task):
        super().__init__()
        self.task = task

    def training_step(self, batch, batch_idx):
        logits, _ = self.task.model(batch)
        return self.task.objective.loss(*self.task.objective.select(logits, batch))

    def configure_optimizers(self):
        return optimizer_of(self.task)


def _lightning_floor(task, batches, clip, skip: int):
    def run():
        clock = StepClock(skip)
        accelerator = "gpu" if task.device.type == "cuda" else "cpu"
        trainer = pl.Trainer(
            accelerator=accelerator,
            devices=1,
            max_epochs=1,
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
            gradient_clip_val=clip,
            callbacks=[clock],
        )
        trainer.fit(LossOnly(task), train_dataloaders=Replay(batches))
        return clock.end - clock.start

    return run


def _hand_loop(task, batches, clip, skip: int):
    optimizer = optimizer_of(task)
    return lambda: zoo_model_steps(task, optimizer, batches, clip, skip)


def measure(name: str, cfg, datamodule, note: str, settings, out: Path) -> None:
    seed_everything(cfg.seed)
    best = choose_best_metric(cfg, datamodule.spec)  # as training sets it before the trainer
    cfg.optimized_metric, cfg.optimized_mode = best.values()
    task = build_task(cfg, datamodule.spec).to(settings.device)
    skip = 2  # the first steps of a fit warm its caches
    batches = on_device(task, first_batches(datamodule.train_dataloader(), skip + settings.steps))
    clip = cfg.trainer.get("gradient_clip_val")
    times = interleaved(
        {
            "zoo": _zoo_loop(cfg, task, batches, out, skip),
            "hand": _hand_loop(task, batches, clip, skip),
            "lightning": _lightning_floor(task, batches, clip, skip),
        },
        settings.rounds,
        settings.warmup,
    )
    longest = max(x["x"].size(1) for x in batches)
    shapes = f"{name}: B={datamodule.batch_size} T<={longest} on {settings.device} ({note})"
    steps = settings.steps
    zoo_rate, hand_rate = steps / min(times["zoo"]), steps / min(times["hand"])
    report(
        SECTION,
        f"zoo-train loop vs hand loop, {steps} steps",
        shapes,
        f"ratio (zoo steps/s / hand steps/s) {ratio(times['hand'], times['zoo'])}; "
        f"best {zoo_rate:.2f} vs {hand_rate:.2f} steps/s; of which Lightning's floor "
        f"(bare Trainer / hand) {ratio(times['hand'], times['lightning'])}, zoo over the "
        f"floor {ratio(times['lightning'], times['zoo'])}",
        settings.rounds,
    )


def run(settings, imdb_root: str | None) -> None:
    fit = [*FIT_ONLY, f"trainer.accelerator={'gpu' if settings.device == 'cuda' else 'cpu'}"]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        cfg = zoo_config([*fit, *settings.model_overrides, *settings.adding_overrides], out)
        measure("adding default", cfg, instantiate(cfg.data), "generated", settings, out)
        extra = [*fit, *settings.model_overrides, *settings.imdb_overrides]
        cfg = zoo_config(imdb_overrides(imdb_root, 200, extra), out)
        datamodule, note = reviews(cfg, settings.reviews)
        measure("keras_imdb_bilstm", cfg, datamodule, note, settings, out)
