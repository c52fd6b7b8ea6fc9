"""Schemas of the `data` options: one dataclass per datamodule.

`DataConfig` holds what every datamodule takes (batching, loading, seed, cache) with its
default; each dataset's own keys have their values in its YAML (conf/data/<name>.yaml), where
they are documented.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from omegaconf import II

from zoo.config.fields import knob

# a split size: a count of examples (a whole number >= 1) or a fraction below 1; 0 holds out
# none (what that means is the datamodule's); zoo.data.split.held_out reads it
SIZE = {"low": 0}
LEVELS = ("word", "char")
TEXT_TASKS = ("classify", "generate")  # text -> label, or label -> text


@dataclass
class DataConfig:
    _target_: str = knob()
    name: str = knob()
    batch_size: int = knob(low=1)
    # evaluation batches (no gradients, so larger fits); null: max(4 x batch_size, 256), or
    # batch_size for stateful streams (their number)
    eval_batch_size: int | None = knob(None, low=1)
    num_workers: int = knob(0, low=0)  # DataLoader worker processes
    bucket: bool = True  # batch sequences of similar length together (less padding)
    seed: int = II("seed")
    cache_dir: str | None = II("paths.data_dir")  # downloads and processed-data caches


@dataclass
class GeneratedSizes(DataConfig):
    n_train: int = knob(low=1)
    n_val: int = knob(low=1)
    n_test: int = knob(low=1)


@dataclass
class AddingData(GeneratedSizes):
    _target_: str = "zoo.data.synthetic.adding.Adding"
    name: str = "adding"
    T: int = knob(low=2)


@dataclass
class CopyMemoryData(GeneratedSizes):
    _target_: str = "zoo.data.synthetic.copy_memory.CopyMemory"
    name: str = "copy_memory"
    T: int = knob(low=1)


@dataclass
class AdditionData(GeneratedSizes):
    _target_: str = "zoo.data.synthetic.addition.Addition"
    name: str = "addition"
    digits: int = knob(low=1)
    reverse: bool = knob()


@dataclass
class XorData(GeneratedSizes):
    _target_: str = "zoo.data.synthetic.xor.Xor"
    name: str = "xor"
    dim: int = knob(low=2)


@dataclass
class SpellData(DataConfig):
    _target_: str = "zoo.data.synthetic.spell.Spell"
    name: str = "spell"
    numbers: int = knob(low=1, high=1000)
    n_train: int = knob(low=1)


@dataclass
class LocalCopy(DataConfig):
    root: str | None = knob()


@dataclass
class SplitSizes(DataConfig):
    val_size: Any = knob(**SIZE)
    test_size: Any = knob(**SIZE)


@dataclass
class MnistData(LocalCopy):
    _target_: str = "zoo.data.datasets.mnist.Mnist"
    name: str = "mnist"
    mode: str = knob(choices=("rows", "pixels", "permuted"))
    val_size: Any = knob(**SIZE)  # carved from train; 0: validate on the test set


@dataclass
class ImdbData(LocalCopy):
    _target_: str = "zoo.data.datasets.imdb.Imdb"
    name: str = "imdb"
    num_words: int | None = knob(low=4)
    maxlen: int | None = knob(low=1)
    truncating: str = knob(choices=("pre", "post"))
    padding: str = knob(choices=("pre", "post"))
    index_from: int = knob(low=0)
    val_size: Any = knob(**SIZE)  # carved from train; 0: validate on the test set


@dataclass
class NamesData(LocalCopy, SplitSizes):
    _target_: str = "zoo.data.datasets.names.Names"
    name: str = "names"
    task: str = knob(choices=TEXT_TASKS)
    ascii: bool = knob()


@dataclass
class ShakespeareData(LocalCopy, SplitSizes):
    _target_: str = "zoo.data.datasets.shakespeare.Shakespeare"
    name: str = "shakespeare"
    seq_len: int = knob(low=1)
    stateful: bool = knob()


@dataclass
class EngFraData(LocalCopy, SplitSizes):
    _target_: str = "zoo.data.datasets.eng_fra.EngFra"
    name: str = "eng_fra"
    level: str = knob(choices=LEVELS)
    swap_columns: bool = knob()
    normalize: bool = knob()
    max_len: int | None = knob(low=1)
    prefixes: list[str] | None = knob()
    min_freq: int = knob(low=1)


@dataclass
class AirlineData(LocalCopy, SplitSizes):
    _target_: str = "zoo.data.datasets.airline.Airline"
    name: str = "airline"
    aligned: bool = knob()
    look_back: int = knob(low=1)
    horizon: int = knob(low=1)
    scale: str = knob(choices=("minmax", "standard", "none"))


@dataclass
class OwnFiles(SplitSizes):
    # a file, a folder, or {train: ..., val: ..., test: ...}
    path: Any = knob()


@dataclass
class Vocabulary(OwnFiles):
    lowercase: bool = knob()
    max_size: int | None = knob(low=1)
    min_freq: int = knob(low=1)


@dataclass
class DelimitedOptions(OwnFiles):
    """The options of a delimited file (csv, text_classification)."""

    delimiter: str | None = knob()
    header: Any = knob(choices=("auto", True, False))
    multiline: bool = knob()
    quoting: str = knob(choices=("minimal", "none"))


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


@dataclass
class TextClassificationData(DelimitedOptions, Vocabulary):
    _target_: str = "zoo.data.formats.text_classification.TextClassification"
    name: str = "text_classification"
    task: str = knob(choices=TEXT_TASKS)
    text_column: Any = knob()
    label_column: Any = knob()
    level: str = knob(choices=LEVELS)
    max_len: int | None = knob(low=1)
    stratify: bool = knob()


@dataclass
class TaggingData(Vocabulary):
    _target_: str = "zoo.data.formats.tagging.Tagging"
    name: str = "tagging"
    format: str = knob(choices=("conllu", "two_column"))
    tag_column: Any = knob()


@dataclass
class ParallelTextData(Vocabulary):
    _target_: str = "zoo.data.formats.parallel_text.ParallelText"
    name: str = "parallel_text"
    level: str = knob(choices=LEVELS)
    swap_columns: bool = knob()
    max_len: int | None = knob(low=1)


@dataclass
class TextLMData(Vocabulary):
    _target_: str = "zoo.data.formats.text_lm.TextLM"
    name: str = "text_lm"
    level: str = knob(choices=LEVELS)
    seq_len: int = knob(low=1)
    stateful: bool = knob()


@dataclass
class FashionMnistData(MnistData):
    _target_: str = "zoo.data.datasets.mnist.FashionMnist"
    name: str = "fashion_mnist"


DATA_SCHEMAS = {
    "adding": AddingData,
    "copy_memory": CopyMemoryData,
    "addition": AdditionData,
    "xor": XorData,
    "spell": SpellData,
    "mnist": MnistData,
    "fashion_mnist": FashionMnistData,
    "imdb": ImdbData,
    "names": NamesData,
    "shakespeare": ShakespeareData,
    "eng_fra": EngFraData,
    "airline": AirlineData,
    "csv": CsvData,
    "text_classification": TextClassificationData,
    "tagging": TaggingData,
    "parallel_text": ParallelTextData,
    "text_lm": TextLMData,
}
