"""Sequence-to-sequence pairs from your own files (`data=parallel_text`).

One pair a line, source and target separated by a tab (further tab-separated fields, such
as the attribution column of the Tatoeba/manythings files, are ignored); blank lines are
skipped:

    Go.	Va !
    I see.	Je vois.

Both sides are split into characters or words (`level`), optionally lowercased; pairs with
more than `max_len` tokens on either side are dropped. Source and target have separate
vocabularies built from the training split (`max_size`, `min_freq`); each target ends with
<eos> (the model prepends <bos> itself). `swap_columns: true` swaps the two sides. Train/val/test
are a seeded shuffle of the pairs unless separate files are given.

A built-in corpus (`data=eng_fra`) is this datamodule with its own `split_paths` (where the
file comes from), `read_examples` (its reading and filtering), `tokenization` and `FIXED`
options.
"""

from __future__ import annotations

from pathlib import Path

from zoo.data.base import FileDataModule
from zoo.data.batches import TensorSequences
from zoo.data.files.local_files import files_in
from zoo.data.files.text_file import bad_line, numbered_lines
from zoo.data.padding import padded
from zoo.data.preprocess.tokenize import token_limit, tokenizer
from zoo.data.preprocess.vocab import BOS, EOS, PAD, UNK, Vocabulary
from zoo.data.split import assign_splits
from zoo.errors import ZooError
from zoo.spec import Layout, Spec, Tokenization

LAYOUT = Layout("sequence", "sequence")


def read_pairs(path: Path, tokens_of, swap: bool, max_len: int | None) -> list:
    """(source tokens, target tokens) per line, dropping pairs longer than `max_len`."""
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
            source, target = target, source
        if max_len is None or max(len(source), len(target)) <= max_len:
            pairs.append((source, target))
    if not lines:
        raise ZooError(f"{path} holds no source<TAB>target lines; check data.path.")
    return pairs


class ParallelText(FileDataModule):
    @classmethod
    def layout(cls, cfg) -> Layout:
        return LAYOUT

    def read_examples(self, path: Path, opts) -> list:
        """(source tokens, target tokens) of every pair kept from `path` (a file or folder)."""
        tokens_of = tokenizer(opts["level"], bool(opts["lowercase"]))
        swap, max_len = bool(opts["swap_columns"]), token_limit(opts["max_len"])
        files = files_in(path) if path.is_dir() else [path]
        pairs = [p for f in files for p in read_pairs(f, tokens_of, swap, max_len)]
        if not pairs:
            raise ZooError(
                f"data={self.dataset_name}: no pair of {path} is within "
                f"data.max_len={max_len} tokens; raise data.max_len."
            )
        return pairs

    def tokenization(self, opts) -> Tokenization:
        return Tokenization(opts["level"], bool(opts["lowercase"]))

    def build(self):
        opts = self.options
        parts = {split: self.read_examples(path, opts) for split, path in self.split_paths.items()}
        splits = assign_splits(
            self.dataset_name,
            parts,
            opts["val_size"],
            opts["test_size"],
            self.seed,
        )
        size, freq = opts["max_size"], opts["min_freq"]
        source = Vocabulary.build(
            (s for s, _ in splits["train"]), specials=(PAD, UNK), max_size=size, min_freq=freq
        )
        target = Vocabulary.build((t for _, t in splits["train"]), max_size=size, min_freq=freq)
        eos = target.id(EOS)
        data = {}
        for split, pairs in splits.items():
            x, x_len = padded([source.encode(s) for s, _ in pairs])
            y, y_len = padded([target.encode(t) + [eos] for _, t in pairs])
            data[split] = TensorSequences(x, y, x_len=x_len, y_len=y_len)
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
