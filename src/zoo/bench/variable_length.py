"""(3) Variable length on IMDB at maxlen 500: zoo's keras_imdb_bilstm model trained on
the same reviews five ways. `padded`: random batches padded to maxlen, no lengths (Keras;
inexact: the LSTMs read the padding); `packed`: random batches, packed; `bucketed`: length-
bucketed batches, packed; `fast path`: random batches, exact padded calls (`cell.packing`
auto); `bucketed + fast path`: zoo's default. Tokens/s of real tokens, as a ratio to
`padded`, and the training FLOP/s on real tokens as a fraction of this CPU's float32 matmul
peak, measured in the same run (`peak`); with `--full` also the test accuracy after one epoch
of each."""

from __future__ import annotations

import torch
from pytorch_lightning import seed_everything

from zoo.bench.compose import imdb_reviews
from zoo.bench.model_path import shuffled_batches
from zoo.bench.padded_model import padded_to
from zoo.bench.peak import matmul_peak, of_peak, training_flops_per_token
from zoo.bench.steps import first_batches, optimizer_of, real_tokens, zoo_model_steps
from zoo.bench.timing import interleaved, median, ratio, report
from zoo.cells import RecurrentStack
from zoo.run.train import build_task

SECTION = "3 variable length"
MAXLEN = 500
MODES = {  # name -> (bucketed batches, packing, lengths given)
    "padded": (False, "packed", False),
    "packed": (False, "packed", True),
    "bucketed": (True, "packed", True),
    "fast path": (False, "auto", True),
    "bucketed + fast path": (True, "auto", True),
}


def set_packing(task, packing: str) -> None:
    for module in task.modules():
        if isinstance(module, RecurrentStack):
            module.packing = packing


def _without_lengths(batch: dict) -> dict:
    return {"x": padded_to(batch, MAXLEN), "y": batch["y"]}


def _feed(datamodule, mode: str, n: int) -> tuple[list, int]:
    """`n` batches as `mode` sees them, and the real tokens they hold."""
    bucketed, _, lengths = MODES[mode]
    found = (
        first_batches(datamodule.train_dataloader(), n)
        if bucketed
        else shuffled_batches(datamodule, n)
    )
    tokens = real_tokens(found)
    return (found if lengths else [_without_lengths(b) for b in found]), tokens


def _runner(task, optimizer, mode: str, batches):
    def run():
        set_packing(task, MODES[mode][1])
        return zoo_model_steps(task, optimizer, batches)

    return run


def _accuracy_after_one_epoch(cfg, datamodule, mode: str) -> float:
    """Train a fresh model one epoch in `mode`, then its test accuracy."""
    seed_everything(cfg.seed)
    task = build_task(cfg, datamodule.spec)
    set_packing(task, MODES[mode][1])
    batches, _ = _feed(datamodule, mode, len(datamodule.train_dataloader()))
    zoo_model_steps(task, optimizer_of(task), batches)
    task.eval()
    hits = total = 0
    with torch.no_grad():
        for batch in datamodule.test_dataloader():
            logits, _ = task.model(batch if MODES[mode][2] else _without_lengths(batch))
            hits += int((logits.argmax(-1) == batch["y"]).sum())
            total += len(batch["y"])
    return hits / total


def run(settings, imdb_root: str | None) -> None:
    cfg, datamodule, note = imdb_reviews(settings, imdb_root, MAXLEN)
    task = build_task(cfg, datamodule.spec)
    optimizer = optimizer_of(task)
    feeds = {m: _feed(datamodule, m, settings.steps) for m in MODES}
    before = matmul_peak(
        torch.device("cpu"), settings.peak_size
    )  # and after: the better of the two
    times = interleaved(
        {m: _runner(task, optimizer, m, feeds[m][0]) for m in MODES},
        settings.rounds,
        settings.warmup,
    )
    rates = {m: [feeds[m][1] / t for t in times[m]] for m in MODES}
    shapes = f"B={datamodule.batch_size} maxlen={MAXLEN} {settings.steps} steps ({note})"
    peak = max(before, matmul_peak(torch.device("cpu"), settings.peak_size))
    shapes += f", CPU peak {peak / 1e9:.1f} GFLOP/s ({settings.peak_size}^3 matmul)"
    flops = training_flops_per_token(task)
    for mode in MODES:
        result = (
            f"{median(rates[mode]):.0f} tokens/s, ratio to padded "
            f"{ratio(rates[mode], rates['padded'])}, "
            f"{of_peak(flops * median(rates[mode]), 1.0, peak)}"
        )
        if settings.epoch_accuracy:
            acc = _accuracy_after_one_epoch(cfg, datamodule, mode)
            result += f", test acc after 1 epoch {acc:.4f}"
        report(SECTION, mode, shapes, result, settings.rounds)
