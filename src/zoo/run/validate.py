"""`validate(cfg)`: the one door every run's config passes before any data is loaded.

One walk over every key, knob and `_target_` signature (zoo.config.check), then `RULES`, the
ordered cross-field rules, each a function with its one sentence: a forbidden (data,
direction, topology) mix, or a value that would make training meaningless or fail late (no
epochs, an endless run, a learning rate of zero). What torch and Lightning refuse themselves
(a negative momentum, `limit_train_batches=1.5`) is asked of them, by building the optimizer
and the scheduler on a dummy parameter, so that their refusal comes first.

A sweep's launcher is checked by `validate_launcher`, which zoo-train calls on the composed
`hydra.launcher` before Hydra starts any job (Hydra only warns of its callbacks' errors)."""

from __future__ import annotations

import copy
import math

import torch
from hydra.utils import get_class, get_method
from lightning_fabric.utilities.exceptions import MisconfigurationException
from omegaconf import DictConfig, OmegaConf, open_dict
from pytorch_lightning.trainer.setup import _determine_batch_limits  # Lightning's own rule

from zoo.config.check import check_config, check_ranges
from zoo.config.store import option_schemas
from zoo.errors import ZooError
from zoo.run.precision import check_precision
from zoo.spec import Layout
from zoo.task.best_metric import AUTO, check_mode
from zoo.task.bleu import require_sacrebleu
from zoo.task.direction import direction
from zoo.task.tbptt import check_truncation
from zoo.topologies import topology_class


def data_layout(data: DictConfig) -> Layout:
    try:
        cls = get_class(data._target_)
    except Exception as exc:  # hydra wraps import errors in several types
        raise ZooError(f"data._target_={data._target_!r} cannot be imported: {exc}") from None
    return cls.layout(data)


def topology_options() -> list[type]:
    """The class of every `topology` option zoo ships (each schema's `_target_`)."""
    return [get_class(schema._target_) for schema in option_schemas()["topology"].values()]


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def thread_count(cfg: DictConfig) -> None:
    """`threads`: auto (zoo.run.threads chooses) or a count."""
    setting = cfg.threads
    if setting != "auto" and (isinstance(setting, bool) or not isinstance(setting, int)
                              or setting < 1):
        raise ZooError(f"threads={setting!r} is not valid; give threads=auto or a count >= 1.")


def _early_stopping(cfg: DictConfig) -> bool:
    callbacks = cfg.get("callbacks") or {}
    return any(str(node.get("_target_", "")).endswith("EarlyStopping")
               for node in callbacks.values() if node)


def training_ends(cfg: DictConfig) -> None:
    """max_epochs=-1 only with something else to end the run; never zero epochs."""
    epochs, steps = cfg.trainer.get("max_epochs"), cfg.trainer.get("max_steps")
    if _number(epochs) and epochs == -1 and not (_number(steps) and steps > 0) \
            and not _early_stopping(cfg):
        raise ZooError(
            "trainer.max_epochs=-1 trains forever: nothing ends it; give trainer.max_steps=N "
            "or an EarlyStopping callback, or a number of epochs."
        )
    if _number(epochs) and (epochs == 0 or epochs < -1):
        raise ZooError(f"trainer.max_epochs={epochs} trains nothing; set it to 1 or more.")


def learning_rate(cfg: DictConfig) -> None:
    lr = cfg.optimizer.get("lr")
    if _number(lr) and not (math.isfinite(lr) and lr > 0):
        raise ZooError(f"optimizer.lr={lr} must be positive and finite; e.g. optimizer.lr=1e-3.")


def mode_fits_metric(cfg: DictConfig) -> None:
    check_mode(cfg.optimized_metric, cfg.optimized_mode)


BATCH_LIMITS = ("limit_train_batches", "limit_val_batches", "limit_test_batches",
                "limit_predict_batches", "overfit_batches", "val_check_interval")


