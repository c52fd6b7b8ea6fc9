"""The bad-inputs table: each row is a command (or an API call) and the one sentence it must
print. A command runs in-process under its real console-script entry point; it must exit 2
with a single `error: ...` line and no traceback (only zoo's own error type may escape)."""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import sys

import pytest
from hydra.core.global_hydra import GlobalHydra

# console script -> its entry point (pyproject.toml [project.scripts])
ENTRY = {
    "zoo-train": "zoo.cli.train:main",
    "zoo-eval": "zoo.cli.eval:main",
    "zoo-predict": "zoo.cli.predict:main",
    "zoo-sample": "zoo.cli.sample:main",
    "zoo-table": "zoo.cli.table:main",
    "zoo-plot": "zoo.cli.plot:main",
}


def _entry(command: str):
    module, _, name = ENTRY[command].partition(":")
    return getattr(importlib.import_module(module), name)


def run_in_process(command: str, *args: str, monkeypatch) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `command args...` run in this process."""
    GlobalHydra.instance().clear()
    monkeypatch.setattr(sys, "argv", [command, *args])
    monkeypatch.setenv("HYDRA_FULL_ERROR", "0")
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result = _entry(command)()
            code = result if isinstance(result, int) else 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    GlobalHydra.instance().clear()
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def refusal(monkeypatch):
    """`refusal(command, *args)` -> the one sentence `command` refused `args` with (exit 2,
    one `error:` line, no traceback)."""

    def refuse(command: str, *args: str) -> str:
        code, _, err = run_in_process(command, *args, monkeypatch=monkeypatch)
        assert "Traceback" not in err, err[-3000:]
        errors = [line for line in err.splitlines() if line.startswith("error: ")]
        assert code == 2 and len(errors) == 1, f"exit {code}, stderr:\n{err[-3000:]}"
        return errors[0].removeprefix("error: ")

    return refuse


def says(sentence: str, *patterns: str) -> None:
    """Every regex in `patterns` is found in `sentence`."""
    for pattern in patterns:
        assert re.search(pattern, sentence), f"{pattern!r} not in: {sentence}"
