"""IMDB movie-review sentiment (Maas et al. 2011): 25,000 training and 25,000 test reviews,
labelled neg (0) / pos (1), as word ids that match Keras's `keras.datasets.imdb`.

Word ids follow Keras: a word's rank in Keras's word index (1 = most frequent in the training
reviews) plus `index_from` (3); 0 is padding, 1 starts every review, 2 stands for a word cut
by `num_words`. Reviews are split into words as Keras did (see `imdb_reader.keras_words`);
words missing from the index are skipped, as in Keras's `imdb.npz`. Without Keras's word index
beside a local copy, one is built the same way from the training reviews.

`maxlen` and `truncating` are those of Keras's `pad_sequences` (the Keras example cuts
reviews to their last 200 words). `padding` is accepted for the same reason but changes
nothing: sequences are stored first-aligned with their real lengths, which the models use
(packing, masked pooling), so Keras's `pre` padding and `post` padding give the same result
here; see `padding`. Validation is the test set, as in the Keras example, unless
`val_size` carves it from the training reviews.

Sources, see `imdb_reader`: `data.root` (an aclImdb/ folder, a .tar.gz holding one, or Keras's
imdb.npz, each with imdb_word_index.json beside it if available) is read without network
access; otherwise the official archive and Keras's word index are downloaded once and checked
against their published md5.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from zoo.data.base import SIZE, LocalCopy, SequenceDataModule
from zoo.data.batches import TensorSequences
from zoo.data.files import imdb_reader as reader
from zoo.data.files.download import fetch
from zoo.data.padding import padded
from zoo.data.split import carve_val
from zoo.errors import ZooError
from zoo.knobs import knob
from zoo.spec import Layout, Spec, Tokenization

log = logging.getLogger(__name__)

ARCHIVE_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
ARCHIVE_MD5 = "md5:7c2ac02c03563afcf9b574c7e56c153a"  # as published by torchtext and others
WORD_INDEX_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb_word_index.json"
WORD_INDEX_MD5 = "md5:bfafd718b763782e994055a2d397834f"  # keras.datasets.imdb.get_word_index
START, OOV = 1, 2
PADDING = ("pre", "post")
LOCAL = "a folder holding aclImdb_v1.tar.gz or aclImdb/ (and imdb_word_index.json)"


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


class Imdb(SequenceDataModule):
    cacheable = True

    @classmethod
    def layout(cls, cfg) -> Layout:
        return Layout("sequence", "single")

    def source(self) -> reader.Source:
        if not hasattr(self, "_source"):
            root = self.cfg.root
            self._source = reader.locate(Path(root)) if root else self._download()
        return self._source

    def sources(self) -> list[Path]:
        return self.source().files()

    def _download(self) -> reader.Source:
        if not self.cache_dir:
            raise ZooError(
                "data=imdb: data.root and data.cache_dir are both unset; set data.root "
                "to a local copy or cache_dir to a download folder."
            )
        archive = fetch("imdb", ARCHIVE_URL, ARCHIVE_MD5, self.cache_dir, local_copy_hint=LOCAL)
        index = fetch("imdb", WORD_INDEX_URL, WORD_INDEX_MD5, self.cache_dir, local_copy_hint=LOCAL)
        return reader.Source("archive", archive, index)

    def build(self):
        index_from, num_words = self._check_options()
        source = self.source()
        word_index = reader.read_word_index(source.word_index) if source.word_index else None
        if source.kind == "npz":
            ids, labels = self._ids_from_ranks(reader.read_npz(source.path), index_from, num_words)
        else:
            ids, labels, word_index = self._ids_from_text(source, word_index, index_from, num_words)
        size = num_words or 1 + (
            max(word_index.values()) + index_from
            if word_index
            else max(max(r) for split in ids.values() for r in split)
        )
        splits = {}
        for split in reader.SPLITS:
            x, lengths = padded(  # int32 ids (embeddings take them): half the memory
                ids[split],
                self.cfg.maxlen,
                self.cfg.truncating,
                dtype=np.int32,
            )
            splits[split] = TensorSequences(x, torch.tensor(labels[split]), x_len=lengths)
        carve_val("imdb", splits, self.cfg.val_size, self.seed)
        spec = Spec(
            Layout("sequence", "single"),
            "tokens",
            size,
            "class",
            len(reader.LABELS),
            pad_id=0,
            input_vocab=vocabulary(word_index, index_from, size),
            target_vocab=list(reader.LABELS),
            tokenization=Tokenization("word", lowercase=True),  # as reader.keras_words
        )
        return spec, splits

    def _check_options(self) -> tuple[int, int | None]:
        index_from, num_words = self.cfg.index_from, self.cfg.num_words
        padding = self.cfg.padding
        if padding not in PADDING:
            raise ZooError(f"data.padding={padding!r} is not known; choose one of {PADDING}.")
        if index_from < 2:
            raise ZooError(
                f"data.index_from={index_from} would give words the reserved ids 0-2 "
                "(pad, start, oov); use 2 or more (Keras's default is 3)."
            )
        if num_words is not None and num_words < index_from + 2:
            raise ZooError(
                f"data.num_words={num_words} keeps no word with data.index_from="
                f"{index_from}; use more than {index_from + 1}, or null for all."
            )
        return index_from, num_words

    def _ids_from_text(self, source, word_index, index_from, num_words):
        reviews = reader.read_reviews(source)
        if word_index is None:
            log.warning(
                "data=imdb: no %s beside %s; ranking words from its training reviews, "
                "so word ids may differ from Keras's",
                reader.WORD_INDEX,
                source.path,
            )
            word_index = reader.ranked_words(map(reader.keras_words, reviews["train"][0]))
        lookup = {w: keras_id(r, index_from, num_words) for w, r in word_index.items()}.get
        ids = {  # one review's words at a time: the 12 million word strings are never all held
            s: [
                [START] + [i for i in map(lookup, reader.keras_words(t)) if i is not None]
                for t in texts
            ]
            for s, (texts, _) in reviews.items()
        }
        return ids, {s: labels for s, (_, labels) in reviews.items()}, word_index

    def _ids_from_ranks(self, reviews, index_from, num_words):
        ids = {}
        for split, (ranks, _) in reviews.items():
            ids[split] = []
            for r in ranks:
                r = r + index_from
                if num_words:
                    r[r >= num_words] = OOV
                ids[split].append([START, *r.tolist()])
        return ids, {s: labels for s, (_, labels) in reviews.items()}


def keras_id(rank: int, index_from: int, num_words: int | None) -> int:
    word_id = rank + index_from
    return OOV if num_words and word_id >= num_words else word_id


def vocabulary(word_index: dict[str, int] | None, index_from: int, size: int) -> list[str] | None:
    """The token of every id below `size`: the reserved ids, then the words by rank."""
    if word_index is None:
        return None
    tokens = ["<pad>", "<start>", "<oov>"] + ["<unused>"] * (size - 3)
    for word, rank in word_index.items():
        if rank + index_from < size:
            tokens[rank + index_from] = word
    return tokens
