"""Time to accuracy on the Keras IMDB BiLSTM, back to back: `zoo-train
experiment=keras_imdb_bilstm` against the hand-written padded loop a user would write
(zoo.bench.padded_model: the same sizes, Keras's U(-0.05, 0.05) embeddings, batches padded to
200, Adam 1e-3, batch 32, 2 epochs, evaluation on the 25,000 test reviews at batch 256 after
each epoch). Prints both wall times, their val/acc and the ratio. Both run on the GPU where
there is one (zoo-train's `trainer.accelerator=auto`; the hand loop moves its model and batches
to CUDA, in float32 as zoo-train's default `matmul_precision=highest`: no TF32 in cuBLAS or
cuDNN), else on the CPU.

    python scripts/imdb_time_to_accuracy.py ../shared/data/imdb/aclImdb_v1_labeled.tar.gz
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from hydra.utils import instantiate

from zoo.bench.compose import zoo_config
from zoo.bench.padded_model import like_zoo, padded_to
from zoo.run.precision import set_matmul_precision

MAXLEN, EPOCHS, BATCH, EVAL_BATCH = 200, 2, 32, 256
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def hand_written(root: str) -> tuple[float, float]:
    """(wall seconds from data to the last evaluation, final val/acc) of the padded loop."""
    set_matmul_precision("highest")
    start = time.perf_counter()
    overrides = ["experiment=keras_imdb_bilstm", f"data.root={root}"]
    cfg = zoo_config(overrides, Path(tempfile.mkdtemp()))
    data = instantiate(cfg.data)
    spec = data.spec
    torch.manual_seed(0)
    model = like_zoo(cfg, spec).to(DEVICE)
    torch.nn.init.uniform_(model.embed.weight, -0.05, 0.05)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    train, test = data.splits["train"], data.splits["test"]

    def inputs(split, idx):
        rows = {k: v[idx] for k, v in split.tensors.items()}
        return padded_to(rows, MAXLEN).to(DEVICE), rows["y"].to(DEVICE)

    acc = float("nan")
    for _ in range(EPOCHS):
        model.train()
        for idx in torch.randperm(len(train)).split(BATCH):
            x, y = inputs(train, idx)
            loss = F.cross_entropy(model(x), y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        model.eval()
        hits = 0
        with torch.inference_mode():
            for idx in torch.arange(len(test)).split(EVAL_BATCH):
                x, y = inputs(test, idx)
                hits += int((model(x).argmax(-1) == y).sum())
        acc = hits / len(test)  # int() above waits for the device
    return time.perf_counter() - start, acc


def zoo_train(root: str) -> tuple[float, float]:
    """(wall seconds of the whole zoo-train command, its val/acc)."""
    run = Path(tempfile.mkdtemp()) / "run"
    exe = Path(sys.executable).with_name("zoo-train")
    start = time.perf_counter()
    subprocess.run(
        [
            str(exe),
            "experiment=keras_imdb_bilstm",
            f"data.root={root}",
            f"hydra.run.dir={run}",
            "trainer.enable_progress_bar=false",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    record = json.loads((run / "metrics.json").read_text())
    return wall, record["metrics"]["val/acc"]


def main() -> None:
    root = sys.argv[1]
    where = torch.cuda.get_device_name() if DEVICE.type == "cuda" else "CPU"
    print(f"device: {where}, torch threads: {torch.get_num_threads()}")
    zoo_wall, zoo_acc = zoo_train(root)
    print(f"zoo-train experiment=keras_imdb_bilstm: {zoo_wall:.1f} s, val/acc {zoo_acc:.4f}")
    hand_wall, hand_acc = hand_written(root)
    print(f"hand-written padded loop:               {hand_wall:.1f} s, val/acc {hand_acc:.4f}")
    print(f"zoo / hand wall time: {zoo_wall / hand_wall:.2f}")


if __name__ == "__main__":
    main()