def check_batch_limits(cfg: DictConfig) -> None:
    """Each batch limit of the trainer as Lightning reads it (a fraction in [0, 1] or a count),
    and a training split cut to nothing."""
    for name in BATCH_LIMITS:
        value = cfg.trainer.get(name)
        if value in (None, 1):  # always valid (and Lightning would announce it twice)
            continue
        try:
            _determine_batch_limits(value, name)
        except (MisconfigurationException, TypeError) as exc:
            raise ZooError(f"trainer.{name}={value!r} is refused by Lightning "
                           f"({str(exc).rstrip('.')}); give a value it accepts.") from None
    limit = cfg.trainer.get("limit_train_batches")
    if cfg.train and limit == 0:
        raise ZooError(f"trainer.limit_train_batches={limit} trains nothing; give a fraction of "
                       "the batches (0.1) or a count (10), or train=false to only evaluate.")


def check_optimizers(cfg: DictConfig) -> None:
    """Build the optimizer and the scheduler as training will (zoo.task.module), on a dummy
    parameter, so that a value torch refuses is one sentence before any data loads."""
    if cfg.optimized_mode == AUTO:  # the plateau scheduler's mode, resolved once data is known
        cfg = copy.deepcopy(cfg)
        with open_dict(cfg):
            cfg.optimized_mode = direction(cfg.optimized_metric) or "min"
    optimizer = _build("optimizer", cfg.optimizer,
                       params=[torch.nn.Parameter(torch.zeros(1))])
    fn = cfg.scheduler.get("fn")
    if isinstance(fn, DictConfig) and "_target_" in fn:
        _build("scheduler.fn", fn, optimizer=optimizer)


def _build(path: str, node: DictConfig, **given):
    """Call `node`'s `_target_` with its keys and `given`; torch's ValueError (a value out of
    its range) becomes one sentence naming the key that alone gives it."""
    kwargs = OmegaConf.to_container(node, resolve=True)
    target = kwargs.pop("_target_")
    kwargs.pop("_partial_", None)
    make = get_method(target)
    try:
        return make(**given, **kwargs)
    except ValueError as exc:
        key = next((k for k in kwargs if _refused(make, given, k, kwargs[k])), None)
        where = f"{path}.{key}={kwargs[key]}" if key else path
        raise ZooError(f"{where} is refused by {target} ({str(exc).rstrip('.')}); give a "
                       "value it accepts.") from None


def _refused(make, given: dict, key: str, value) -> bool:
    """Whether `key=value` alone (every other keyword at its default) is a ValueError."""
    try:
        make(**given, **{key: value})
    except ValueError:
        return True
    except Exception:  # another keyword's value was needed: not this key's fault
        return False
    return False


def topology_fits(cfg: DictConfig) -> None:
    """The topology accepts the data's layout and the direction."""
    topology = topology_class(cfg.topology)
    topology.check(data_layout(cfg.data), bool(cfg.direction.bidirectional), cfg.data.name,
                   topology_options)


def bleu_scores_generation(cfg: DictConfig) -> None:
    if cfg.bleu and not topology_class(cfg.topology).can_generate:
        raise ZooError(
            f"bleu=true scores generated text, but topology={cfg.topology.name} does not "
            "generate; use topology=seq2seq (translation) or set bleu=false."
        )
    if cfg.bleu:
        require_sacrebleu("bleu=true")


RULES = (thread_count, training_ends, learning_rate, mode_fits_metric, check_batch_limits,
         check_optimizers, topology_fits, check_truncation, bleu_scores_generation,
         check_precision)


def validate(cfg: DictConfig) -> Layout:
    """Refuse `cfg` at its first bad key, value or mix, in one sentence; returns the data's
    layout."""
    check_config(cfg)  # the schema's keys, choices and ranges, and every _target_'s keywords
    for rule in RULES:
        rule(cfg)
    return data_layout(cfg.data)


def validate_launcher(launcher: DictConfig) -> None:
    """Refuse launcher sizes that cannot run a job: joblib's `n_jobs` as joblib reads it (0
    has no meaning), submitit's `cpus_per_task`, `timeout_min`, ... (zoo.config.ranges)."""
    cls = get_method(launcher._target_)
    check_ranges(launcher, "hydra.launcher", cls)
    if any(c.__module__.startswith("hydra_plugins.hydra_joblib_launcher") for c in cls.__mro__):
        import joblib

        try:
            joblib.effective_n_jobs(launcher.get("n_jobs"))
        except ValueError as exc:
            raise ZooError(f"hydra.launcher.n_jobs={launcher.n_jobs} is refused by joblib "
                           f"({exc}); give a count of jobs, or -1 for one per core.") from None
