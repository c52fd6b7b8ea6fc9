"""Monthly international airline passengers 1949-1960 (Box & Jenkins's AirPassengers, 144
values; CSV `"Month","Passengers"`), forecast from sliding windows.

The months are cut in order: the first 67% train (as the classic Keras tutorial), the rest
halved into val and test. A window belongs to the split holding all its target months. Values are
scaled with statistics of the training months only; `spec.extra` holds the scale and shift
(original = scaled * target_scale + target_shift) so RMSE and MAE are reported in passengers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import torch

from zoo.data.base import SequenceDataModule
from zoo.data.batches import TensorSequences
from zoo.data.seed_source import source_file
from zoo.data.seeded_split import check_fractions, contiguous_bounds, require_nonempty
from zoo.data.windows import TARGETS, windows
from zoo.errors import ZooError
from zoo.spec import Layout, Spec

URL = "https://raw.githubusercontent.com/jbrownlee/Datasets/master/airline-passengers.csv"
LAYOUTS = {
    "many_to_one": Layout("sequence", "single"),
    "many_to_many": Layout("sequence", "aligned"),
}
SCALINGS = ("minmax", "standard", "none")


def read_series(path: Path) -> torch.Tensor:
    """The second column of a `"Month","Passengers"` CSV, as float64, in file order."""
    try:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    except UnicodeDecodeError:
        raise ZooError(f"{path}: is not valid UTF-8 text; save it as a UTF-8 CSV.") from None
    values = []
    for number, row in enumerate(rows, start=1):
        if not row or (number == 1 and not _is_number(row[-1])):  # blank line or header
            continue
        if len(row) != 2 or not _is_number(row[1]):
            raise ZooError(
                f'{path}, line {number}: expected "Month",Passengers, found '
                f"{','.join(row)[:60]!r}; fix or remove the line."
            )
        values.append(float(row[1]))
    return torch.tensor(values, dtype=torch.float64)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def scale_of(train: torch.Tensor, scaling: str) -> tuple[float, float]:
    """(scale, shift) with original = scaled * scale + shift, from the training values."""
    if scaling not in SCALINGS:
        raise ZooError(f"data.scaling={scaling!r} is not known; choose one of {SCALINGS}.")
    if scaling == "minmax":
        low, high = float(train.min()), float(train.max())
        return (high - low) or 1.0, low
    if scaling == "standard":
        return float(train.std()) or 1.0, float(train.mean())
    return 1.0, 0.0


class Airline(SequenceDataModule):
    cacheable = True

    @classmethod
    def layout(cls, cfg) -> Layout:
        target = cfg.get("target", "many_to_one")
        if target not in LAYOUTS:
            raise ZooError(
                f"data.target={target!r} is not known for data=airline; choose one of {TARGETS}."
            )
        return LAYOUTS[target]

    def sources(self) -> list[Path]:
        if not hasattr(self, "_source"):
            self._source = source_file(
                "airline",
                self.options.get("root"),
                ["airline-passengers.csv"],
                URL,
                None,
                self.cache_dir,
                filename="airline-passengers.csv",
            )
        return [self._source]

    def build(self):
        opt = self.options
        target = opt.get("target", "many_to_one")
        layout = self.layout(opt)
        val_fraction, test_fraction = (
            opt.get("val_fraction", 0.165),
            opt.get("test_fraction", 0.165),
        )
        check_fractions("airline", val_fraction, test_fraction)
        series = read_series(self.sources()[0])
        bounds = contiguous_bounds(len(series), val_fraction, test_fraction)
        scale, shift = scale_of(series[bounds["train"]], opt.get("scaling", "minmax"))
        scaled = ((series - shift) / scale).float()
        x, y, first, last = windows(scaled, opt.get("look_back", 12), opt.get("horizon", 1), target)
        splits = {}
        for name, bound in bounds.items():
            keep = (first >= bound.start) & (last < bound.stop)
            splits[name] = TensorSequences(x[keep], y[keep])
        require_nonempty(
            "airline",
            {s: len(d) for s, d in splits.items()},
            "use a smaller data.look_back or data.horizon, or larger fractions",
        )
        size = y.size(-1)
        spec = Spec(
            layout,
            "features",
            1,
            "value",
            size,
            extra={"target_scale": scale, "target_shift": shift},
        )
        return spec, splits
