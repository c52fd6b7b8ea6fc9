"""Predictions of a classifier, regressor or tagger for new inputs, encoded as the run's data was:
text with the run's own vocabulary and tokenisation, numbers scaled with the shift and
scale the data recorded (`spec.feature_scaling`), values mapped back to the data's units
(`spec.target_scaling`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch
from torch.nn.utils.rnn import pad_sequence

from zoo.data.preprocess.codec import TextCodec
from zoo.errors import ZooError
from zoo.spec import Spec
from zoo.task.module import SequenceTask

# what makes an input that names no file look like a path all the same
FILE_SUFFIXES = (".txt", ".csv", ".tsv", ".json", ".jsonl", ".conll", ".conllu")
TOKENS = ("model", "whitespace")  # zoo-predict's tokens=: how text is cut into tokens


def _existing_file(value: str) -> Path | None:
    try:
        path = Path(value).expanduser()
        return path if path.is_file() else None
    except (OSError, ValueError):  # a name too long for a file, or a NUL in it: text
        return None


def looks_like_path(value: str) -> bool:
    """One word with a folder separator, a home folder or a file extension in it."""
    if not value or any(c.isspace() for c in value):
        return False
    return ("/" in value or "\\" in value or value.startswith("~")
            or value.lower().endswith(FILE_SUFFIXES))


def _text(data: bytes, where: str) -> str:
    if b"\x00" in data:
        raise ZooError(f"{where} is a binary file, not text; give a text file, one input a line.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ZooError(
            f"{where} is not UTF-8 text (byte {exc.start} cannot be read); save it as UTF-8, "
            "one input a line."
        ) from None


def read_inputs(value: str) -> list[str]:
    """One input: the text itself; a file: one input a line; `-`: one a line from stdin.
    A value that looks like a path but names no file is refused, not read as text."""
    if value == "-":
        stdin = getattr(sys.stdin, "buffer", None)
        lines = (_text(stdin.read(), "stdin") if stdin else sys.stdin.read()).splitlines()
    elif (path := _existing_file(value)) is not None:
        lines = _text(path.read_bytes(), str(path)).splitlines()
    elif looks_like_path(value):
        raise ZooError(
            f"input={value} looks like a file, but there is no such file; give an existing "
            "file, or text (which has no slash or file extension when it is one word)."
        )
    else:
        lines = [value]
    lines = [line for line in lines if line.strip()]
    if not lines:
        raise ZooError(
            f"input={value!r} holds no input; give a text, numbers, or a file with "
            "one input a line."
        )
    return lines


def check_can_predict(task: SequenceTask, where: str) -> None:
    spec = task.spec
    if spec.layout.target == "sequence" or spec.target_kind not in ("class", "value"):
        name = type(task.model).name
        raise ZooError(
            f"{where} is a topology={name} model with a {spec.layout.target} "
            f"{spec.target_kind} target; zoo-predict serves classifiers, regressors and "
            "taggers (a class or value per input or per step); use zoo-sample to generate."
        )


def _fields(line: str) -> list[str]:
    return line.replace(",", " ").replace(";", " ").split()


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _numbers(line: str, number: int) -> list[float]:
    fields = _fields(line)
    if not all(_is_number(f) for f in fields):
        raise ZooError(f"input line {number} is not a list of numbers: {line[:60]!r}.")
    return [float(f) for f in fields]


def drop_header(spec: Spec, lines: list[str]) -> list[str]:
    """Numeric input read from a CSV file may start with a header row (no number in it)."""
    if spec.input_kind == "features" and len(lines) > 1:
        if not any(_is_number(f) for f in _fields(lines[0])):
            return lines[1:]
    return lines


def _features(spec: Spec, lines: list[str], window: int | None = None) -> dict:
    """`window`: the steps a forecaster was trained on (data.look_back); fewer are refused."""
    size, single = spec.input_size, spec.layout.input == "single"
    rows = []
    for number, line in enumerate(lines, start=1):
        values = _numbers(line, number)
        if (single and len(values) != size) or not values or len(values) % size:
            need = f"{size}" if single else f"a multiple of {size} (steps x {size} features)"
            raise ZooError(
                f"input line {number} has {len(values)} numbers; this model reads {need}."
            )
        steps = len(values) // size
        if window and not single and steps < window:
            raise ZooError(
                f"input line {number} has {steps} steps; this forecaster was trained on "
                f"windows of {window} (data.look_back), so give at least {window}."
            )
        row = torch.tensor(values).view(-1, size)
        rows.append(spec.feature_scaling.apply(row) if spec.feature_scaling else row)
    if single:
        return {"x": torch.cat(rows)}
    return {
        "x": pad_sequence(rows, batch_first=True),
        "x_len": torch.tensor([len(r) for r in rows]),
    }


def _tokens(spec: Spec, lines: list[str], tokens: str = "model") -> dict:
    codec = TextCodec.for_input(spec)
    if tokens not in TOKENS:
        raise ZooError(f"tokens={tokens!r} is not known; choose one of {TOKENS}.")
    if tokens == "whitespace" and codec.level != "word":
        raise ZooError("tokens=whitespace needs a word-level model; this one reads characters.")
    seqs = []
    for number, line in enumerate(lines, start=1):
        ids = codec.encode(line, pretokenized=tokens == "whitespace")
        if not ids:
            raise ZooError(f"input line {number} ({line[:60]!r}) holds no token.")
        codec.warn_if_unknown(ids, f"input line {number}")
        seqs.append(torch.tensor(ids))
    return {
        "x": pad_sequence(seqs, batch_first=True, padding_value=spec.pad_id),
        "x_len": torch.tensor([len(s) for s in seqs]),
    }


def _labels(spec: Spec, lines: list[str]) -> dict:
    names = list(spec.input_vocab or [])
    unknown = [line for line in lines if line.strip() not in names]
    if unknown:
        raise ZooError(f"{unknown[0]!r} is not one of the model's inputs: {', '.join(names)}.")
    return {"x": torch.tensor([names.index(line.strip()) for line in lines])}


def encode_inputs(spec: Spec, lines: list[str], tokens: str = "model",
                  window: int | None = None) -> dict:
    if spec.input_kind == "tokens":
        return _tokens(spec, lines, tokens)
    if spec.input_kind == "features":
        return _features(spec, lines, window)
    return _labels(spec, lines)


def _scaled(spec: Spec, values: torch.Tensor) -> list:
    """Values in the data's units, a number per output (a list when there are several)."""
    values = spec.target_scaling.undo(values) if spec.target_scaling else values
    return [v if len(v) > 1 else v[0] for v in values.tolist()]


