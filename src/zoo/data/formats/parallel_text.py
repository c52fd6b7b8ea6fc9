"""Sequence-to-sequence pairs from your own files (`data=parallel_text`).

One pair a line, source and target separated by a tab (further tab-separated fields, such
as the attribution column of the Tatoeba/manythings files, are ignored); blank lines are
skipped:

    Go.	Va !
    I see.	Je vois.

Both sides are split into characters or words (`level`), optionally lowercased. Train/val/test
are a seeded shuffle of the pairs unless separate files are given; then training leaves out
the pairs with more than `max_len` tokens on either side (a log line counts them). Val and
test keep every pair, long ones too, so exact match and BLEU score the whole held-out set
against whole references (a recurrent model reads sequences of any length); each of their
examples also carries its target as written in the file (`y_text`), which sacreBLEU scores.
Source and target have separate vocabularies built from the training split (`max_size`,
`min_freq`); each target ends with <eos> (the model prepends <bos> itself). `swap_columns:
true` swaps the two sides.

A built-in corpus (`data=eng_fra`) is this datamodule with its own `split_paths` (where the
file comes from), `read_examples` (its reading and filtering), `training_pairs`, `tokenization`
and `FIXED` options.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from zoo.data.base import LEVELS, FileDataModule, VocabularyOptions
from zoo.data.batches import TensorSequences
from zoo.data.files.local_files import files_in
from zoo.data.files.text_file import bad_line, numbered_lines
from zoo.data.padding import padded, utf8_rows
from zoo.data.preprocess.tokenize import token_limit, tokenizer
from zoo.data.preprocess.vocab import BOS, EOS, PAD, UNK, Vocabulary
from zoo.data.split import assign_splits
from zoo.errors import ZooError
from zoo.knobs import knob
from zoo.spec import Layout, Spec, Tokenization

LAYOUT = Layout("sequence", "sequence")
log = logging.getLogger(__name__)


def read_pairs(path: Path, tokens_of, swap: bool) -> list:
    """(source tokens, target tokens, target text) per line."""
    pairs, lines = [], 0
    for number, line in numbered_lines(path):
        if not line.strip():
            continue
        lines += 1
        fields = line.split("\t")
        if len(fields) < 2:
            raise bad_line(path, number, "has no tab; each line must be source<TAB>target")
        source, target = tokens_of(fields[0]), tokens_of(fields[1])
        if not source or not target:
            side = "source" if not source else "target"
            raise bad_line(
                path,
                number,
                f"has an empty {side}; each line must be source<TAB>target with text on both sides",
            )
        if swap:
            pairs.append((target, source, fields[0].strip()))
        else:
            pairs.append((source, target, fields[1].strip()))
    if not lines:
        raise ZooError(f"{path} holds no source<TAB>target lines; check data.path.")
    return pairs


@dataclass
class ParallelTextData(VocabularyOptions):
    _target_: str = "zoo.data.formats.parallel_text.ParallelText"
    name: str = "parallel_text"
    level: str = knob(choices=LEVELS)
    swap_columns: bool = knob()
    max_len: int | None = knob(low=1)


class ParallelText(FileDataModule):
    @classmethod
    def layout(cls, cfg) -> Layout:
        return LAYOUT

    cache_revision = 1  # 1: only training pairs are cut to max_len; held-out texts kept

    def read_examples(self, path: Path, opts) -> list:
        """(source tokens, target tokens, target text) of every pair of `path` (a file or
        folder)."""
        tokens_of = tokenizer(opts.level, bool(opts.lowercase))
        files = files_in(path) if path.is_dir() else [path]
        return [p for f in files for p in read_pairs(f, tokens_of, bool(opts.swap_columns))]

    def training_pairs(self, pairs: list, opts) -> list:
        """The training pairs within `data.max_len` tokens on either side (only training
        leaves the others out; a log line counts them)."""
        max_len = token_limit(opts.max_len)
        if max_len is None:
            return pairs
        kept = [p for p in pairs if max(len(p[0]), len(p[1])) <= max_len]
        if not kept:
            raise ZooError(
                f"data={self.dataset_name}: no training pair is within "
                f"data.max_len={max_len} tokens; raise data.max_len."
            )
        if len(kept) < len(pairs):
            log.info("data=%s: %d of the %d training pairs have more than data.max_len=%d "
                     "tokens on a side and are left out of training; val and test keep all "
                     "their pairs", self.dataset_name, len(pairs) - len(kept), len(pairs),
                     max_len)
        return kept

    def tokenization(self, opts) -> Tokenization:
        return Tokenization(opts.level, bool(opts.lowercase))

    def build(self):
        opts = self.cfg
        parts = {split: self.read_examples(path, opts) for split, path in self.split_paths.items()}
        splits = assign_splits(
            self.dataset_name,
            parts,
            opts.val_size,
            opts.test_size,
            self.seed,
        )
        splits["train"] = self.training_pairs(splits["train"], opts)
        size, freq = opts.max_size, opts.min_freq
        source = Vocabulary.build(
            (s for s, _, _ in splits["train"]), specials=(PAD, UNK), max_size=size, min_freq=freq
        )
        target = Vocabulary.build((t for _, t, _ in splits["train"]), max_size=size,
                                  min_freq=freq)
        eos = target.id(EOS)
        data = {}
        for split, pairs in splits.items():
            x, x_len = padded([source.encode(s) for s, _, _ in pairs])
            y, y_len = padded([target.encode(t) + [eos] for _, t, _ in pairs])
            if split == "train":
                data[split] = TensorSequences(x, y, x_len=x_len, y_len=y_len)
                continue
            text, text_len = utf8_rows([text for _, _, text in pairs])  # what sacreBLEU scores
            data[split] = TensorSequences(x, y, x_len=x_len, y_len=y_len, y_text=text,
                                          y_text_len=text_len)
        spec = Spec(
            LAYOUT,
            "tokens",
            len(source),
            "tokens",
            len(target),
            pad_id=0,
            bos_id=target.id(BOS),
            eos_id=eos,
            input_vocab=source.tokens,
            target_vocab=target.tokens,
            tokenization=self.tokenization(opts),
        )
        return spec, data
