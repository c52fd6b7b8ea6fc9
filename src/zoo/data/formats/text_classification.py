"""Text classification from your own files (`data=text_classification`), or its inverse.

`data.path` is one of:

- a CSV/TSV file, one example a row:

      text,label
      "a fine, moving film",pos
      dull,neg

  with `text_column` and `label_column` given as header names or 0-based indices (the
  delimiter and header are found as `csv_table` says, unless `delimiter`/`header` are set;
  quoted fields may span lines with `multiline: true`);
- a folder with one sub-folder per class, each file one example (`reviews/pos/001.txt`);
  files beside the sub-folders are ignored;
- a folder of one `<class>.txt` file per class and no sub-folders, one example a line
  (`names/Czech.txt`): blank lines are skipped and the spaces around a line dropped.

Texts are split into characters or words (`level`), optionally lowercased, and cut to their
first `max_len` tokens. The vocabulary comes from the training split only (`max_size`,
`min_freq`; other tokens become <unk>); class names are sorted. Train/val/test are a seeded
shuffle (with `stratify`, within each class, so every split keeps the classes' shares) unless
separate files are given.

`task: classify` reads a text and predicts its class (many_to_one); `task: generate` is
given the class and spells a text ending with <eos> (one_to_many).

A built-in dataset (`data=names`) is this datamodule with its files found elsewhere
(`split_paths`, `read_examples`), fixed options in `FIXED` and its `input_specials`.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

import torch

from zoo.data.base import LEVELS, TEXT_TASKS, DelimitedOptions, FileDataModule, VocabularyOptions
from zoo.data.batches import TensorSequences
from zoo.data.files.csv_table import class_names, read_table
from zoo.data.files.local_files import files_in, plural
from zoo.data.files.text_file import read_text
from zoo.data.padding import padded
from zoo.data.preprocess.tokenize import token_limit, tokenizer
from zoo.data.preprocess.vocab import BOS, EOS, PAD, UNK, Vocabulary
from zoo.data.split import assign_splits
from zoo.errors import ZooError
from zoo.knobs import knob
from zoo.spec import Layout, Spec, Tokenization

TASKS = {"classify": Layout("sequence", "single"), "generate": Layout("single", "sequence")}


def read_csv_examples(path, options) -> list[tuple[str, str, str]]:
    """(text, label, where) for every row of a CSV/TSV file."""
    keys = options.text_column, options.label_column
    table = read_table(path, options.delimiter, options.header, keys,
                       options.multiline, options.quoting)
    text = table.column(keys[0], "text_column")
    label = table.column(keys[1], "label_column")
    examples = []
    for line, fields in table.rows:
        if len(fields) <= max(text, label):
            raise table.too_few(
                line,
                f"has {plural(len(fields), 'field')}, too few for the text column "
                f"{table.name(text)} and the label column {table.name(label)}",
                fields,
            )
        if not fields[label].strip():
            raise table.bad_row(line, f"has an empty label in column {table.name(label)}")
        if "\n" in fields[label]:
            raise table.bad_row(line, f"has a label in column {table.name(label)} that spans lines")
        examples.append((fields[text], fields[label].strip(), table.where(line)))
    return examples


def line_examples(text: str, label: str, where) -> list[tuple[str, str, str]]:
    """(line, label, where) for every non-blank line of `text`, the file `where` of `label`."""
    return [
        (line.strip(), label, f"{where}, line {number}")
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip()
    ]


def read_class_files(folder: Path) -> list[tuple[str, str, str]]:
    """(text, label, where) for every line of a folder of one <class>.txt file per class."""
    files = sorted(
        (p for p in folder.glob("*.txt") if p.is_file() and not p.name.startswith(".")),
        key=lambda p: p.stem,
    )
    if not files:
        raise ZooError(
            f"data.path: the folder {folder} holds neither class sub-folders nor <class>.txt "
            "files; put each class's files in a sub-folder named after the class, or its "
            "examples in <class>.txt, one a line."
        )
    return [example for f in files for example in line_examples(read_text(f), f.stem, f)]


def read_folder_examples(folder: Path) -> list[tuple[str, str, str]]:
    """(text, label, where) for every example of a folder: of class sub-folders if it has
    any (each file one example), else of <class>.txt files (each line one example)."""
    classes = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not classes:
        return read_class_files(folder)
    return [
        (read_text(f), label.name, f"{f}, line 1") for label in classes for f in files_in(label)
    ]


@dataclass
class TextClassificationData(DelimitedOptions, VocabularyOptions):
    _target_: str = "zoo.data.formats.text_classification.TextClassification"
    name: str = "text_classification"
    task: str = knob(choices=TEXT_TASKS)
    text_column: Any = knob()
    label_column: Any = knob()
    level: str = knob(choices=LEVELS)
    max_len: int | None = knob(low=1)
    stratify: bool = knob()


class TextClassification(FileDataModule):
    input_specials = (PAD, UNK, BOS, EOS)  # the vocabulary's specials when the text is the input

    @classmethod
    def layout(cls, cfg) -> Layout:
        task = cls.with_fixed(cfg).task
        if task not in TASKS:
            raise ZooError(f"data.task={task!r} is not known; choose one of {tuple(TASKS)}.")
        return TASKS[task]

    def read_examples(self, path: Path, opts) -> list[tuple[str, str, str]]:
        """(text, label, where) of every example of `path` (a file or folder)."""
        return read_folder_examples(path) if path.is_dir() else read_csv_examples(path, opts)

    def tokenized(self, opts) -> dict[str, list[tuple[list[str], str]]]:
        """(tokens, label) of every example, by source (`all`, or the separate splits)."""
        level = opts.level
        tokens_of = tokenizer(level, bool(opts.lowercase))
        max_len = token_limit(opts.max_len)
        parts = {}
        for split, path in self.split_paths.items():
            parts[split] = []
            for text, label, where in self.read_examples(path, opts):
                tokens = tokens_of(text)[:max_len]
                if not tokens:
                    raise ZooError(
                        f"{where}: the text is empty at data.level={level}; "
                        "remove the example or give it some text."
                    )
                parts[split].append((tokens, label))
        return parts

    def build(self):
        opts = self.cfg
        generate = self.layout(opts) == TASKS["generate"]  # an unknown task is refused
        parts = self.tokenized(opts)
        classes = class_names(label for examples in parts.values() for _, label in examples)
        if len(classes) < 2:
            raise ZooError(
                f"data={self.dataset_name}: {' and '.join(map(str, self.sources()))} holds "
                f"examples of {len(classes)} class(es) ({', '.join(classes) or 'none'}); give "
                "examples of at least two classes."
            )
        ids = {name: i for i, name in enumerate(classes)}
        parts = {s: [(tokens, ids[label]) for tokens, label in e] for s, e in parts.items()}
        splits = assign_splits(self.dataset_name, parts, opts.val_size, opts.test_size,
                               self.seed, group_of=itemgetter(1) if opts.stratify else None)
        vocab = Vocabulary.build((tokens for tokens, _ in splits["train"]),
                                 specials=(PAD, UNK, BOS, EOS) if generate else self.input_specials,
                                 max_size=opts.max_size, min_freq=opts.min_freq)
        data = {}
        for split, examples in splits.items():
            texts = [vocab.encode(tokens) for tokens, _ in examples]
            labels = torch.tensor([label for _, label in examples])
            if generate:
                y, y_len = padded([text + [vocab.id(EOS)] for text in texts])
                data[split] = TensorSequences(labels, y, y_len=y_len)
            else:
                x, x_len = padded(texts)
                data[split] = TensorSequences(x, labels, x_len=x_len)
        level, lowercase = opts.level, bool(opts.lowercase)
        if generate:
            spec = Spec(TASKS["generate"], "label", len(classes), "tokens", len(vocab),
                        bos_id=vocab.id(BOS), eos_id=vocab.id(EOS), input_vocab=classes,
                        target_vocab=vocab.tokens,
                        target_tokenization=Tokenization(level, lowercase))
        else:
            tokenization = Tokenization(level, lowercase, max_len=token_limit(opts.max_len))
            spec = Spec(TASKS["classify"], "tokens", len(vocab), "class", len(classes),
                        input_vocab=vocab.tokens, target_vocab=classes, tokenization=tokenization)
        return spec, data
