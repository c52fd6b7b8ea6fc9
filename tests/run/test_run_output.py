"""What a run prints: one plain line per epoch when stdout is not a terminal (a log file, a
SLURM job), a model summary without a FLOPs count, and no library warnings a user cannot act
on."""

from __future__ import annotations

import io
import re

import pytest
from conftest import run_cli
from pytorch_lightning.callbacks import RichProgressBar

from zoo.callbacks.epoch_lines import EpochLines, for_output

TINY = ["data.n_train=64", "data.n_val=32", "data.n_test=32", "data.T=10", "cell.hidden_size=8",
        "trainer.max_epochs=2"]
NOISE = ("deprecated", "You have overridden", "Tip:", "Trainer already configured")


@pytest.fixture(scope="module")
def piped_run(tmp_path_factory):
    """The default composition, stdout a pipe (as a redirected log)."""
    tmp = tmp_path_factory.mktemp("run")
    return run_cli("zoo-train", *TINY, f"hydra.run.dir={tmp / 'run'}", cwd=tmp)


def test_piped_output_has_one_plain_line_per_epoch(piped_run):
    lines = [line for line in piped_run.stdout.splitlines() if line.startswith("epoch ")]
    assert len(lines) == 2
    pattern = r"epoch {}/2 - step \d+ - \d+\.\d+s - .*train/loss [\d.]+ - val/loss [\d.]+"
    for epoch, line in enumerate(lines, 1):
        assert re.fullmatch(pattern.format(epoch) + ".*", line), line
    assert "it/s" not in piped_run.stdout  # no progress bar drawn into the log


def test_summary_has_no_flops_and_no_unactionable_library_warnings(piped_run):
    assert "Trainable params" in piped_run.stdout
    assert "FLOPs" not in piped_run.stdout
    noise = [line for line in piped_run.stderr.splitlines() if any(n in line for n in NOISE)]
    assert not noise, noise


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_keeps_the_configured_progress_bar():
    bar = RichProgressBar()
    assert for_output([bar], Terminal()) == [bar]
    [plain] = for_output([bar], io.StringIO())
    assert isinstance(plain, EpochLines)
