"""Predictions of a classifier, regressor or tagger for new inputs, encoded as the run's data was:
text with the run's own vocabulary and tokenisation, numbers scaled with the shift and
scale the data recorded (`spec.extra["feature_shift"/"feature_scale"]`), values mapped back
to the data's units (`spec.extra["target_shift"/"target_scale"]`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch
from torch.nn.utils.rnn import pad_sequence

from zoo.errors import ZooError
from zoo.inference.codec import TextCodec
from zoo.spec import Spec
from zoo.task import SequenceTask


def read_inputs(value: str) -> list[str]:
    """One input: the text itself; a file: one input a line; `-`: one a line from stdin."""
    if value == "-":
        lines = sys.stdin.read().splitlines()
    elif Path(value).expanduser().is_file():
        lines = Path(value).expanduser().read_text(encoding="utf-8").splitlines()
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


def _features(spec: Spec, lines: list[str]) -> dict:
    size, single = spec.input_size, spec.layout.input == "single"
    shift = torch.tensor(spec.extra.get("feature_shift") or [0.0] * size)
    scale = torch.tensor(spec.extra.get("feature_scale") or [1.0] * size)
    rows = []
    for number, line in enumerate(lines, start=1):
        values = _numbers(line, number)
        if (single and len(values) != size) or not values or len(values) % size:
            need = f"{size}" if single else f"a multiple of {size} (steps x {size} features)"
            raise ZooError(
                f"input line {number} has {len(values)} numbers; this model reads {need}."
            )
        rows.append((torch.tensor(values).view(-1, size) - shift) / scale)
    if single:
        return {"x": torch.cat(rows)}
    return {
        "x": pad_sequence(rows, batch_first=True),
        "x_len": torch.tensor([len(r) for r in rows]),
    }


def _tokens(spec: Spec, lines: list[str]) -> dict:
    codec = TextCodec.for_input(spec)
    seqs = []
    for number, line in enumerate(lines, start=1):
        ids = codec.encode(line)
        if not ids:
            raise ZooError(f"input line {number} ({line[:60]!r}) holds no token.")
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


def encode_inputs(spec: Spec, lines: list[str]) -> dict:
    encode = {"tokens": _tokens, "features": _features, "label": _labels}[spec.input_kind]
    return encode(spec, lines)


def _scaled(spec: Spec, values: torch.Tensor) -> list:
    """Values in the data's units, a number per output (a list when there are several)."""
    values = values * spec.extra.get("target_scale", 1.0) + spec.extra.get("target_shift", 0.0)
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
def predict(task: SequenceTask, lines: list[str], where: str = "the checkpoint") -> list[dict]:
    """For each input line: {"input", "label", "probabilities"} or {"input", "value"}; a
    tagger's "labels" (or "values") per step, with the "tokens" they belong to."""
    check_can_predict(task, where)
    spec = task.spec
    lines = drop_header(spec, lines)
    batch = encode_inputs(spec, lines)
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
