"""Language modelling on your own text (`data=text_lm`): each step predicts the next token.

Any UTF-8 text file (a folder: its files in name order, joined by line breaks) is split into
characters or words (`level`) and cut in order into train, val and test (train first, test
last) by `val_size`/`test_size`, unless separate files are given. The vocabulary
comes from the training text only (`max_size`, `min_freq`; other tokens become <unk>).

Each split is stored as one stream and cut into chunks of `seq_len` + 1 tokens, the input
being the first `seq_len` and the target the same chunk shifted by one. With
`stateful: false` the chunks are independent examples, shuffled for training; with
`stateful: true` (char-rnn style) each split is laid out as `batch_size` parallel streams
served in order, and the hidden state is carried from one chunk to the next (truncated BPTT).
The layout is causal, so a bidirectional model is refused when the config is composed.

A built-in text (`data=shakespeare`) is this datamodule with its file found elsewhere
(`split_paths`), fixed options in `FIXED` and the class switches below.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from zoo.data.base import LEVELS, FileDataModule, VocabularyOptions
from zoo.data.char_stream import shifted_stream, stream_batches
from zoo.data.files.local_files import files_in, plural
from zoo.data.files.text_file import read_text
from zoo.data.preprocess.tokenize import tokenizer
from zoo.data.preprocess.vocab import PAD, UNK, Vocabulary
from zoo.data.split import assign_splits
from zoo.errors import ZooError
from zoo.knobs import knob
from zoo.spec import Layout, Spec, Tokenization

LAYOUT = Layout("sequence", "aligned", causal=True)


@dataclass
class TextLMData(VocabularyOptions):
    _target_: str = "zoo.data.formats.text_lm.TextLM"
    name: str = "text_lm"
    level: str = knob(choices=LEVELS)
    seq_len: int = knob(low=1)
    stateful: bool = knob()


class TextLM(FileDataModule):
    vocab_from_all = False  # the vocabulary from every token read (char-rnn), not train only
    test_on_val = False  # test_size 0 tests on the val text instead of being refused

    @classmethod
    def layout(cls, cfg) -> Layout:
        return LAYOUT

    @property
    def stateful(self) -> bool:
        return bool(self.cfg.stateful)

    def build(self):
        opts = self.cfg
        level = opts.level
        tokens_of = tokenizer(level, bool(opts.lowercase))
        parts = {}
        for split, path in self.split_paths.items():
            files = files_in(path) if path.is_dir() else [path]
            parts[split] = tokens_of("\n".join(read_text(f) for f in files))
            if not parts[split]:
                raise ZooError(f"data.path: {path} holds no text (no {level} tokens); point "
                               "data.path at a text file that is not empty.")
        test_on_val = self.test_on_val and "test" not in parts and not opts.test_size
        splits = assign_splits(
            self.dataset_name,
            parts,
            opts.val_size,
            opts.test_size,
            seed=None,
            test_from_val=test_on_val,
        )
        for split, tokens in splits.items():
            if len(tokens) < 2:
                raise ZooError(
                    f"data={self.dataset_name}: the {split} text has "
                    f"{plural(len(tokens), 'token')}, too few for one step; give more text or a "
                    f"{'smaller' if split == 'train' else 'larger'} data.val_size/data.test_size."
                )
        vocab = Vocabulary.build(
            parts.values() if self.vocab_from_all else [splits["train"]],
            specials=(PAD, UNK),
            max_size=opts.max_size,
            min_freq=opts.min_freq,
        )
        data = {
            s: shifted_stream(torch.tensor(vocab.encode(t), dtype=torch.long))
            for s, t in splits.items()
        }
        spec = Spec(
            LAYOUT,
            "tokens",
            len(vocab),
            "tokens",
            len(vocab),
            input_vocab=vocab.tokens,
            target_vocab=vocab.tokens,
            tokenization=Tokenization(level, bool(opts.lowercase)),
            stateful=self.stateful,
        )
        return spec, data

    def _batches(self, split: str, train: bool):
        size = self.batch_size if train else self.eval_batch_size
        seq_len = int(self.cfg.seq_len)
        return stream_batches(self.dataset_name, self.splits[split], size, seq_len,
                              self.stateful, train, drop_last=self.drop_last if train else False)
