"""Monthly international airline passengers 1949-1960 (Box & Jenkins's AirPassengers, 144
values; CSV `"Month","Passengers"`): `data=csv` in `format: series` over a known file.

Only where the file comes from is its own: `data.root` (a folder holding
airline-passengers.csv, or the file) or the classic Keras tutorial's copy, downloaded once.
The rest is `CsvSequences`'s, with the passengers column as both input and target: the months
are cut in order (the first 67% train, as the tutorial, the rest halved into val and test),
scaled with the training months' statistics, and RMSE and MAE are reported in passengers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from zoo.data.base import LocalCopy, SplitSizes
from zoo.data.files.seed_source import source_file
from zoo.data.formats.csv_sequences import CsvSequences
from zoo.knobs import knob

URL = "https://raw.githubusercontent.com/jbrownlee/Datasets/master/airline-passengers.csv"


@dataclass
class AirlineData(LocalCopy, SplitSizes):
    _target_: str = "zoo.data.datasets.airline.Airline"
    name: str = "airline"
    aligned: bool = knob()
    look_back: int = knob(low=1)
    horizon: int = knob(low=1)
    scale: str = knob(choices=("minmax", "standard", "none"))


class Airline(CsvSequences):
    FIXED = {"format": "series", "columns": [1], "target_column": 1, "delimiter": None,
             "header": "auto", "stride": 1, "multiline": False, "quoting": "minimal"}

    @cached_property
    def split_paths(self) -> dict[str, Path]:
        return {"all": source_file("airline", self.cfg.root, ["airline-passengers.csv"],
                                   URL, None, self.cache_dir, filename="airline-passengers.csv")}
