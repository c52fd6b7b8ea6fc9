"""The compose-time check: refuse a forbidden (data, direction, topology) mix, or a value
that would make training meaningless or fail late (no epochs, an endless run, a learning rate
of zero), before any data is loaded, with one sentence that says what to change. Sizes such
as `data.batch_size=0` are the schema's ranges (zoo.config)."""

from __future__ import annotations

from hydra.utils import get_class
from omegaconf import DictConfig

from zoo.config.check import check_config
from zoo.config.model import TOPOLOGY_SCHEMAS
from zoo.errors import ZooError
from zoo.spec import Layout
from zoo.tbptt import check_truncation
from zoo.topologies import topology_class


def data_layout(data: DictConfig) -> Layout:
    try:
        cls = get_class(data._target_)
    except Exception as exc:  # hydra wraps import errors in several types
        raise ZooError(f"data._target_={data._target_!r} cannot be imported: {exc}") from None
    return cls.layout(data)


def topology_options() -> list[type]:
    """The class of every `topology` option zoo ships (each schema's `_target_`)."""
    return [get_class(schema._target_) for schema in TOPOLOGY_SCHEMAS.values()]


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _early_stopping(cfg: DictConfig) -> bool:
    callbacks = cfg.get("callbacks") or {}
    return any(str(node.get("_target_", "")).endswith("EarlyStopping")
               for node in callbacks.values() if node)


def check_values(cfg: DictConfig) -> None:
    """Values the schema's per-key types and ranges cannot refuse: max_epochs=-1 only with
    something else to end the run, and the optimizer's learning rate."""
    epochs, steps = cfg.trainer.get("max_epochs"), cfg.trainer.get("max_steps")
    if _number(epochs) and epochs == -1 and not (_number(steps) and steps > 0) \
            and not _early_stopping(cfg):
        raise ZooError(
            "trainer.max_epochs=-1 trains forever: nothing ends it; give trainer.max_steps=N "
            "or an EarlyStopping callback, or a number of epochs."
        )
    if _number(epochs) and (epochs == 0 or epochs < -1):
        raise ZooError(f"trainer.max_epochs={epochs} trains nothing; set it to 1 or more.")
    lr = cfg.optimizer.get("lr")
    if _number(lr) and lr <= 0:
        raise ZooError(f"optimizer.lr={lr} must be positive; e.g. optimizer.lr=1e-3.")


def check_composition(cfg: DictConfig) -> Layout:
    check_config(cfg)  # the schema's keys, choices and ranges
    check_values(cfg)
    layout = data_layout(cfg.data)
    topology = topology_class(cfg.topology)
    topology.check(layout, bool(cfg.direction.bidirectional), cfg.data.name, topology_options)
    check_truncation(cfg)
    if cfg.bleu and not topology.can_generate:
        raise ZooError(
            f"bleu=true scores generated text, but topology={cfg.topology.name} does not "
            "generate; use topology=seq2seq (translation) or set bleu=false."
        )
    return layout
