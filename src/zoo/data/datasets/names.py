"""Surnames by language, the PyTorch char-RNN tutorials' data: 20,074 names in 18 files,
the file name being the language (`data/names/<Language>.txt` in the tutorial's data.zip).

`data=text_classification` over those files (one `<class>.txt` file per class, one example a
line), with the tutorial's choices fixed: characters as they are, folded to ASCII letters and
" .,;'" (`ascii`; a name left with none is dropped), every character in the vocabulary and a
split stratified by language. `task: classify` reads a name and predicts its language
(many_to_one); `task: generate` is given the language and spells a name ending with <eos>
(one_to_many). Only where the files come from is its own: `data.root` (a folder of
<Language>.txt files, or the zip) or the tutorial's data.zip, downloaded once.
"""

from __future__ import annotations

import re
import string
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from zoo.data.base import TEXT_TASKS, LocalCopy, SplitSizes
from zoo.data.files.download import fetch
from zoo.data.files.text_file import decode_text
from zoo.data.formats.text_classification import TextClassification, line_examples, read_class_files
from zoo.data.preprocess.ascii_fold import to_ascii
from zoo.data.preprocess.vocab import PAD, UNK
from zoo.errors import ZooError
from zoo.knobs import knob

URL = "https://download.pytorch.org/tutorial/data.zip"  # no checksum is published
LETTERS = string.ascii_letters + " .,;'"  # what the tutorial keeps after folding to ASCII
MEMBER = re.compile(r"(?:.*/)?names/[^/]+\.txt")


def read_zip(source: Path) -> list[tuple[str, str, str]]:
    """(name, language, where) for every name in the tutorial's data.zip."""
    try:
        with zipfile.ZipFile(source) as archive:
            members = sorted(
                (m for m in archive.namelist() if MEMBER.fullmatch(m)), key=lambda m: Path(m).stem
            )
            found = []
            for m in members:
                where = f"{source}:{m}"
                found += line_examples(decode_text(archive.read(m), where), Path(m).stem, where)
            return found
    except zipfile.BadZipFile:
        raise ZooError(
            f"data=names: {source} is not a zip archive; point data.root at "
            "the tutorial's data.zip or a folder of <Language>.txt files."
        ) from None


@dataclass
class NamesData(LocalCopy, SplitSizes):
    _target_: str = "zoo.data.datasets.names.Names"
    name: str = "names"
    task: str = knob(choices=TEXT_TASKS)
    ascii: bool = knob()


class Names(TextClassification):
    FIXED = {"level": "char", "lowercase": False, "max_len": None, "max_size": None,
             "min_freq": 1, "stratify": True}
    input_specials = (PAD, UNK)  # the tutorial's letters, no <bos>/<eos>, to classify

    @cached_property
    def split_paths(self) -> dict[str, Path]:
        return {"all": self._find_source()}

    def _find_source(self) -> Path:
        root = self.cfg.root
        if not root:
            return fetch("names", URL, None, self.cache_dir or "~/.cache/zoo")
        root = Path(str(root)).expanduser()
        if root.is_file():
            return root
        for folder in (root, root / "names", root / "data" / "names"):
            if folder.is_dir() and any(folder.glob("*.txt")):
                return folder
        if (root / "data.zip").is_file():
            return root / "data.zip"
        raise ZooError(
            f"data=names: found no <Language>.txt files (nor data.zip) under "
            f"data.root={root}; point data.root at a folder of <Language>.txt files."
        )

    def read_examples(self, path: Path, opts) -> list[tuple[str, str, str]]:
        """The names of the folder or zip, folded to the tutorial's letters with `ascii`."""
        found = read_zip(path) if path.is_file() else read_class_files(path)
        if not opts.ascii:
            return found
        folded = ((to_ascii(name, LETTERS), language, where) for name, language, where in found)
        return [example for example in folded if example[0]]  # a name left with no letter
