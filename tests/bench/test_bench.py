"""`zoo-bench` runs every section on tiny shapes and prints a ratio line for each (timings
are the benchmark's business, never asserted here)."""

from __future__ import annotations

import re

import pytest

from zoo.bench.cli import SECTIONS, main, run
from zoo.bench.gpu_throughput import training_flops
from zoo.bench.peak import training_flops_per_token
from zoo.bench.settings import preset
from zoo.cells import RecurrentStack


def test_every_section_prints_its_ratio_lines(tmp_path, capsys):
    run(preset("tiny"), str(tmp_path / "no-imdb-here"))
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("[")]
    for number in range(1, 8):
        found = [line for line in lines if line.startswith(f"[{number} ")]
        assert found, f"section {number} printed nothing"
        assert all("threads=" in line for line in found)
        assert any(
            re.search(r"ratio .*\d\.\d\d \[\d", line)
            or "skipped" in line
            or "MFU" in line
            or re.search(r"imports are \d+% of the launch", line)
            for line in found
        ), found
    imdb = [line for line in lines if "keras_imdb" in line or "maxlen=" in line]
    assert imdb and all("synthetic reviews (IMDB absent)" in line for line in imdb)
    assert len([line for line in lines if line.startswith("[3 ")]) == 5  # one per batching mode
    # the CPU's own limit beside the model-path and variable-length rates
    for number in (2, 3):
        found = [line for line in lines if line.startswith(f"[{number} ")]
        assert any(
            re.search(r"GFLOP/s = \d\.\d{3} of the measured peak", line) for line in found
        ), found


def test_training_flops_per_token_count_every_recurrent_matrix():
    stack = RecurrentStack("gru", 8, 4, num_layers=2, bidirectional=True)
    # layer 2 reads both directions of layer 1: E = 2H = 8, as layer 1 reads E = 8
    assert training_flops_per_token(stack) == training_flops("gru", 1, 8, 4, 2, 2)


def test_cuda_without_a_gpu_is_refused_in_one_sentence(monkeypatch):
    monkeypatch.setattr("torch.cuda.is_available", lambda: False)
    with pytest.raises(SystemExit, match="--device cuda needs a CUDA device"):
        main(["--device", "cuda", "--only", "tax"])


def test_unknown_section_is_refused():
    with pytest.raises(SystemExit, match="unknown section"):
        main(["--only", "speed"])
    assert set(SECTIONS) == {"tax", "model", "length", "parity", "scan", "gpu", "startup"}


def test_training_flops_follow_the_formula():
    # 3 x forward, forward = 2 * gates * H * (E + H) per token, layer and direction
    assert training_flops("lstm", 10, 256, 256) == 3 * 2 * 4 * 256 * 512 * 10
    assert training_flops("gru", 1, 8, 4, layers=2, directions=2) == 3 * 2 * 3 * 4 * 12 * 4
