"""Reading the Large Movie Review Dataset in the forms it comes in, and Keras's word splitting.

- an `aclImdb/` folder (`{train,test}/{neg,pos}/<id>_<stars>.txt`; `train/unsup` is ignored),
- any tar archive holding one, the official `aclImdb_v1.tar.gz` or a repack, read in one pass
  without unpacking it,
- Keras's `imdb.npz`, whose reviews are already word ranks.

Reviews come out in a fixed order (split, label, file id), whatever order an archive holds.
"""

from __future__ import annotations

import json
import re
import tarfile
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zoo.data.files.text_file import decode_text, read_text
from zoo.data.preprocess.vocab import Vocabulary
from zoo.errors import ZooError

SPLITS = ("train", "test")
LABELS = ("neg", "pos")  # class 0, class 1
REVIEW = re.compile(r"(?:^|/)(train|test)/(neg|pos)/(\d+)_\d+\.txt$")
ARCHIVES = ("*.tar.gz", "*.tgz", "*.tar")
WORD_INDEX = "imdb_word_index.json"
# Keras's `text_to_word_sequence` filters: each becomes a space; words are split on spaces
KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
_FILTER_TABLE = str.maketrans(KERAS_FILTERS, " " * len(KERAS_FILTERS))


def keras_words(text: str) -> list[str]:
    """Keras's IMDB word splitting: lowercase, punctuation to spaces, split on spaces. As in
    Keras's own word index, the `<br />` line breaks of the reviews become the word `br`."""
    return [w for w in text.lower().translate(_FILTER_TABLE).split(" ") if w]


@dataclass(frozen=True)
class Source:
    """Where the reviews are: `kind` is folder, archive or npz; `word_index` may be None."""

    kind: str
    path: Path
    word_index: Path | None

    def files(self) -> list[Path]:
        return [self.path] + ([self.word_index] if self.word_index else [])


def locate(root: Path) -> Source:
    """The reviews under a local copy: an aclImdb folder, an archive, or Keras's imdb.npz (the
    file itself or a folder holding one), with `imdb_word_index.json` when one lies beside."""
    root = Path(root).expanduser()
    if root.is_file():
        kind = "npz" if root.suffix == ".npz" else "archive"
        return Source(kind, root, _beside(root.parent))
    if not root.is_dir():
        raise ZooError(
            f"data=imdb: data.root={root} does not exist; point it at an aclImdb/ "
            "folder, a .tar.gz holding one, or Keras's imdb.npz."
        )
    for folder in (root, root / "aclImdb"):
        if all((folder / split).is_dir() for split in SPLITS):
            return Source("folder", folder, _beside(folder, folder.parent))
    archives = sorted(
        {p for pattern in ARCHIVES for p in root.glob(pattern)},
        key=lambda p: (not p.name.startswith("aclImdb"), p.name),
    )
    if archives:
        return Source("archive", archives[0], _beside(root))
    if (root / "imdb.npz").is_file():
        return Source("npz", root / "imdb.npz", _beside(root))
    raise ZooError(
        f"data=imdb: no aclImdb/ folder, .tar.gz archive or imdb.npz was found in "
        f"data.root={root}; point data.root at a folder holding one of them."
    )


def _beside(*folders: Path) -> Path | None:
    return next((f / WORD_INDEX for f in folders if (f / WORD_INDEX).is_file()), None)


def read_reviews(source: Source) -> dict[str, tuple[list[str], list[int]]]:
    """split -> (review texts, labels) from a folder or an archive."""
    found = _read_archive(source.path) if source.kind == "archive" else _read_folder(source.path)
    found.sort(key=lambda r: r[:3])
    reviews = {}
    for split in SPLITS:
        rows = [r for r in found if r[0] == SPLITS.index(split)]
        labels = [r[1] for r in rows]
        if not rows or len(set(labels)) < len(LABELS):
            raise ZooError(
                f"data=imdb: {source.path} holds no {split}/neg and {split}/pos "
                "reviews; point data.root at a complete aclImdb copy."
            )
        reviews[split] = ([r[3] for r in rows], labels)
    return reviews


def _row(match: re.Match, data: bytes, where: str) -> tuple:
    split, label, number = match.groups()
    return SPLITS.index(split), LABELS.index(label), int(number), decode_text(data, where)


def _read_folder(folder: Path) -> list[tuple]:
    rows = []
    for path in folder.glob("*/*/*.txt"):
        match = REVIEW.search(path.relative_to(folder).as_posix())
        if match:
            rows.append(_row(match, path.read_bytes(), str(path)))
    return rows


def _read_archive(path: Path) -> list[tuple]:
    rows = []
    try:
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                match = REVIEW.search(member.name)
                if match and member.isfile():
                    data = tar.extractfile(member).read()
                    rows.append(_row(match, data, f"{path}:{member.name}"))
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise ZooError(
            f"data=imdb: {path} is a corrupt or truncated archive ({exc}); replace "
            "it with a fresh copy."
        ) from None
    return rows


def read_npz(path: Path) -> dict[str, tuple[list[np.ndarray], list[int]]]:
    """split -> (reviews as arrays of word ranks, labels) from Keras's imdb.npz."""
    try:
        with np.load(path, allow_pickle=True) as npz:  # Keras stores ragged lists as objects
            return {
                s: (
                    [np.asarray(r, dtype=np.int64) for r in npz[f"x_{s}"]],
                    [int(v) for v in npz[f"y_{s}"]],
                )
                for s in SPLITS
            }
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise ZooError(
            f"data=imdb: {path} is not a readable Keras imdb.npz ({exc}); replace "
            "it with a fresh copy."
        ) from None


def read_word_index(path: Path) -> dict[str, int]:
    try:
        index = json.loads(read_text(path))
    except (OSError, ValueError) as exc:
        raise ZooError(
            f"data=imdb: the word index {path} is not readable JSON ({exc}); "
            "replace it with Keras's imdb_word_index.json."
        ) from None
    return {str(w): int(r) for w, r in index.items()}


def ranked_words(tokenised: Iterable[list[str]]) -> dict[str, int]:
    """A word index built like Keras's: words by frequency, rank 1 the most frequent."""
    words = Vocabulary.build(tokenised, specials=()).tokens
    return {w: rank for rank, w in enumerate(words, start=1)}
