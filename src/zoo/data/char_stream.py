"""Language-model batches cut from one contiguous token stream.

A split is stored as one row: `x` the stream, `y` the same stream shifted by one token. At
loading time it is cut into `seq_len` chunks in one of two ways:

- `parallel_streams` (stateful, truncated BPTT): the stream is divided into `batch_size`
  equal streams, as char-rnn and PyTorch's word_language_model `batchify` do, and row j of
  batch i+1 continues row j of batch i. Rows are ordered batch by batch, so a sequential
  sampler with the same batch size yields them in order; the ragged tail is dropped.
- `independent_chunks`: consecutive non-overlapping chunks, to be shuffled like any examples.
"""

from __future__ import annotations

import torch
from torch.utils.data import BatchSampler, SequentialSampler

from zoo.data.batches import TensorSequences, batch_sampler
from zoo.errors import ZooError


def shifted_stream(ids: torch.Tensor) -> TensorSequences:
    """A 1-D stream of token ids -> one row of inputs and next-token targets."""
    return TensorSequences(ids[None, :-1], ids[None, 1:])


def _stream(split: TensorSequences) -> tuple[torch.Tensor, torch.Tensor]:
    return split.tensors["x"][0], split.tensors["y"][0]


def _too_short(name: str, n: int, need: int, what: str) -> ZooError:
    return ZooError(
        f"data={name}: a split of {n} tokens is too short for {what} ({need} tokens); "
        "use a smaller data.seq_len or data.batch_size, or a larger split."
    )


def parallel_streams(
    name: str, split: TensorSequences, batch_size: int, seq_len: int
) -> TensorSequences:
    x, y = _stream(split)
    per_stream = x.numel() // batch_size
    chunks = per_stream // seq_len
    if chunks < 1:
        raise _too_short(
            name,
            x.numel(),
            batch_size * seq_len,
            f"{batch_size} parallel streams of one {seq_len}-token chunk",
        )
    used = chunks * seq_len

    def arrange(t: torch.Tensor) -> torch.Tensor:
        rows = t[: batch_size * per_stream].view(batch_size, per_stream)[:, :used]
        # (streams, chunks, seq_len) -> (chunks, streams, seq_len): batch i is rows i*B..i*B+B-1
        return rows.reshape(batch_size, chunks, seq_len).transpose(0, 1).reshape(-1, seq_len)

    return TensorSequences(arrange(x), arrange(y))


def independent_chunks(name: str, split: TensorSequences, seq_len: int) -> TensorSequences:
    x, y = _stream(split)
    chunks = x.numel() // seq_len
    if chunks < 1:
        raise _too_short(name, x.numel(), seq_len, "one chunk")
    used = chunks * seq_len
    return TensorSequences(x[:used].view(chunks, seq_len), y[:used].view(chunks, seq_len))


def stream_batches(name: str, split: TensorSequences, size: int, seq_len: int, stateful: bool,
                   train: bool, drop_last: bool):
    """(dataset, batch sampler) for language modelling on a token stream: stateful serves
    full batches in order (row j continues row j), otherwise shuffled independent chunks."""
    if stateful:
        data = parallel_streams(name, split, size, seq_len)
        return data, BatchSampler(SequentialSampler(data), size, drop_last=True)
    data = independent_chunks(name, split, seq_len)
    return data, batch_sampler(data, size, shuffle=train, bucket=False, drop_last=drop_last)