def _per_step(spec: Spec, line: str, x: torch.Tensor, outputs: torch.Tensor) -> dict:
    found = {"input": line}
    if spec.input_kind == "tokens":
        found["tokens"] = [spec.input_vocab[i] for i in x.tolist()]
    if spec.target_kind == "class":
        names = spec.target_vocab or [str(i) for i in range(spec.target_size)]
        found["labels"] = [names[i] for i in outputs.argmax(-1).tolist()]
    else:
        found["values"] = _scaled(spec, outputs)
    return found


@torch.no_grad()
def predict(task: SequenceTask, lines: list[str], where: str = "the checkpoint",
            tokens: str = "model", window: int | None = None) -> list[dict]:
    """For each input line: {"input", "label", "probabilities"} or {"input", "value"}; a
    tagger's "labels" (or "values") per step, with the "tokens" they belong to. `tokens`:
    "whitespace" takes text as tokens already cut; `window`: a forecaster's data.look_back."""
    check_can_predict(task, where)
    spec = task.spec
    lines = drop_header(spec, lines)
    batch = encode_inputs(spec, lines, tokens, window)
    outputs, _ = task.model(batch)
    if spec.layout.target == "aligned":
        lengths = batch["x_len"].tolist()
        return [
            _per_step(spec, line, x[:n], out[:n])
            for line, x, out, n in zip(lines, batch["x"], outputs, lengths, strict=True)
        ]
    if spec.target_kind == "class":
        names = spec.target_vocab or [str(i) for i in range(spec.target_size)]
        probs = outputs.softmax(-1)
        return [
            {
                "input": line,
                "label": names[int(p.argmax())],
                "probabilities": dict(zip(names, p.tolist(), strict=True)),
            }
            for line, p in zip(lines, probs, strict=True)
        ]
    return [
        {"input": line, "value": v} for line, v in zip(lines, _scaled(spec, outputs), strict=True)
    ]
