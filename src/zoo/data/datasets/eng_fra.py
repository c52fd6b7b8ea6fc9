"""English-French sentence pairs from Tatoeba (manythings.org's `fra-eng.zip`, lines
`English<TAB>French[<TAB>attribution]`) for seq2seq translation.

The PyTorch seq2seq tutorial's preparation is the default: fold to ASCII, lowercase, split
punctuation off (`normalize`), keep pairs whose sides have at most `max_len` words (counted
in words at either `level`; the tutorial's MAX_LENGTH = 10, "fewer than 10", is `max_len: 9`)
and whose English side starts with one of `prefixes` ("i am ", "he is", ...). The English
side is the source unless `swap_columns: true` (the tutorial translates French to English).
These filters choose the corpus before it is cut into train/val/test (a log line counts
the pairs they keep), so every split, test included, is a sample of the same prepared corpus
and keeps all its pairs; the target as written in the file (accents, case) is what sacreBLEU
scores. Vocabularies are built on the training split (`min_freq`); the target ends with <eos>.
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from zoo.data.base import LEVELS, LocalCopy, SplitSizes
from zoo.data.files.seed_source import source_file
from zoo.data.files.text_file import decode_text
from zoo.data.formats.parallel_text import ParallelText
from zoo.data.preprocess.normalize import eng_fra as normalize
from zoo.data.preprocess.tokenize import token_limit
from zoo.errors import ZooError
from zoo.knobs import knob
from zoo.spec import Tokenization

URL = "https://www.manythings.org/anki/fra-eng.zip"  # updated over time: no fixed checksum
log = logging.getLogger(__name__)


def _lines(source: Path) -> tuple[str, list[str]]:
    if not zipfile.is_zipfile(source):
        data, where = source.read_bytes(), str(source)
    else:
        with zipfile.ZipFile(source) as archive:
            members = [
                m
                for m in archive.namelist()
                if m.endswith(".txt") and not Path(m).name.startswith("_")
            ]
            if not members:
                raise ZooError(
                    f"data=eng_fra: {source} holds no sentence file (fra.txt); "
                    "point data.root at manythings.org's fra-eng.zip or its fra.txt."
                )
            data, where = archive.read(members[0]), f"{source}:{members[0]}"
    return where, decode_text(data, where).splitlines()


def read_pairs(source: Path) -> list[tuple[str, str]]:
    """(English, French) for every line of `fra.txt` (in the zip or as a file)."""
    where, lines = _lines(source)
    pairs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) < 2 or not fields[0].strip() or not fields[1].strip():
            raise ZooError(
                f"{where}, line {number}: expected English<TAB>French, found "
                f"{line[:60]!r}; fix or remove the line."
            )
        pairs.append((fields[0], fields[1]))
    return pairs


def short(text: str, max_len: int | None) -> bool:
    return max_len is None or len(text.split()) <= max_len


def filtered(pairs, clean, max_len: int | None, prefixes: tuple[str, ...] | None):
    """The tutorial's filterPair on cleaned pairs: both sides at most `max_len` words
    (its MAX_LENGTH minus one), English starting with one of `prefixes` (None keeps every
    pair). English is cleaned and tested first, so most French sentences are never cleaned.
    Yields (cleaned English, cleaned French, the pair as read)."""
    for raw in pairs:
        eng = clean(raw[0])
        if short(eng, max_len) and (not prefixes or eng.startswith(prefixes)):
            fra = clean(raw[1])
            if short(fra, max_len):
                yield eng, fra, raw


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


class EngFra(ParallelText):
    """`data=parallel_text` over the Tatoeba file: its own reader (the zip, the tutorial's
    cleaning and filter, words split at spaces), splits, vocabularies and Spec from there."""

    FIXED = {"lowercase": False, "max_size": None}

    @cached_property
    def split_paths(self) -> dict[str, Path]:
        return {"all": source_file("eng_fra", self.cfg.root,
                                   ["fra-eng.zip", "fra.txt", "eng-fra.txt"], URL, None,
                                   self.cache_dir, filename="fra-eng.zip")}

    def read_examples(self, path: Path, opts) -> list:
        level = opts.level
        if level not in LEVELS:
            raise ZooError(
                f"data.level={level!r} is not known for data=eng_fra; choose one of {LEVELS}."
            )
        prefixes = tuple(opts.prefixes) if opts.prefixes else None
        clean = normalize if opts.normalize else str.strip
        read = read_pairs(path)
        pairs = list(filtered(read, clean, token_limit(opts.max_len), prefixes))
        if not pairs:
            raise ZooError(
                "data=eng_fra: the train split is empty; loosen data.max_len/data.prefixes or "
                "give more pairs."
            )
        log.info("data=eng_fra: the corpus is the %d of %d pairs within data.max_len and "
                 "data.prefixes; train, val and test are cut from them", len(pairs), len(read))
        tokens = str.split if level == "word" else list
        if opts.swap_columns:
            return [(tokens(f), tokens(e), raw[0].strip()) for e, f, raw in pairs]
        return [(tokens(e), tokens(f), raw[1].strip()) for e, f, raw in pairs]

    def training_pairs(self, pairs: list, opts) -> list:
        """All of them: `max_len` has chosen the corpus before the cut (`read_examples`)."""
        return pairs

    def tokenization(self, opts) -> Tokenization:
        return Tokenization(opts.level, normalize="eng_fra" if opts.normalize else None)
