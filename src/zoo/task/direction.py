"""Which way a metric improves, from its name.

The rule: the part after the split (`test/acc` -> `acc`) is matched against two word lists,
first whole, then word by word (`top5_acc` -> `acc`). Higher is better for accuracy-like
scores (acc, exact_match, f1, auc, ...), lower for errors (loss, mse, mae, rmse, ppl, ...).
A metric matching neither gets no "best" mark unless `--maximize`/`--minimize` names it
(they win over the rule; `check_marks` refuses a name that is no metric of the table).
"""

from __future__ import annotations

from zoo.errors import ZooError

HIGHER = {
    "acc",
    "accuracy",
    "exact_match",
    "f1",
    "auc",
    "auroc",
    "bleu",
    "sacrebleu",
    "precision",
    "recall",
    "r2",
    "top1",
    "top5",
}
LOWER = {"loss", "mse", "mae", "rmse", "ppl", "perplexity", "nll", "bpc", "cer", "wer", "error"}


def direction(metric: str, maximize=(), minimize=()) -> str | None:
    """'max', 'min' or None; explicit names (full `test/bleu` or bare `bleu`) win."""
    name = metric.rsplit("/", 1)[-1].lower()
    for chosen, way in ((maximize, "max"), (minimize, "min")):
        if metric in chosen or name in chosen:
            return way
    for words in ([name], name.split("_")):
        if any(w in HIGHER for w in words):
            return "max"
        if any(w in LOWER for w in words):
            return "min"
    return None


def check_marks(maximize, minimize, metrics: list[str]) -> None:
    """Refuse a `--maximize`/`--minimize` name (full `test/acc` or bare `acc`) that names no
    metric of `metrics` (it would mark nothing, silently), or is given to both."""
    bare = {m.rsplit("/", 1)[-1].lower() for m in metrics}
    for flag, names, other in (("--maximize", maximize, minimize),
                               ("--minimize", minimize, maximize)):
        for name in names:
            if name in other:
                raise ZooError(f"{name} is given to both --maximize and --minimize; name it "
                               "once, with the way it improves.")
            if name not in metrics and name.lower() not in bare:
                raise ZooError(f"{flag} {name} names no metric of the table; name one of "
                               f"{', '.join(metrics) or 'none'}.")
