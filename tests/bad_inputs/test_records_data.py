"""Records that say what happened to the data (issue 19, section 6): a held-out pair longer
than `data.max_len` is still scored, against its whole reference, beside the standard
sacreBLEU score and its signature; the most-frequent-tag baseline is fitted on the words as
read, not on what the model's vocabulary keeps."""

from __future__ import annotations

import json
import logging

import pytest
from conftest import QUICK, compose_train, datamodule, train_quick
from sacrebleu.metrics import BLEU

from zoo.data.batches import TensorSequences
from zoo.data.padding import utf8_texts
from zoo.run.evaluate import evaluate
from zoo.run.record import RunRecord
from zoo.run.train import train_and_test
from zoo.task.baselines import Baseline
from zoo.task.bleu import CorpusBleu, StandardBleu
from zoo.task.direction import direction

pytestmark = pytest.mark.usefixtures("one_thread")

NAMES = "zero one two three four five six seven eight nine".split()
LONG = "1 2 3 4 5 6 7"  # 7 tokens, and 8 on the target side: over max_len=5


def pair(digits: str) -> str:
    return f"{digits}\t{' '.join(NAMES[int(d)] for d in digits.split()).capitalize()}."


def write_split_files(folder) -> dict[str, str]:
    """Train, val and test files of digits -> their names; val and test each hold one pair
    longer than max_len=5."""
    train = [pair(" ".join(str((i + k) % 10) for k in range(1 + i % 3))) for i in range(40)]
    held = {"val": ["3 4", "5", LONG], "test": ["2 7", LONG, "8 8 1", "0"]}
    paths = {"train": folder / "train.tsv"}
    paths["train"].write_text("\n".join(train) + "\n")
    for split, lines in held.items():
        paths[split] = folder / f"{split}.tsv"
        paths[split].write_text("\n".join(pair(d) for d in lines) + "\n")
    return {k: str(v) for k, v in paths.items()}


def path_override(paths: dict[str, str]) -> str:
    return "data.path={" + ",".join(f"{k}:{v}" for k, v in paths.items()) + "}"


def test_a_held_out_pair_over_max_len_is_kept_whole(tmp_path):
    paths = write_split_files(tmp_path)
    dm = datamodule("parallel_text", path=paths, max_len=5)
    dm.setup()
    assert {s: len(d) for s, d in dm.splits.items()} == {"train": 40, "val": 3, "test": 4}
    test = dm.splits["test"].tensors
    assert int(test["y_len"][1]) == 7 + 2  # the long target whole (seven names and "."), <eos>
    assert int(test["x_len"][1]) == 7


def test_from_one_file_only_training_leaves_long_pairs_out_and_says_so(tmp_path, caplog):
    lines = [pair(str(i % 10)) for i in range(30)] + [pair(LONG)] * 10
    path = tmp_path / "pairs.tsv"
    path.write_text("\n".join(lines) + "\n")
    with caplog.at_level(logging.INFO):
        dm = datamodule("parallel_text", path=str(path), max_len=5, val_size=0.25,
                        test_size=0.25)
        dm.setup()
    held = {s: int((dm.splits[s].tensors["x_len"] == 7).sum()) for s in ("val", "test")}
    assert len(dm.splits["val"]) == len(dm.splits["test"]) == 10  # a quarter each, all kept
    assert int((dm.splits["train"].tensors["x_len"] == 7).sum()) == 0
    dropped = 10 - sum(held.values())
    assert dropped > 0 and len(dm.splits["train"]) == 20 - dropped
    assert (f"{dropped} of the 20 training pairs have more than data.max_len=5 tokens on a "
            "side and are left out of training; val and test keep all their pairs") in caplog.text


