"""In-memory datasets indexed a batch at a time, and length-bucketed batch sampling.

A `TensorSequences` holds whole splits as padded tensors plus lengths; indexing it with a
list of indices gathers a batch in one tensor op and trims padding to the batch's longest
sequence. Loaders use a `BatchSampler` with `batch_size=None`, so no per-item Python work.
"""

from __future__ import annotations

import torch
import torch.distributed as dist
from torch.utils.data import (
    BatchSampler,
    Dataset,
    DistributedSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
)


class TensorSequences(Dataset):
    """`x`, `y` with optional `x_len`, `y_len`; keys of each batch dict are the same names.

    A target as long as the input with no `y_len` of its own is aligned with the input, so it
    is trimmed by `x_len`. Two optional extras are no model's input: `x_words`, each input
    token's id among the training split's tokens before the vocabulary cut (0: unseen in
    training), on which the baselines are fitted (zoo.task.baselines); `y_text` and `y_text_len`,
    each target's reference text as UTF-8 bytes (`zoo.data.padding.utf8_rows`), which
    sacreBLEU scores (zoo.task.bleu)."""

    WHOLE_ONLY = ("x_words",)  # read only over a whole split, never by a training step

    def __init__(self, x, y, x_len=None, y_len=None, x_words=None, y_text=None,
                 y_text_len=None):
        self.tensors = {"x": x, "y": y, "x_len": x_len, "y_len": y_len, "x_words": x_words,
                        "y_text": y_text, "y_text_len": y_text_len}
        self.tensors = {k: v for k, v in self.tensors.items() if v is not None}
        self.aligned = (y_len is None and x_len is not None and x.dim() > 1 and y.dim() > 1
                        and y.size(1) == x.size(1))

    def __len__(self) -> int:
        return len(self.tensors["x"])

    def __getitem__(self, indices) -> dict:
        """A batch: the tensors a step reads (not those in `WHOLE_ONLY`)."""
        return self._rows(indices, [k for k in self.tensors if k not in self.WHOLE_ONLY])

    def whole(self) -> dict:
        """Every example, with every tensor (the baselines fit on it)."""
        return self._rows(list(range(len(self))), list(self.tensors))

    def _rows(self, indices, keys: list[str]) -> dict:
        idx = torch.as_tensor(indices, dtype=torch.long)
        batch = {k: self.tensors[k][idx] for k in keys}
        for seq, lengths in (("x", "x_len"), ("y", "y_len"), ("x_words", "x_len"),
                             ("y_text", "y_text_len")):
            if seq == "y" and self.aligned:
                lengths = "x_len"
            if seq in batch and lengths in batch and batch[seq].dim() > 1:
                batch[seq] = batch[seq][:, : int(batch[lengths].max())]
        return batch

    def lengths(self) -> torch.Tensor | None:
        return self.tensors.get("x_len")

    def same_examples(self, other: TensorSequences) -> bool:
        mine, theirs = self.tensors, other.tensors
        return self is other or (mine.keys() == theirs.keys() and all(
            mine[k] is theirs[k] or (mine[k].shape == theirs[k].shape
                                     and torch.equal(mine[k], theirs[k])) for k in mine))


def length_batches(indices: torch.Tensor, lengths: torch.Tensor, size: int) -> list:
    """`indices` cut into batches of similar lengths, as many as the data allows of one length
    (a batch of equal lengths runs unpacked): each length's full batches first, then the rest
    in length order. At most one batch is short, as when the sorted indices are simply cut."""
    order = indices[lengths[indices].argsort(stable=True)]
    runs = torch.unique_consecutive(lengths[order], return_counts=True)[1]
    equal, rest = [], []
    for run in order.split(runs.tolist()):
        full = len(run) - len(run) % size
        equal += list(run[:full].split(size)) if full else []
        rest.append(run[full:])
    rest = torch.cat(rest) if rest else order
    return equal + (list(rest.split(size)) if len(rest) else [])


class BucketBatchSampler(Sampler):
    """Batches of similar lengths (`length_batches`). Shuffled: indices are shuffled, cut into
    pools of `pool` batches, each pool cut by length once, and the batches shuffled. Sorting
    happens per pool and epoch, never per batch. Not shuffled (evaluation): the whole split is
    cut by length once, the batches served in length order."""

    def __init__(self, lengths: torch.Tensor, batch_size: int, drop_last=False, pool=50,
                 shuffle: bool = True):
        self.lengths, self.batch_size, self.drop_last = lengths, batch_size, drop_last
        self.shuffle = shuffle
        self.pool = pool * batch_size if shuffle else max(len(lengths), 1)

    def __iter__(self):
        n = len(self.lengths)
        order = torch.randperm(n) if self.shuffle else torch.arange(n)
        batches = []
        for start in range(0, len(order), self.pool):
            chunk = order[start : start + self.pool]
            batches += length_batches(chunk, self.lengths, self.batch_size)
        if self.drop_last and batches and len(batches[-1]) < self.batch_size:
            batches = [b for b in batches if len(b) == self.batch_size]
        served = torch.randperm(len(batches)).tolist() if self.shuffle else range(len(batches))
        for i in served:
            yield batches[i].tolist()

    def __len__(self) -> int:
        n = len(self.lengths)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


class RankBatches(DistributedSampler):
    """Under DDP, rank r of W trains on batches r, r + W, ... of a shuffled batch sampler,
    and every rank on as many (the first batches again fill the last round, as Lightning's
    DistributedSampler pads). The shuffle draws from torch's generator, which every rank seeds
    alike and a resumed run restores from its checkpoint (zoo.run.callbacks.rng_state), so the
    ranks cut the same batches and a resumed run draws the uninterrupted run's.

    A DistributedSampler, so Lightning serves it as it is: its own wrapper would shuffle the
    batches again by epoch, and a resumed run makes its first iterator before Lightning sets
    the epoch, so it trained on other batches than the uninterrupted run."""

    def __init__(self, batches: Sampler, num_replicas: int, rank: int):
        # DistributedSampler's own state, without its dataset: it shards the batches instead
        self.batches, self.num_replicas, self.rank, self.epoch = batches, num_replicas, rank, 0

    def __iter__(self):
        batches = list(self.batches)
        total = len(self) * self.num_replicas
        padded = (batches * -(-total // max(len(batches), 1)))[:total]
        return iter(padded[self.rank :: self.num_replicas])

    def __len__(self) -> int:
        return -(-len(self.batches) // self.num_replicas)


def batch_sampler(dataset: TensorSequences, batch_size: int, shuffle: bool, bucket: bool,
                  drop_last: bool = False) -> Sampler:
    """Batches of `dataset`; shuffled ones are this rank's share under DDP (RankBatches)."""
    lengths = dataset.lengths()
    if bucket and lengths is not None:
        sampler = BucketBatchSampler(lengths, batch_size, drop_last, shuffle=shuffle)
    else:
        base = RandomSampler(dataset) if shuffle else SequentialSampler(dataset)
        sampler = BatchSampler(base, batch_size, drop_last)
    if shuffle and dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        return RankBatches(sampler, dist.get_world_size(), dist.get_rank())
    return sampler
