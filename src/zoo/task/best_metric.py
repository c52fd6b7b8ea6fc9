"""Which validation metric chooses the best checkpoint (and is the sweep objective).

`optimized_metric: auto` becomes the task's headline metric once the data's Spec is known:
accuracy for classes (classification, tagging), MSE for values (regression, forecasting), loss
for tokens (language models, translation). `optimized_mode: auto` follows the metric's name
(higher is better for accuracy-like scores); a mode that contradicts the metric's known
direction (`max` for a loss) is refused, as is a metric the run never logs.
"""

from __future__ import annotations

import copy
import logging

from omegaconf import DictConfig

from zoo.errors import ZooError
from zoo.spec import Spec
from zoo.task.direction import direction
from zoo.task.module import logged_metrics
from zoo.topologies import topology_class

log = logging.getLogger("zoo")

AUTO = "auto"
HEADLINE = {"class": "val/acc", "value": "val/mse", "tokens": "val/loss"}
MODES = ("min", "max")


def check_mode(metric: str, mode: str) -> None:
    """Refuse `mode` (min or max) where `metric`'s direction is known and is the other one;
    auto, or a metric of unknown direction, passes."""
    known = direction(metric) if metric != AUTO else None
    if mode in MODES and known is not None and mode != known:
        better = "lower" if known == "min" else "higher"
        raise ZooError(
            f"optimized_mode={mode} contradicts optimized_metric={metric}, for which {better} "
            f"is better; set optimized_mode={known} or optimized_mode=auto."
        )


def resolve_best_metric(cfg: DictConfig, target_kind: str, logged: list[str]) -> tuple[str, str]:
    """The metric and mode that choose the best checkpoint (`auto` resolved); `logged`: the
    validation metrics the run logs."""
    metric = cfg.optimized_metric
    if metric == AUTO:
        metric = HEADLINE[target_kind]
    elif metric not in logged:
        raise ZooError(
            f"optimized_metric={metric} is not logged by this run ({target_kind} targets); "
            f"choose one of {', '.join(logged)}, or optimized_metric=auto."
        )
    mode = cfg.optimized_mode
    if mode == AUTO:
        mode = direction(metric)
        if mode is None:
            raise ZooError(
                f"optimized_metric={metric} has no known direction; set optimized_mode=min or "
                "optimized_mode=max."
            )
    elif mode not in MODES:
        raise ZooError(f"optimized_mode={mode} is not one of min, max, auto; pick one of them.")
    check_mode(metric, mode)
    return metric, mode


def choose_best_metric(cfg: DictConfig, spec: Spec) -> dict:
    """The best-checkpoint metric of `cfg` for data of `spec`, said in the log, as metrics.json
    fields; the caller sets them in its config before anything interpolates
    `${optimized_metric}` (callbacks, the plateau scheduler)."""
    topology = topology_class(cfg.topology)
    logged = logged_metrics(spec, topology, cfg.exact_match, "val", cfg.bleu)
    metric, mode = resolve_best_metric(cfg, spec.target_kind, logged)
    resolved = copy.deepcopy(cfg)
    resolved.optimized_metric, resolved.optimized_mode = metric, mode
    check_monitors(resolved, logged + logged_metrics(spec, topology, cfg.exact_match, "train"))
    log.info("best checkpoint: the %s %s (optimized_metric=%s optimized_mode=%s)",
             "highest" if mode == "max" else "lowest", metric, metric, mode)
    return {"optimized_metric": metric, "optimized_mode": mode}


def check_monitors(cfg: DictConfig, logged: list[str]) -> None:
    """Refuse a callback's or the plateau scheduler's `monitor` that the run does not log
    (Lightning would fail at the end of the first epoch); call it once `optimized_metric`, which
    they follow by default, is resolved."""
    watchers = {f"callbacks.{name}": node for name, node in (cfg.get("callbacks") or {}).items()}
    watchers["scheduler"] = cfg.get("scheduler")
    for path, node in watchers.items():
        monitor = node.get("monitor") if isinstance(node, DictConfig) else None
        if monitor is not None and monitor not in logged:
            raise ZooError(
                f"{path}.monitor={monitor} is not logged by this run; choose one of "
                f"{', '.join(logged)}, or leave it at ${{optimized_metric}}."
            )
