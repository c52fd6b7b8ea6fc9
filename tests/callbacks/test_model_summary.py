"""The model summary prints exact parameter counts, comparable with Keras's `model.summary()`.

Keras's RNN guide builds Embedding(1000, 64) -> LSTM(128) -> Dense(10) and reports 64,000 /
98,816 / 1,290 parameters. torch's LSTM keeps two bias vectors (b_ih and b_hh) where Keras
keeps one, so zoo's recurrent stack has 4 * 128 = 512 more: 99,328.
"""

from __future__ import annotations

import random

from conftest import run_cli

KERAS_GUIDE = ["data=text_classification", "data.max_size=1000", "data.max_len=20",
               "topology=many_to_one", "topology.embedding_dim=64", "cell=lstm",
               "cell.hidden_size=128", "cell.num_layers=1", "direction=uni",
               "trainer.fast_dev_run=true", "logger=none", "trainer.enable_progress_bar=false",
               "~callbacks.progress_bar", "threads=1"]


def _ten_classes(path):
    rng = random.Random(0)
    words = [f"w{i}" for i in range(1500)]
    rows = ["text,label"] + [f"{' '.join(rng.sample(words, 12))},c{i % 10}" for i in range(600)]
    path.write_text("\n".join(rows) + "\n")


def test_summary_shows_the_keras_guide_counts(tmp_path):
    _ten_classes(tmp_path / "ten.csv")
    out = run_cli("zoo-train", *KERAS_GUIDE, f"data.path={tmp_path / 'ten.csv'}",
                  f"hydra.run.dir={tmp_path / 'run'}", cwd=tmp_path).stdout
    rows = {line.split("│")[3].strip(): line.split("│")[4].strip()
            for line in out.splitlines() if line.count("│") >= 6}
    assert rows["InputLayer"] == "64,000"  # Embedding(1000, 64)
    assert rows["RecurrentStack"] == "99,328"  # Keras's 98,816 + torch's second bias (512)
    assert rows["Head"] == "1,290"  # Dense(10)
    assert "Total params: 164,618" in out