def test_every_test_pair_is_scored_and_sacrebleu_is_recorded_with_its_signature(
        tmp_path, monkeypatch):
    """A tiny translation run: zoo's BLEU (on the targets exact match compares with too) and
    sacreBLEU score all four test pairs, the long one against its whole reference; the
    record (metrics.json's fields) holds `test/sacrebleu` and the signature of sacrebleu's
    defaults."""
    scored: dict[str, list] = {"bleu": [], "sacrebleu": []}
    bleu_update, sacre_update = CorpusBleu.update_ids, StandardBleu.update

    def spy_bleu(self, hypotheses, references):
        scored["bleu"] += [[self.codec.tokens[i] for i in r] for r in references]
        return bleu_update(self, hypotheses, references)

    def spy_sacre(self, hypotheses, texts, lengths):
        scored["sacrebleu"] += utf8_texts(texts, lengths)
        return sacre_update(self, hypotheses, texts, lengths)

    monkeypatch.setattr(CorpusBleu, "update_ids", spy_bleu)
    monkeypatch.setattr(StandardBleu, "update", spy_sacre)
    paths = write_split_files(tmp_path)
    cfg = compose_train(QUICK + [
        "data=parallel_text", path_override(paths), "data.max_len=5", "data.lowercase=false",
        "topology=seq2seq", "cell=gru", "cell.hidden_size=8", "topology.embedding_dim=8",
        "trainer.max_epochs=1", "bleu=true", "bleu_beam=1"], tmp_path)
    record = RunRecord()
    metrics, _ = train_and_test(cfg, tmp_path, record)
    assert 0 <= metrics["test/sacrebleu"] <= 100 and "test/bleu" in metrics
    assert sorted(scored["sacrebleu"]) == sorted(
        pair(d).split("\t")[1] for d in ["2 7", LONG, "8 8 1", "0"])
    assert "One two three four five six seven." in scored["sacrebleu"]
    # zoo's BLEU scores the long reference's eight tokens whole
    assert any(len(r) == 8 and r[-2:] == ["seven", "."] for r in scored["bleu"])
    defaults = BLEU()
    defaults.corpus_score(["a"], [["a"]])  # (the signature counts the references)
    assert record.sacrebleu_signature == defaults.get_signature().format()
    assert record.sacrebleu_signature.startswith("nrefs:1|case:mixed|eff:no|tok:13a|")
    # zoo-eval reproduces it, signature included
    again, path = evaluate(next((tmp_path / "checkpoints").glob("best-*.ckpt")), "test")
    assert again["test/sacrebleu"] == pytest.approx(metrics["test/sacrebleu"], abs=1e-6)
    assert json.loads(path.read_text())["sacrebleu_signature"] == record.sacrebleu_signature


TAGGED_TRAIN = """\
the\tDET
cat\tNOUN

the\tDET
cat\tNOUN

run\tVERB

dog\tNOUN

fox\tNOUN
"""
# "run" is seen once in training (tagged VERB), so min_freq=2 reads it as <unk>, whose most
# frequent tag (over run, dog and fox) is NOUN: the cut vocabulary's baseline gets it wrong
TAGGED_HELD_OUT = "the\tDET\nrun\tVERB\n"


def test_the_tagging_baseline_is_fitted_on_the_words_as_read(tmp_path):
    paths = {"train": tmp_path / "train.tsv", "val": tmp_path / "val.tsv",
             "test": tmp_path / "test.tsv"}
    paths["train"].write_text(TAGGED_TRAIN)
    for split in ("val", "test"):
        paths[split].write_text(TAGGED_HELD_OUT)
    paths = {k: str(v) for k, v in paths.items()}
    dm = datamodule("tagging", path=paths, format="two_column", min_freq=2)
    assert "run" not in dm.spec.input_vocab  # the model reads it as <unk>
    train, test = dm.splits["train"], dm.splits["test"]
    assert Baseline(dm.spec, train).score(test, "test")["test/baseline_acc"] == 1.0
    def cut(data):  # the words as the model reads them, after the vocabulary cut
        return TensorSequences(**{k: v for k, v in data.tensors.items() if k != "x_words"})

    assert Baseline(dm.spec, cut(train)).score(cut(test), "test")["test/baseline_acc"] == 0.5
    metrics, _ = train_quick(
        ["data=tagging", path_override(paths), "data.format=two_column", "data.min_freq=2",
         "topology=many_to_many", "cell.hidden_size=4", "trainer.max_epochs=1"], tmp_path)
    assert metrics["test/baseline_acc"] == 1.0  # the cut vocabulary's baseline scores 0.5
    assert metrics["val/baseline_acc"] == 1.0


def test_bleu_without_sacrebleu_is_one_sentence_before_any_data(refusal, monkeypatch, tmp_path):
    monkeypatch.setattr("zoo.task.bleu.has_sacrebleu", lambda: False)
    monkeypatch.chdir(tmp_path)
    sentence = refusal("zoo-train", "data=parallel_text", f"data.path={tmp_path}/none.tsv",
                       "topology=seq2seq", "bleu=true")
    assert sentence == (
        "bleu=true records sacreBLEU's standard score beside zoo's BLEU, which needs the "
        "sacrebleu package; pip install 'zoo[translation]' (or set bleu=false).")


def test_sacrebleu_is_higher_is_better_in_tables():
    assert direction("test/sacrebleu") == direction("test/sacrebleu_beam") == "max"
