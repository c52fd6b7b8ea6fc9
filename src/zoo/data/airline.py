"""Monthly international airline passengers 1949-1960 (Box & Jenkins's AirPassengers, 144
values; CSV `"Month","Passengers"`), forecast from sliding windows.

The months are cut in order: the first 67% train (as the classic Keras tutorial), the rest
halved into val and test. A window belongs to the split holding all its target months. Values are
scaled with statistics of the training months only; `spec.target_scaling` holds the shift and
scale (original = scaled * scale + shift) so RMSE and MAE are reported in passengers.
"""

from __future__ import annotations

from pathlib import Path

import torch

from zoo.data.base import SequenceDataModule
from zoo.data.batches import TensorSequences
from zoo.data.csv_table import number_problem, read_table
from zoo.data.scaling import fit_scaler
from zoo.data.seed_source import source_file
from zoo.data.split import require_nonempty, split_indices
from zoo.data.windows import windows
from zoo.errors import ZooError
from zoo.spec import Layout, Scaling, Spec

URL = "https://raw.githubusercontent.com/jbrownlee/Datasets/master/airline-passengers.csv"
LAYOUTS = {
    "many_to_one": Layout("sequence", "single"),
    "many_to_many": Layout("sequence", "aligned"),
}
TARGETS = tuple(LAYOUTS)


def read_series(path: Path) -> torch.Tensor:
    """The second column of a `"Month","Passengers"` CSV, as float64, in file order."""
    table = read_table(path, columns=[1])
    values = []
    for line, fields in table.rows:
        problem = number_problem(fields[1]) if len(fields) == 2 else "the wrong number of fields"
        if problem:
            raise table.bad_row(
                line,
                f'expected "Month",Passengers, found {",".join(fields)[:60]!r} ({problem}); '
                "fix or remove the line",
            )
        values.append(float(fields[1]))
    return torch.tensor(values, dtype=torch.float64)


def target_offsets(target: str, look_back: int, horizon: int) -> range:
    """Where a window's targets lie, counted from its first month: the `horizon` months after
    it (many_to_one), or for each of its months the one `horizon` later (many_to_many)."""
    if target not in TARGETS:
        raise ZooError(f"data.target={target!r} is not known; choose one of {TARGETS}.")
    if look_back < 1 or horizon < 1:
        raise ZooError(f"data.look_back={look_back} and data.horizon={horizon} must be >= 1.")
    if target == "many_to_one":
        return range(look_back, look_back + horizon)
    return range(horizon, horizon + look_back)


class Airline(SequenceDataModule):
    cacheable = True

    @classmethod
    def layout(cls, cfg) -> Layout:
        target = cfg["target"]
        if target not in LAYOUTS:
            raise ZooError(
                f"data.target={target!r} is not known for data=airline; choose one of {TARGETS}."
            )
        return LAYOUTS[target]

    def sources(self) -> list[Path]:
        if not hasattr(self, "_source"):
            self._source = source_file(
                "airline",
                self.options["root"],
                ["airline-passengers.csv"],
                URL,
                None,
                self.cache_dir,
                filename="airline-passengers.csv",
            )
        return [self._source]

    def build(self):
        opt = self.options
        target = opt["target"]
        layout = self.layout(opt)
        val_size, test_size = opt["val_size"], opt["test_size"]
        look_back, horizon = opt["look_back"], opt["horizon"]
        offsets = target_offsets(target, look_back, horizon)
        series = read_series(self.sources()[0])
        if len(series) < look_back + horizon:
            raise ZooError(
                f"a series of {len(series)} values is too short for data.look_back="
                f"{look_back} and data.horizon={horizon}; make them smaller."
            )
        bounds = split_indices("airline", len(series), val_size, test_size)
        train = series[bounds["train"].start : bounds["train"].stop, None]
        fitted = fit_scaler(opt["scale"], train, "scale")
        shift, scale = (float(t[0]) for t in fitted)
        scaled = ((series - shift) / scale).float()
        splits = {}
        for name, bound in bounds.items():
            x, y = windows(scaled[:, None], scaled, look_back, offsets, bound.start, bound.stop)
            splits[name] = TensorSequences(x, y if target == "many_to_one" else y.unsqueeze(-1))
        require_nonempty(
            "airline",
            {s: len(d) for s, d in splits.items()},
            "use a smaller data.look_back or data.horizon, or larger "
            "data.val_size/data.test_size",
        )
        spec = Spec(
            layout,
            "features",
            1,
            "value",
            horizon if target == "many_to_one" else 1,
            target_scaling=Scaling([shift], [scale]),
        )
        return spec, splits
