"""Surnames by language, the PyTorch char-RNN tutorials' data: 20,074 names in 18 files,
the file name being the language (`data/names/<Language>.txt` in the tutorial's data.zip).

`task: classify` reads a name character by character and predicts its language
(many_to_one); `task: generate` is given the language and spells a name ending with <eos>
(one_to_many). The split is stratified by language and seeded.
"""

from __future__ import annotations

import re
import string
import zipfile
from pathlib import Path

import torch

from zoo.data.ascii_fold import to_ascii
from zoo.data.base import SequenceDataModule
from zoo.data.batches import TensorSequences
from zoo.data.download import fetch
from zoo.data.padding import padded
from zoo.data.split import require_nonempty, split_indices
from zoo.data.text_file import decode_text
from zoo.data.vocab import BOS, EOS, PAD, UNK, Vocabulary
from zoo.errors import ZooError
from zoo.spec import Layout, Spec, Tokenization

URL = "https://download.pytorch.org/tutorial/data.zip"  # no checksum is published
LETTERS = string.ascii_letters + " .,;'"  # what the tutorial keeps after folding to ASCII
TASKS = {"classify": Layout("sequence", "single"), "generate": Layout("single", "sequence")}
MEMBER = re.compile(r"(?:.*/)?names/[^/]+\.txt")


def _names(where: str, data: bytes) -> list[str]:
    return [line.strip() for line in decode_text(data, where).splitlines() if line.strip()]


def read_names(source: Path) -> dict[str, list[str]]:
    """{language: names} from a folder of <Language>.txt files or the tutorial's data.zip."""
    if source.is_file():
        try:
            with zipfile.ZipFile(source) as archive:
                members = sorted(m for m in archive.namelist() if MEMBER.fullmatch(m))
                found = {Path(m).stem: _names(f"{source}:{m}", archive.read(m)) for m in members}
        except zipfile.BadZipFile:
            raise ZooError(
                f"data=names: {source} is not a zip archive; point data.root at "
                "the tutorial's data.zip or a folder of <Language>.txt files."
            ) from None
    else:
        found = {p.stem: _names(str(p), p.read_bytes()) for p in sorted(source.glob("*.txt"))}
    found = {language: names for language, names in found.items() if names}
    if len(found) < 2:
        raise ZooError(
            f"data=names: {source} holds names for {len(found)} language(s); it "
            "needs a <Language>.txt file (one name a line) for at least two."
        )
    return found


class Names(SequenceDataModule):
    cacheable = True

    @classmethod
    def layout(cls, cfg) -> Layout:
        task = cfg["task"]
        if task not in TASKS:
            raise ZooError(
                f"data.task={task!r} is not known for data=names; choose one of {tuple(TASKS)}."
            )
        return TASKS[task]

    def sources(self) -> list[Path]:
        if not hasattr(self, "_source"):
            self._source = self._find_source()
        return [self._source]

    def _find_source(self) -> Path:
        root = self.options["root"]
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

    def build(self):
        task = self.options["task"]
        layout = self.layout(self.options)
        val_size = self.options["val_size"]
        test_size = self.options["test_size"]
        by_language = read_names(self.sources()[0])
        languages = sorted(by_language)
        names, labels = [], []
        for label, language in enumerate(languages):
            for name in by_language[language]:
                name = to_ascii(name, LETTERS) if self.options["ascii"] else name
                if name:
                    names.append(name)
                    labels.append(label)
        split = split_indices(
            "names", len(labels), val_size, test_size, self.seed, groups=labels
        )
        require_nonempty(
            "names",
            {s: len(i) for s, i in split.items()},
            "give more names or larger data.val_size/data.test_size",
        )
        train_names = [names[i] for i in split["train"]]
        if task == "classify":
            vocab = Vocabulary.build(train_names, specials=(PAD, UNK))
            spec = Spec(
                layout,
                "tokens",
                len(vocab),
                "class",
                len(languages),
                input_vocab=vocab.tokens,
                target_vocab=languages,
                tokenization=Tokenization("char"),
            )
        else:
            vocab = Vocabulary.build(train_names)
            spec = Spec(
                layout,
                "label",
                len(languages),
                "tokens",
                len(vocab),
                bos_id=vocab.id(BOS),
                eos_id=vocab.id(EOS),
                input_vocab=languages,
                target_vocab=vocab.tokens,
                target_tokenization=Tokenization("char"),
            )
        splits = {}
        for name, indices in split.items():
            ids = [vocab.encode(names[i]) for i in indices]
            label = torch.tensor([labels[i] for i in indices], dtype=torch.long)
            if task == "classify":
                x, x_len = padded(ids)
                splits[name] = TensorSequences(x, label, x_len=x_len)
            else:
                y, y_len = padded([s + [spec.eos_id] for s in ids])
                splits[name] = TensorSequences(label, y, y_len=y_len)
        return spec, splits
