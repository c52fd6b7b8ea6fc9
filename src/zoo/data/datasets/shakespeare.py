"""Character-level language modelling on one contiguous text, tiny-shakespeare by default
(karpathy/char-rnn: 1,115,394 characters, 65 distinct): `data=text_lm` over a known file.

Only where the file comes from is its own: `data.root` (a folder holding input.txt, or the
file) or char-rnn's file, downloaded once and verified. The rest is `TextLM`'s, with char-rnn's
choices fixed: characters as they are, the vocabulary of every character of the file,
`test_size: 0` testing on the val text, and full training batches only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from zoo.data.base import LocalCopy, SplitSizes
from zoo.data.files.seed_source import source_file
from zoo.data.formats.text_lm import TextLM
from zoo.knobs import knob

URL = "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"
SHA256 = "sha256:86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"


@dataclass
class ShakespeareData(LocalCopy, SplitSizes):
    _target_: str = "zoo.data.datasets.shakespeare.Shakespeare"
    name: str = "shakespeare"
    seq_len: int = knob(low=1)
    stateful: bool = knob()


class Shakespeare(TextLM):
    FIXED = {"level": "char", "lowercase": False, "max_size": None, "min_freq": 1}
    vocab_from_all = True
    test_on_val = True
    drop_last = True

    @cached_property
    def split_paths(self) -> dict[str, Path]:
        return {"all": source_file("shakespeare", self.cfg.root, ["input.txt"], URL,
                                   SHA256, self.cache_dir, filename="input.txt")}
