"""The one place where a user's mistake becomes `error: <one sentence>` and exit status 2:
a `ZooError` from zoo, or a config that Hydra cannot compose (a misspelt key, a wrong-typed
value, an option that does not exist). Anything else is a bug and keeps its traceback."""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import sys
from collections.abc import Callable
from contextlib import contextmanager

import yaml
from hydra.errors import HydraException, MissingConfigException, OverrideParseException
from omegaconf.errors import ConfigKeyError, OmegaConfBaseException, ValidationError

from zoo.config.check import did_you_mean, unknown_key
from zoo.errors import ZooError, outside_world

RESERVED = ";,#=()\\ "  # unquoted in a value, these break Hydra's override grammar


def _omegaconf_cause(exc: BaseException) -> OmegaConfBaseException | None:
    """The first OmegaConf error behind `exc` that names a key (Hydra re-raises some without
    `from`, so the context chain is followed too)."""
    while exc is not None:
        if isinstance(exc, OmegaConfBaseException) and getattr(exc, "full_key", None):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _missing_option(exc: MissingConfigException) -> str:
    text = str(exc)
    found = re.search(r"Could not find '([^']+)'", text)
    if not found or "/" not in found.group(1):
        return text.strip().splitlines()[0]
    group, _, option = found.group(1).rpartition("/")
    options = re.findall(r"^\t(\S+)$", text, flags=re.M)
    listed = f"; choose one of {', '.join(options)}" if options else ""
    hint = f" ({did_you_mean(option, options).strip()})" if did_you_mean(option, options) else ""
    return f"Could not find '{group}/{option}': {group} has no option {option}{listed}{hint}."


def _where(exc: BaseException) -> str:
    """The config file Hydra was merging, if it says so ("In 'experiment/x'")."""
    found = re.search(r"(?:In|merging) '([^']+)'", str(exc))
    return f" (in {found.group(1)}.yaml)" if found and "override" not in found.group(0) else ""


def _type_name(annotation) -> str:
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")


def _yaml_error(exc: yaml.YAMLError) -> str:
    """The file and line of a YAML error, and where the construct it broke began."""
    mark = getattr(exc, "problem_mark", None)
    name = getattr(mark, "name", "") or ""
    where = "a config file" if not name or name.startswith("<") else name
    at = f", line {mark.line + 1}" if mark else ""
    began = getattr(exc, "context_mark", None)
    context = getattr(exc, "context", None)
    opened = f" ({context} that began on line {began.line + 1})" if began and context else ""
    return (f"{where}{at} is not valid YAML: {getattr(exc, 'problem', exc)}{opened}; fix the "
            "file there.")


def _override_error(exc: OverrideParseException) -> str:
    """A command-line override Hydra's grammar cannot parse; a value holding one of the
    characters the grammar reserves works once quoted."""
    override = exc.override or ""
    lines = exc.message.strip().splitlines()
    reason = lines[0].split(": ")[0] if lines[0].startswith("Lexer") else lines[0]
    grammar = next((line.removeprefix("See ").split()[0] for line in lines
                    if line.startswith("See ")), "Hydra's override grammar")
    key, equals, value = override.partition("=")
    reserved = sorted(set(value) & set(RESERVED))
    if not (equals and reserved) or set(value) & set("'\"[{"):
        return f"cannot parse the override {override!r} ({reason}); see {grammar}."
    shown = ", ".join(map(repr, reserved))
    return (f"cannot parse the override {override!r}: Hydra's override grammar reserves "
            f"{shown} in a value; quote the value, as '{key}=\"{value}\"' (the outer quotes "
            "keep the shell from removing the inner ones).")


def explain(exc: BaseException) -> str | None:
    """One sentence for a user's mistake, or None for anything else."""
    if isinstance(exc, ZooError):
        return str(exc)
    if isinstance(exc.__cause__, ZooError):  # raised in a class Hydra built (the sweeper)
        return str(exc.__cause__)
    if isinstance(exc, MissingConfigException):
        return _missing_option(exc)
    cause = _omegaconf_cause(exc)
    if isinstance(cause, ConfigKeyError | AttributeError) and cause.full_key:
        schema = cause.object_type
        key = cause.full_key.rpartition(".")[2]
        if dataclasses.is_dataclass(schema):
            valid = [f.name for f in dataclasses.fields(schema)]
            owner = f"{cause.full_key.rpartition('.')[0] or 'the config'} ({schema.__name__})"
            error = unknown_key(cause.full_key, key, valid, owner)
            return f"{error}".rstrip(".") + f"{_where(exc)}."
    if isinstance(cause, ValidationError) and cause.full_key:
        reason = str(cause.msg).strip().splitlines()[0].rstrip(".")
        if cause.object_type is not None and dataclasses.is_dataclass(cause.object_type):
            field = {f.name: f for f in dataclasses.fields(cause.object_type)}.get(cause.key)
            if field is not None:
                reason += f" (expected {_type_name(field.type)})"
        return f"{cause.full_key}: {reason}{_where(exc)}."
    if isinstance(exc, yaml.YAMLError):
        return _yaml_error(exc)
    if isinstance(exc, OverrideParseException):
        return _override_error(exc)
    if isinstance(exc, OSError):
        error = outside_world(exc)
        return None if error is None else str(error)
    if isinstance(exc, HydraException | OmegaConfBaseException):
        lines = [line for line in str(exc).strip().splitlines() if line.strip()]
        return " ".join(lines[:2]) if lines else type(exc).__name__
    return None


@contextmanager
def user_errors():
    """Print a user's mistake as one line and exit 2. Hydra is asked to raise its errors
    instead of printing them; HYDRA_FULL_ERROR=1 set by the user keeps every traceback."""
    before = os.environ.get("HYDRA_FULL_ERROR")
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        yield
    except Exception as exc:
        message = None if before == "1" else explain(exc)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        sys.exit(2)
    finally:  # in-process callers (the tests, a notebook) keep their environment
        if before is None:
            os.environ.pop("HYDRA_FULL_ERROR", None)
        else:
            os.environ["HYDRA_FULL_ERROR"] = before


class ArgumentParser(argparse.ArgumentParser):
    """argparse's parser whose usage mistakes (a wrong type, a missing argument) are a
    `ZooError`: one sentence under `exit_status`, not argparse's usage block."""

    def error(self, message: str):
        raise ZooError(f"{message}; see {self.prog} --help.")


def run_command(work: Callable[[], None]) -> None:
    """Run a console script's work under `user_errors`."""
    with user_errors():
        work()


def exit_status(work: Callable[[], int]) -> int:
    """`work()`'s exit status, or 2 after printing a user's mistake (for a `main(argv) ->
    int` that tests call in-process)."""
    try:
        with user_errors():
            return work()
    except SystemExit as stop:
        return stop.code
