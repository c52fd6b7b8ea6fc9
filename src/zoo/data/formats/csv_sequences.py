"""Numeric sequences from your own CSV/TSV files (`data=csv`), in one of two formats.

`format: rows` -- one sequence per row, its label in `label_column` (default -1, the last):

    0.12,0.40,0.33,0.91,1
    0.90,0.25,0.51,0
    0.33,0.72,0.08,0.64,0.15,2

Every other field is a number; rows may differ in length (blank cells after a shorter
sequence are ignored, as a spreadsheet pads them). With `features_per_step: F` each run of
F values is one step of F features.
`target: class` maps the labels to class ids (sorted, numerically when they are numbers; the
names are kept in `Spec.target_vocab`); `target: value` regresses the label as a number.
Train/val/test are a seeded shuffle cut by `val_size`/`test_size`.

`format: series` -- one long time series, one row per time step, one column per feature:

    Month,Passengers
    1949-01,112
    1949-02,118

`columns` picks the input columns (default: every column whose first value is a number, so
a date column is skipped); `target_column` (default -1) is the value to forecast. Each
window of `look_back` rows predicts the target at the next `horizon` rows after its last row
(a multi-step forecast; `horizon: 0` predicts the target at the window's last row), or, with
`aligned: true`, at every row the target `horizon` rows later (a causal layout: a
bidirectional model would read the targets). The split is chronological: train first, then
val, then test; a val/test window may read inputs from before its segment, but all its
targets lie inside it. Values are read and the scaling fitted in float64, then stored as
float32.

A folder in `data.path` reads every .csv/.tsv/.txt file in it (for series, each file is a
series of its own); a mapping `{train: ..., val: ..., test: ...}` gives separate split files.
`scale` (standard | minmax | none) is fitted on the training split only: the inputs for
rows; inputs and target for series (`Spec.feature_scaling` and `Spec.target_scaling` keep
them, so inputs are scaled alike at inference and RMSE and MAE are in the file's units).

A built-in series (`data=airline`) is this datamodule with its file found elsewhere
(`split_paths`) and its format fixed in `FIXED`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch.nn.utils.rnn import pad_sequence

from zoo.data.base import DelimitedOptions, FileDataModule
from zoo.data.batches import TensorSequences
from zoo.data.files.csv_table import (
    DelimitedRows,
    class_names,
    is_name,
    is_number,
    number,
    read_table,
)
from zoo.data.files.local_files import files_in, plural
from zoo.data.preprocess.scaling import SCALES, fit_scaler
from zoo.data.preprocess.windows import windows
from zoo.data.split import assign_splits, split_indices
from zoo.errors import ZooError
from zoo.knobs import knob
from zoo.spec import Layout, Scaling, Spec

FORMATS = ("rows", "series")
TARGETS = ("class", "value")
SUFFIXES = (".csv", ".tsv", ".tab", ".txt")


def _choice(options, key: str, allowed: tuple[str, ...]) -> str:
    value = getattr(options, key)
    if value not in allowed:
        raise ZooError(
            f"data.{key}={value!r} is not known for data={options.name}; "
            f"choose one of {allowed}."
        )
    return value


def read_rows(table: DelimitedRows, label_column, features_per_step: int, target: str) -> list:
    """(steps, label) per row: steps a list of `features_per_step`-long value lists."""
    fixed = (
        table.column(label_column, "label_column")
        if is_name(label_column) or int(label_column) >= 0
        else None
    )
    examples = []
    for line, fields in table.rows:
        while fields and not fields[-1].strip():
            fields = fields[:-1]
        index = fixed if fixed is not None else len(fields) + int(label_column)
        if not 0 <= index < len(fields):
            raise table.too_few(
                line,
                f"has {plural(len(fields), 'field')}, too few to hold "
                f"data.label_column={label_column} and a value",
                fields,
            )
        label = fields[index].strip()
        cells = [(c, f) for c, f in enumerate(fields) if c != index]
        while cells and not cells[-1][1].strip():  # blank cells after a shorter sequence
            cells.pop()
        values = [number(table, line, f, c, "every column but the label") for c, f in cells]
        if not values:
            raise table.too_few(
                line,
                f"has {plural(len(fields), 'field')}, which data.label_column={label_column} "
                "takes as the label, and no values",
                fields,
            )
        if len(values) % features_per_step:
            raise table.bad_row(
                line,
                f"has {plural(len(values), 'value')}, which do not split into "
                f"steps of data.features_per_step={features_per_step}",
            )
        if target == "value":
            label = number(table, line, label, index, "the label (data.target=value)")
        elif not label:
            raise table.bad_row(line, f"has an empty label in column {table.name(index)}")
        steps = [
            values[i : i + features_per_step] for i in range(0, len(values), features_per_step)
        ]
        examples.append((steps, label))
    return examples


def read_series(table: DelimitedRows, columns, target_column) -> tuple[torch.Tensor, torch.Tensor]:
    """(features (R, D), target (R,)) of a one-row-per-step table, in float64."""
    if columns is None:
        picked = [c for c, f in enumerate(table.rows[0][1]) if is_number(f)]
    else:
        picked = [table.column(c, "columns") for c in columns]
    if not picked:
        raise ZooError(f"{table.path} has no numeric column to read; list them in data.columns.")
    target = table.column(target_column, "target_column")
    need = max(*picked, target) + 1
    features, values = [], []
    for line, fields in table.rows:
        if len(fields) < need:
            raise table.too_few(
                line,
                f"has {plural(len(fields), 'field')}, but data.columns and data.target_column "
                f"need {need}",
                fields,
            )
        features.append([number(table, line, fields[c], c, "data.columns") for c in picked])
        values.append(number(table, line, fields[target], target, "data.target_column"))
    return torch.tensor(features, dtype=torch.float64), torch.tensor(values, dtype=torch.float64)


def target_offsets(look_back: int, horizon: int, aligned: bool) -> range:
    """Where a window's targets lie, from its first row: the `horizon` rows after its last row
    (its last row itself for horizon 0), or (aligned) `horizon` rows after each of its rows."""
    if aligned:
        return range(horizon, horizon + look_back)
    return range(look_back - 1 + min(horizon, 1), look_back + horizon)


@dataclass
class CsvData(DelimitedOptions):
    _target_: str = "zoo.data.formats.csv_sequences.CsvSequences"
    name: str = "csv"
    format: str = knob(choices=("rows", "series"))
    scale: str = knob(choices=("standard", "minmax", "none"))
    label_column: Any = knob()
    target: str = knob(choices=("class", "value"))
    features_per_step: int = knob(low=1)
    columns: Any = knob()
    target_column: Any = knob()
    look_back: int = knob(low=1)
    horizon: int = knob(low=0)
    stride: int = knob(low=1)
    aligned: bool = knob()


class CsvSequences(FileDataModule):
    cache_revision = 1  # 1: series read and scaled in float64; horizon N is the N next rows

    @classmethod
    def layout(cls, cfg) -> Layout:
        cfg = cls.with_fixed(cfg)
        fmt = _choice(cfg, "format", FORMATS)
        if fmt == "series" and cfg.aligned:
            return Layout("sequence", "aligned", causal=True)
        return Layout("sequence", "single")

    def _tables(self, columns: list) -> dict[str, list[DelimitedRows]]:
        """The files of each split; `columns` are the keys that will be looked up in them."""
        opts = self.cfg
        tables = {}
        for split, path in self.split_paths.items():
            files = files_in(path, SUFFIXES) if path.is_dir() else [path]
            tables[split] = [
                read_table(f, opts.delimiter, opts.header, columns, opts.multiline,
                           opts.quoting)
                for f in files
            ]
        return tables

    def build(self):
        if _choice(self.cfg, "format", FORMATS) == "rows":
            return self._build_rows()
        return self._build_series()

    def _build_rows(self):
        opts = self.cfg
        target = _choice(opts, "target", TARGETS)
        scale = _choice(opts, "scale", SCALES)
        per_step = int(opts.features_per_step)
        if per_step < 1:
            raise ZooError(f"data.features_per_step={per_step} must be at least 1.")
        parts = {
            split: [
                ex
                for t in found
                for ex in read_rows(t, opts.label_column, per_step, target)
            ]
            for split, found in self._tables([opts.label_column]).items()
        }
        splits = assign_splits(
            self.dataset_name, parts, opts.val_size, opts.test_size, self.seed
        )
        train_steps = torch.cat([torch.tensor(steps) for steps, _ in splits["train"]])
        shift, factor = fit_scaler(scale, train_steps, "scale")
        labels = [label for examples in splits.values() for _, label in examples]
        names = class_names(labels) if target == "class" else []
        ids = {name: i for i, name in enumerate(names)}
        data = {}
        for split, examples in splits.items():
            seqs = [(torch.tensor(steps) - shift) / factor for steps, _ in examples]
            labels = [label for _, label in examples]
            if target == "class":
                y = torch.tensor([ids[x] for x in labels])
            else:
                y = torch.tensor(labels, dtype=torch.float32).unsqueeze(-1)
            x_len = torch.tensor([len(s) for s in seqs])
            data[split] = TensorSequences(pad_sequence(seqs, batch_first=True), y, x_len=x_len)
        scaling = Scaling(shift.tolist(), factor.tolist())
        if target == "class":
            spec = Spec(
                self.layout(opts),
                "features",
                per_step,
                "class",
                len(names),
                target_vocab=names,
                feature_scaling=scaling,
            )
        else:
            spec = Spec(
                self.layout(opts), "features", per_step, "value", 1, feature_scaling=scaling
            )
        return spec, data

    def _build_series(self):
        opts = self.cfg
        scale = _choice(opts, "scale", SCALES)
        look_back, horizon = int(opts.look_back), int(opts.horizon)
        stride, aligned = int(opts.stride), bool(opts.aligned)
        if look_back < 1 or horizon < 0 or stride < 1:
            raise ZooError(
                f"data.look_back={look_back}, data.horizon={horizon} and "
                f"data.stride={stride} must be at least 1, 0 and 1 for data={self.dataset_name}."
            )
        sizes = {"val": opts.val_size, "test": opts.test_size}
        keys = [*(opts.columns or []), opts.target_column]
        tables = self._tables(keys)
        cut = {s: 0 if s in tables else f for s, f in sizes.items()}
        segments = []  # (features, target, split, start row, stop row)
        for split, found in tables.items():
            for table in found:
                features, target = read_series(
                    table, opts.columns, opts.target_column
                )
                if split in ("val", "test"):
                    segments.append((features, target, split, 0, len(target)))
                    continue
                rows = split_indices(self.dataset_name, len(target), cut["val"], cut["test"])
                for part, span in rows.items():
                    if span:
                        segments.append((features, target, part, span.start, span.stop))
        train = [(f[a:b], t[a:b]) for f, t, s, a, b in segments if s == "train"]
        shift, factor = fit_scaler(
            scale, torch.cat([torch.cat([f, t.unsqueeze(-1)], dim=1) for f, t in train]), "scale"
        )
        offsets = target_offsets(look_back, horizon, aligned)
        collected = {s: ([], []) for s in ("train", "val", "test")}
        for features, target, split, start, stop in segments:
            x, y = windows(
                ((features - shift[:-1]) / factor[:-1]).float(),
                ((target - shift[-1]) / factor[-1]).float(),
                look_back,
                offsets,
                start,
                stop,
                stride,
            )
            collected[split][0].append(x)
            collected[split][1].append(y.unsqueeze(-1) if aligned else y)
        data = {}
        for split, (xs, ys) in collected.items():
            if not sum(map(len, xs)):
                rows = sum(b - a for _, _, s, a, b in segments if s == split)
                more = (  # train: what val and test leave; val and test: their own sizes
                    "hold out fewer rows (data.val_size, data.test_size)"
                    if split == "train"
                    else f"give the {split} split more rows (data.{split}_size)"
                )
                raise ZooError(
                    f"data={self.dataset_name}: the {split} part of the series has "
                    f"{plural(rows, 'row')}, too few for one window of look_back={look_back} "
                    f"and horizon={horizon}; lower "
                    f"data.look_back or data.horizon, or {more}."
                )
            data[split] = TensorSequences(torch.cat(xs), torch.cat(ys))
        spec = Spec(
            self.layout(opts),
            "features",
            data["train"].tensors["x"].size(-1),
            "value",
            1 if aligned else len(offsets),
            feature_scaling=Scaling(shift[:-1].tolist(), factor[:-1].tolist()),
            target_scaling=Scaling([float(shift[-1])], [float(factor[-1])]),
        )
        return spec, data
