"""Sequence tagging from your own files (`data=tagging`): one tag per token.

`format: conllu` -- Universal Dependencies CoNLL-U: ten tab-separated columns per token
(ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC), sentences separated by blank lines.
Comment lines (`#`), multiword-token ranges (ID `1-2`) and empty nodes (ID `1.1`) are
skipped; the input is FORM and the tag is UPOS unless `tag_column` names another column
(`xpos`, `deprel`, ... or a 0-based index).

    # text = The cat sat.
    1	The	the	DET	DT	_	2	det	_	_
    2	cat	cat	NOUN	NN	_	3	nsubj	_	_

`format: two_column` -- `token<TAB>tag` per line, sentences separated by blank lines.

Token vocabulary from the training split only (`max_size`, `min_freq`, `lowercase`); the tag
set from every split, most frequent first, kept in `Spec.target_vocab`. Each split also keeps
its tokens' ids among every training token before that cut (`x_words`), on which the
most-frequent-tag baseline is fitted, as the standard figure is. Seeded split by
sentence unless separate files are given. Parsed by hand (a few lines) so that every error
names the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zoo.data.base import FileDataModule, VocabularyOptions
from zoo.data.batches import TensorSequences
from zoo.data.files.local_files import files_in, plural
from zoo.data.files.text_file import bad_line, numbered_lines
from zoo.data.padding import padded
from zoo.data.preprocess.vocab import UNK, Vocabulary
from zoo.data.split import assign_splits
from zoo.errors import ZooError
from zoo.knobs import knob
from zoo.spec import Layout, Spec, Tokenization

LAYOUT = Layout("sequence", "aligned")
CONLLU = ("id", "form", "lemma", "upos", "xpos", "feats", "head", "deprel", "deps", "misc")
FORMATS = ("conllu", "two_column")


def tag_index(tag_column) -> int:
    if isinstance(tag_column, int) or str(tag_column).isdigit():
        index = int(tag_column)
    elif str(tag_column).lower() in CONLLU:
        index = CONLLU.index(str(tag_column).lower())
    else:
        index = -1
    if not 2 <= index < len(CONLLU):
        raise ZooError(
            f"data.tag_column={tag_column!r} is not a CoNLL-U tag column; use a "
            f"name from {CONLLU[2:]} or an index from 2 to 9."
        )
    return index


def read_sentences(path: Path, fmt: str, tag_column) -> list[tuple[list[str], list[str]]]:
    """(tokens, tags) per sentence of a CoNLL-U or two-column file."""
    column = tag_index(tag_column) if fmt == "conllu" else 1
    sentences, tokens, tags = [], [], []
    for number, line in numbered_lines(path):
        if not line.strip():
            if tokens:
                sentences.append((tokens, tags))
            tokens, tags = [], []
            continue
        if fmt == "conllu" and line.startswith("#"):
            continue
        fields = line.split("\t")
        if fmt == "conllu":
            if len(fields) != len(CONLLU):
                raise bad_line(
                    path,
                    number,
                    f"has {plural(len(fields), 'tab-separated column')}, but a "
                    "CoNLL-U token line needs 10 (ID FORM LEMMA UPOS ... MISC)",
                )
            if "-" in fields[0] or "." in fields[0]:  # multiword range or empty node
                continue
        elif len(fields) != 2 or not fields[0] or not fields[1].strip():
            raise bad_line(
                path,
                number,
                f"has {plural(len(fields), 'tab-separated field')}, but "
                "format two_column needs token<TAB>tag",
            )
        tokens.append(fields[0] if fmt == "two_column" else fields[1])
        tags.append(fields[column].strip())
    if tokens:
        sentences.append((tokens, tags))
    if not sentences:
        raise ZooError(f"{path} holds no sentences; check data.path and data.format.")
    return sentences


@dataclass
class TaggingData(VocabularyOptions):
    _target_: str = "zoo.data.formats.tagging.Tagging"
    name: str = "tagging"
    format: str = knob(choices=("conllu", "two_column"))
    tag_column: Any = knob()


class Tagging(FileDataModule):
    cache_revision = 1  # 1: x_words, the tokens before the vocabulary cut (the baseline's)

    @classmethod
    def layout(cls, cfg) -> Layout:
        return LAYOUT

    def build(self):
        opts = self.cfg
        fmt = opts.format
        if fmt not in FORMATS:
            raise ZooError(
                f"data.format={fmt!r} is not known for data={self.dataset_name}; "
                f"choose one of {FORMATS}."
            )
        lowercase = bool(opts.lowercase)
        tag_column = opts.tag_column
        parts = {}
        for split, path in self.split_paths.items():
            files = files_in(path) if path.is_dir() else [path]
            parts[split] = [
                ([t.lower() for t in tokens] if lowercase else tokens, tags)
                for f in files
                for tokens, tags in read_sentences(f, fmt, tag_column)
            ]
        splits = assign_splits(
            self.dataset_name,
            parts,
            opts.val_size,
            opts.test_size,
            self.seed,
        )
        vocab = Vocabulary.build(
            (t for t, _ in splits["train"]),
            max_size=opts.max_size,
            min_freq=opts.min_freq,
        )
        words = Vocabulary.build((t for t, _ in splits["train"]), specials=(UNK,))  # no cut
        tagset = Vocabulary.build((tags for s in splits.values() for _, tags in s), specials=())
        data = {}
        for split, sentences in splits.items():
            x, x_len = padded([vocab.encode(tokens) for tokens, _ in sentences])
            x_words, _ = padded([words.encode(tokens) for tokens, _ in sentences])
            y, _ = padded([tagset.encode(tags) for _, tags in sentences])
            data[split] = TensorSequences(x, y, x_len=x_len, y_len=x_len,  # y_len trims y
                                          x_words=x_words)
        spec = Spec(
            LAYOUT,
            "tokens",
            len(vocab),
            "class",
            len(tagset),
            input_vocab=vocab.tokens,
            target_vocab=tagset.tokens,
            tokenization=Tokenization("word", lowercase),
        )
        return spec, data
