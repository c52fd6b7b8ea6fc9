"""Character-level language modelling on one contiguous text, tiny-shakespeare by default
(karpathy/char-rnn: 1,115,394 characters, 65 distinct).

The text is cut in order into train, val and test (char-rnn: 95% / 5%, no test; here
`test_size: 0` tests on the val text). With `stateful: true` each split is laid out as
`batch_size` parallel streams and served in order, so the hidden state is carried from one
chunk to the next (truncated BPTT, reset each epoch); with `stateful: false` the chunks are
independent examples, shuffled for training. The vocabulary is every character of the file.
"""

from __future__ import annotations

from pathlib import Path

import torch

from zoo.data.base import SequenceDataModule
from zoo.data.char_stream import shifted_stream, stream_batches
from zoo.data.seed_source import source_file
from zoo.data.split import require_nonempty, split_indices
from zoo.data.text_file import read_text
from zoo.data.vocab import PAD, UNK, Vocabulary
from zoo.spec import Layout, Spec, Tokenization

URL = "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"
SHA256 = "sha256:86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"
LAYOUT = Layout("sequence", "aligned", causal=True)


class Shakespeare(SequenceDataModule):
    cacheable = True

    @classmethod
    def layout(cls, cfg) -> Layout:
        return LAYOUT

    @property
    def stateful(self) -> bool:
        return bool(self.options["stateful"])

    def sources(self) -> list[Path]:
        if not hasattr(self, "_source"):
            self._source = source_file(
                "shakespeare",
                self.options["root"],
                ["input.txt"],
                URL,
                SHA256,
                self.cache_dir,
                filename="input.txt",
            )
        return [self._source]

    def build(self):
        val_size = self.options["val_size"]
        test_size = self.options["test_size"]
        text = read_text(self.sources()[0])
        vocab = Vocabulary.build([text], specials=(PAD, UNK))
        ids = torch.tensor(vocab.encode(text), dtype=torch.long)
        bounds = split_indices("shakespeare", len(ids), val_size, test_size)
        if not test_size:
            bounds["test"] = bounds["val"]
        # each part's last character is only a target, so a part needs two to hold one step
        require_nonempty(
            "shakespeare",
            {s: len(b) - 1 for s, b in bounds.items()},
            "use a longer text or larger data.val_size/data.test_size",
        )
        splits = {s: shifted_stream(ids[b.start : b.stop].clone()) for s, b in bounds.items()}
        spec = Spec(
            LAYOUT,
            "tokens",
            len(vocab),
            "tokens",
            len(vocab),
            input_vocab=vocab.tokens,
            target_vocab=vocab.tokens,
            tokenization=Tokenization("char"),
            stateful=self.stateful,
        )
        return spec, splits

    def _batches(self, split: str, train: bool):
        size = self.batch_size if train else self.eval_batch_size
        seq_len = self.options["seq_len"]
        return stream_batches("shakespeare", self.splits[split], size, seq_len, self.stateful,
                              train, drop_last=train)
