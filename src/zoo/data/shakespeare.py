"""Character-level language modelling on one contiguous text, tiny-shakespeare by default
(karpathy/char-rnn: 1,115,394 characters, 65 distinct).

The text is cut in order into train, val and test (char-rnn: 95% / 5%, no test; here
`test_fraction: 0` tests on the val text). With `stateful: true` each split is laid out as
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
from zoo.data.seeded_split import check_fractions, contiguous_bounds, require_nonempty
from zoo.data.vocab import PAD, UNK, Vocabulary
from zoo.errors import ZooError
from zoo.spec import Layout, Spec

URL = "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"
SHA256 = "sha256:86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"
LAYOUT = Layout("sequence", "aligned", causal=True)


def read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ZooError(f"{path}, line {line}: is not valid UTF-8; save it as UTF-8.") from None


class Shakespeare(SequenceDataModule):
    cacheable = True

    @classmethod
    def layout(cls, cfg) -> Layout:
        return LAYOUT

    @property
    def stateful(self) -> bool:
        return bool(self.options.get("stateful", True))

    def sources(self) -> list[Path]:
        if not hasattr(self, "_source"):
            self._source = source_file(
                "shakespeare",
                self.options.get("root"),
                ["input.txt"],
                URL,
                SHA256,
                self.cache_dir,
                filename="input.txt",
            )
        return [self._source]

    def build(self):
        val_fraction = self.options.get("val_fraction", 0.05)
        test_fraction = self.options.get("test_fraction", 0.05)
        check_fractions("shakespeare", val_fraction, test_fraction, allow_zero_test=True)
        text = read_text(self.sources()[0])
        vocab = Vocabulary.build([text], specials=(PAD, UNK))
        ids = torch.tensor(vocab.encode(text), dtype=torch.long)
        bounds = contiguous_bounds(len(ids), val_fraction, test_fraction)
        if not test_fraction:
            bounds["test"] = bounds["val"]
        # each part's last character is only a target, so a part needs two to hold one step
        require_nonempty(
            "shakespeare",
            {s: len(ids[b]) - 1 for s, b in bounds.items()},
            "use a longer text or larger data.val_fraction/data.test_fraction",
        )
        splits = {s: shifted_stream(ids[b].clone()) for s, b in bounds.items()}
        spec = Spec(
            LAYOUT,
            "tokens",
            len(vocab),
            "tokens",
            len(vocab),
            input_vocab=vocab.tokens,
            target_vocab=vocab.tokens,
            extra={"stateful": self.stateful, "level": "char", "join": ""},
        )
        return spec, splits

    def _batches(self, split: str, train: bool):
        size = self.batch_size if train else self.eval_batch_size
        seq_len = self.options.get("seq_len", 50)
        return stream_batches("shakespeare", self.splits[split], size, seq_len, self.stateful,
                              train, drop_last=train)
