"""Batching: equal-length buckets where the data allows, bucketed evaluation, the evaluation
batch size, and whether the test split repeats the validation examples."""

from __future__ import annotations

import torch

from zoo.data.base import SequenceDataModule
from zoo.data.batches import BucketBatchSampler, TensorSequences, batch_sampler, length_batches


def truncated_lengths(n=1000, maxlen=50, seed=0):
    """Lengths as after truncation to maxlen: about 40% exactly maxlen, the rest spread."""
    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(1, maxlen, (n,), generator=g)
    lengths[torch.rand(n, generator=g) < 0.4] = maxlen
    return lengths


def sequences(lengths):
    x = torch.zeros(len(lengths), int(lengths.max()), dtype=torch.long)
    return TensorSequences(x, torch.zeros(len(lengths), dtype=torch.long), lengths)


def test_length_batches_cover_every_index_once_with_one_short_batch_at_most():
    lengths = truncated_lengths()
    batches = length_batches(torch.randperm(len(lengths)), lengths, 32)
    assert sorted(torch.cat(batches).tolist()) == list(range(len(lengths)))
    assert sum(len(b) < 32 for b in batches) <= 1
    assert len(batches) == -(-len(lengths) // 32)


def test_every_full_length_group_becomes_equal_length_batches():
    lengths = truncated_lengths()
    batches = length_batches(torch.arange(len(lengths)), lengths, 32)
    equal = [b for b in batches if len(b) == 32 and lengths[b].unique().numel() == 1]
    assert int((lengths == 50).sum()) // 32 <= sum(int(lengths[b[0]]) == 50 for b in equal)


def test_shuffled_buckets_are_mostly_equal_length_after_truncation():
    torch.manual_seed(0)
    lengths = truncated_lengths(4000)
    sampler = BucketBatchSampler(lengths, 32)
    batches = list(sampler)
    assert len(batches) == len(sampler)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    equal = sum(lengths[b].unique().numel() == 1 for b in batches)
    assert equal >= 0.35 * len(batches)


def test_evaluation_batches_are_bucketed_in_a_fixed_order():
    lengths = truncated_lengths()
    data = sequences(lengths)
    sampler = batch_sampler(data, 64, shuffle=False, bucket=True)
    first, second = list(sampler), list(sampler)
    assert first == second and len(first) == len(sampler)
    assert sorted(i for b in first for i in b) == list(range(len(lengths)))
    sequential = list(batch_sampler(data, 64, shuffle=False, bucket=False))
    assert padding(first, lengths) < padding(sequential, lengths) / 4


def padding(batches, lengths):
    return sum(int((lengths[b].max() - lengths[b]).sum()) for b in batches)


class Tiny(SequenceDataModule):
    def __init__(self, same=True, **kw):
        super().__init__(**kw)
        self.same = same

    def build(self):
        lengths = truncated_lengths(40)
        test = sequences(lengths)
        val = test if self.same else sequences(lengths.flip(0))
        return None, {"train": sequences(lengths), "val": val, "test": test}


class Streams(Tiny):
    stateful = True


def test_evaluation_batch_is_larger_unless_set_or_stateful():
    assert Tiny(batch_size=32).eval_batch_size == 256
    assert Tiny(batch_size=100).eval_batch_size == 400
    assert Tiny(batch_size=32, eval_batch_size=48).eval_batch_size == 48
    assert Streams(batch_size=50).eval_batch_size == 50


def test_test_is_val_compares_the_examples():
    assert Tiny(same=True).test_is_val()
    assert not Tiny(same=False).test_is_val()
    copy = Tiny(same=True)
    copy.setup()
    copy.splits["val"] = TensorSequences(**{k: v.clone() for k, v in
                                            copy.splits["test"].tensors.items()})
    assert copy.test_is_val()


def test_identical_val_and_test_are_evaluated_once(tmp_path, monkeypatch):
    from conftest import compose_train

    from zoo.run.record import RunRecord
    from zoo.run.train import train_and_test

    root = tmp_path / "reviews"
    for split in ("train", "test"):
        for label, cue in (("pos", "great"), ("neg", "bad")):
            (root / "aclImdb" / split / label).mkdir(parents=True)
            for i in range(8):
                (root / "aclImdb" / split / label / f"{i}_1.txt").write_text(f"a {cue} film {i}")
    tested = []
    monkeypatch.setattr("pytorch_lightning.Trainer.test", lambda *a, **k: tested.append(1))
    cfg = compose_train(["logger=none", "trainer.enable_progress_bar=false",
                         "~callbacks.progress_bar", "data=imdb", f"data.root={root}",
                         "trainer.max_epochs=1", "cell.hidden_size=4",
                         "topology.embedding_dim=4", "trainer=cpu"], tmp_path)
    record = RunRecord()
    metrics, _ = train_and_test(cfg, tmp_path, record)
    assert record.test_is_val is True and not tested
    assert metrics["test/acc"] == metrics["val/acc"] and metrics["test/loss"] == metrics["val/loss"]
