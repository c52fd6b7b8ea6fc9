"""Text classification from your own files (`data=text_classification`).

`data.path` is either a CSV/TSV file, one example a row:

    text,label
    "a fine, moving film",pos
    dull,neg

with `text_column` and `label_column` given as header names or 0-based indices (the
delimiter and header are found as `csv_table` says, unless `delimiter`/`header` are set; quoted
fields may span lines), or a folder with one sub-folder per class, each file one example:

    reviews/pos/001.txt
    reviews/neg/002.txt

Texts are split into characters or words (`level`), optionally lowercased, and cut to their
first `max_len` tokens. The vocabulary comes from the training split only (`max_size`,
`min_freq`; other tokens become <unk>); class names are sorted and kept in
`Spec.target_vocab`. Train/val/test are a seeded shuffle unless separate files are given.
"""

from __future__ import annotations

import torch

from zoo.data.base import SequenceDataModule
from zoo.data.batches import TensorSequences
from zoo.data.csv_table import class_names, read_table
from zoo.data.local_files import files_in, plural, source_paths
from zoo.data.padding import padded
from zoo.data.split import assign_splits
from zoo.data.text_file import read_text
from zoo.data.tokenize import token_limit, tokenizer
from zoo.data.vocab import Vocabulary
from zoo.errors import ZooError
from zoo.spec import Layout, Spec, Tokenization

LAYOUT = Layout("sequence", "single")


def read_csv_examples(path, options) -> list[tuple[str, str, str]]:
    """(text, label, where) for every row of a CSV/TSV file."""
    keys = options["text_column"], options["label_column"]
    table = read_table(path, options["delimiter"], options["header"], keys)
    text = table.column(keys[0], "text_column")
    label = table.column(keys[1], "label_column")
    examples = []
    for line, fields in table.rows:
        if len(fields) <= max(text, label):
            raise table.too_few(
                line,
                f"has {plural(len(fields), 'field')}, too few for the text column "
                f"{table.name(text)} and the label column {table.name(label)}",
            )
        if not fields[label].strip():
            raise table.bad_row(line, f"has an empty label in column {table.name(label)}")
        if "\n" in fields[label]:
            raise table.bad_row(line, f"has a label in column {table.name(label)} that spans lines")
        examples.append((fields[text], fields[label].strip(), table.where(line)))
    return examples


def read_folder_examples(folder) -> list[tuple[str, str, str]]:
    """(text, label, where) for every file of a folder holding one sub-folder per class."""
    classes = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not classes:
        raise ZooError(
            f"data.path: the folder {folder} has no class sub-folders; put each "
            "class's files in a sub-folder named after the class."
        )
    return [
        (read_text(f), label.name, f"{f}, line 1") for label in classes for f in files_in(label)
    ]


class TextClassification(SequenceDataModule):
    cacheable = True

    @classmethod
    def layout(cls, cfg) -> Layout:
        return LAYOUT

    def sources(self):
        return list(source_paths("text_classification", self.options["path"]).values())

    def build(self):
        opts = self.options
        level = opts["level"]
        tokens_of = tokenizer(level, bool(opts["lowercase"]))
        max_len = token_limit(opts["max_len"])
        parts = {}
        for split, path in source_paths("text_classification", opts["path"]).items():
            found = read_folder_examples(path) if path.is_dir() else read_csv_examples(path, opts)
            parts[split] = []
            for text, label, where in found:
                tokens = tokens_of(text)[:max_len]
                if not tokens:
                    raise ZooError(
                        f"{where}: the text is empty at data.level={level}; "
                        "remove the example or give it some text."
                    )
                parts[split].append((tokens, label))
        splits = assign_splits(
            "text_classification",
            parts,
            opts["val_size"],
            opts["test_size"],
            self.seed,
        )
        vocab = Vocabulary.build(
            (t for t, _ in splits["train"]),
            max_size=opts["max_size"],
            min_freq=opts["min_freq"],
        )
        names = class_names(label for examples in splits.values() for _, label in examples)
        ids = {name: i for i, name in enumerate(names)}
        data = {}
        for split, examples in splits.items():
            x, x_len = padded([vocab.encode(tokens) for tokens, _ in examples])
            y = torch.tensor([ids[label] for _, label in examples])
            data[split] = TensorSequences(x, y, x_len=x_len)
        spec = Spec(
            LAYOUT,
            "tokens",
            len(vocab),
            "class",
            len(names),
            input_vocab=vocab.tokens,
            target_vocab=names,
            tokenization=Tokenization(level, bool(opts["lowercase"]), max_len=max_len),
        )
        return spec, data
