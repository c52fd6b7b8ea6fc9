"""(2) Model path: zoo's `keras_imdb_bilstm` model (bucketed batches, real lengths) against the
hand-written padded `nn.LSTM` model of the same size (`padded_model`), both trained without a
framework, on `--device` (cpu or cuda). Per step: the same reviews in the same batches. Per
epoch: each on the batches it would see in an epoch (zoo bucketed, the hand model shuffled and
padded to maxlen), compared in real tokens per second, so the ratio is that of epoch times.
Above 1.0: zoo is faster. Last, each one's training FLOP/s on real tokens as a fraction of the
device's float32 matmul peak, measured in the same run (`peak`)."""

from __future__ import annotations

import torch

from zoo.bench.compose import imdb_reviews
from zoo.bench.padded_model import hand_steps, like_zoo, padded_to
from zoo.bench.peak import matmul_peak, of_peak, training_flops_per_token
from zoo.bench.steps import first_batches, on_device, optimizer_of, real_tokens, zoo_model_steps
from zoo.bench.timing import interleaved, median, ratio, report
from zoo.run.train import build_task

SECTION = "2 model path"
MAXLEN = 200


def shuffled_batches(datamodule, n: int) -> list:
    """`n` batches of random reviews (no bucketing), as a padded loop would draw them."""
    data = datamodule.splits["train"]
    order = torch.randperm(len(data), generator=torch.Generator().manual_seed(1))
    size = datamodule.batch_size
    return [data[order[(i * size) % len(data) :][:size].tolist()] for i in range(n)]


def run(settings, imdb_root: str | None) -> None:
    cfg, datamodule, note = imdb_reviews(settings, imdb_root, MAXLEN)
    device = torch.device(settings.device)
    task = build_task(cfg, datamodule.spec).to(device)
    hand = like_zoo(cfg, datamodule.spec).to(device)
    zoo_opt, hand_opt = optimizer_of(task), torch.optim.Adam(hand.parameters(), cfg.optimizer.lr)
    bucketed = first_batches(datamodule.train_dataloader(), settings.steps)
    shuffled = shuffled_batches(datamodule, settings.steps)
    same = [padded_to(b, MAXLEN).to(device) for b in bucketed]
    own = [padded_to(b, MAXLEN).to(device) for b in shuffled]
    tokens = {"bucketed": real_tokens(bucketed), "shuffled": real_tokens(shuffled)}
    bucketed, shuffled = on_device(task, bucketed), on_device(task, shuffled)
    before = matmul_peak(device, settings.peak_size)  # and after: the better of the two
    times = interleaved(
        {
            "zoo": lambda: zoo_model_steps(task, zoo_opt, bucketed),
            "hand same": lambda: hand_steps(hand, hand_opt, same, bucketed),
            "hand own": lambda: hand_steps(hand, hand_opt, own, shuffled),
        },
        settings.rounds,
        settings.warmup,
    )
    b = datamodule.batch_size
    shapes = f"B={b} maxlen={MAXLEN} {settings.steps} steps on {device.type} ({note})"
    report(
        SECTION,
        "per step, same reviews: zoo vs hand padded nn.LSTM",
        shapes,
        f"ratio (zoo steps/s / hand steps/s) {ratio(times['hand same'], times['zoo'])}",
        settings.rounds,
    )
    scale = tokens["shuffled"] / tokens["bucketed"]  # tokens/s ratio = time ratio x this
    epoch = [h / (z * scale) for h, z in zip(times["hand own"], times["zoo"], strict=True)]
    report(
        SECTION,
        "per epoch of tokens: zoo bucketed vs hand shuffled padded",
        shapes,
        f"ratio (zoo tokens/s / hand tokens/s) {ratio(epoch, [1.0] * len(epoch))}",
        settings.rounds,
    )
    peak = max(before, matmul_peak(device, settings.peak_size))
    flops = training_flops_per_token(task)  # the hand model applies the same weights
    report(
        SECTION,
        f"training FLOP/s on real tokens vs {device.type} float32 matmul peak",
        f"{shapes}, peak {peak / 1e9:.1f} GFLOP/s ({settings.peak_size}^3 matmul)",
        f"zoo {of_peak(flops * tokens['bucketed'], median(times['zoo']), peak)}; hand "
        f"{of_peak(flops * tokens['shuffled'], median(times['hand own']), peak)}",
        settings.rounds,
    )
