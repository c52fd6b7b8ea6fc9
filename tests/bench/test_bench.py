"""`zoo-bench` runs every section on tiny shapes and prints a ratio line for each (timings
are the benchmark's business, never asserted here)."""

from __future__ import annotations

import re

import pytest

from zoo.bench.cli import SECTIONS, main, run
from zoo.bench.gpu_throughput import training_flops
from zoo.bench.settings import preset


def test_every_section_prints_its_ratio_lines(tmp_path, capsys):
    run(preset("tiny"), str(tmp_path / "no-imdb-here"))
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("[")]
    for number in range(1, 8):
        found = [line for line in lines if line.startswith(f"[{number} ")]
        assert found, f"section {number} printed nothing"
        assert all("threads=" in line for line in found)
        assert any(re.search(r"ratio .*\d\.\d\d \[\d", line) or "skipped" in line
                   or "MFU" in line or re.search(r"imports are \d+% of the launch", line)
                   for line in found), found
    imdb = [line for line in lines if "keras_imdb" in line or "maxlen=" in line]
    assert imdb and all("synthetic reviews (IMDB absent)" in line for line in imdb)
    assert len([line for line in lines if line.startswith("[3 ")]) == 5  # one per batching mode


def test_unknown_section_is_refused():
    with pytest.raises(SystemExit, match="unknown section"):
        main(["--only", "speed"])
    assert set(SECTIONS) == {"tax", "model", "length", "parity", "scan", "gpu",
                                 "startup"}


def test_training_flops_follow_the_formula():
    # 3 x forward, forward = 2 * gates * H * (E + H) per token, layer and direction
    assert training_flops("lstm", 10, 256, 256) == 3 * 2 * 4 * 256 * 512 * 10
    assert training_flops("gru", 1, 8, 4, layers=2, directions=2) == 3 * 2 * 3 * 4 * 12 * 4
