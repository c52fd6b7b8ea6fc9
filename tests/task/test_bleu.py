"""bleu=true: corpus BLEU (sacreBLEU's 13a definition, 0-100) of generated translations, and
sacrebleu's own standard score of detokenised outputs against the references as written."""

from __future__ import annotations

import pytest
import torch
from conftest import compose_train, datamodule, train_quick, write_pairs
from sacrebleu.metrics import BLEU

from zoo.data.padding import utf8_rows
from zoo.errors import ZooError
from zoo.run.validate import validate
from zoo.task.bleu import CorpusBleu, StandardBleu, detokenize
from zoo.task.module import target_sequences

pytestmark = pytest.mark.usefixtures("one_thread")


def _spec(tmp_path):
    return datamodule("parallel_text", path=str(write_pairs(tmp_path / "pairs.tsv")), seed=0).spec


def _ids(spec, words):
    return [spec.target_vocab.index(w) for w in words]


def test_perfect_translations_score_100_and_a_word_outside_the_vocabulary_is_a_miss(tmp_path):
    spec = _spec(tmp_path)
    sentence = "one two three four five six".split()
    reference = torch.tensor([_ids(spec, sentence) + [spec.eos_id]])
    perfect = CorpusBleu(spec)
    perfect.update_ids([_ids(spec, sentence)], target_sequences({"y": reference}, spec.eos_id))
    assert perfect.compute().item() == pytest.approx(100.0)
    # the reference's last word was unseen in training (<unk>); the hypothesis leaves it out
    unk = spec.target_vocab.index("<unk>")
    with_unk = torch.tensor([_ids(spec, sentence[:-1]) + [unk, spec.eos_id]])
    missed = CorpusBleu(spec)
    missed.update_ids([_ids(spec, sentence[:-1])], target_sequences({"y": with_unk}, spec.eos_id))
    assert 0 < missed.compute().item() < 90  # a shorter hypothesis with 5 of 6 words


def test_standard_bleu_is_sacrebleus_corpus_score_of_detokenised_outputs(tmp_path):
    """Fed in two batches, it equals `BLEU().corpus_score` of the whole corpus: outputs
    detokenised, references as written (mixed case: a lowercased output misses "Two")."""
    path = tmp_path / "punctuated.tsv"
    path.write_text("1\tone two .\n2\tthree four five six !\n3\ttwo ( seven )\n" * 4)
    spec = datamodule("parallel_text", path=str(path), val_size=1, test_size=1).spec
    outputs = [["one", "two", "."], ["three", "four", "five", "six", "."],
               ["two", "(", "seven", ")"]]
    references = ["One two.", "Three four five six!", "Two (seven)"]
    metric = StandardBleu(spec)
    for rows in (slice(0, 2), slice(2, 3)):
        metric.update([_ids(spec, words) for words in outputs[rows]],
                      *utf8_rows(references[rows]))
    hypotheses = ["one two.", "three four five six.", "two (seven)"]
    expected = BLEU().corpus_score(hypotheses, [references])
    assert 0 < expected.score < 100
    assert metric.compute().item() == pytest.approx(expected.score, rel=1e-6)
    assert metric.signature().startswith("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|")


def test_detokenising_closes_up_punctuation():
    assert detokenize("je vois . ( oui ) , non !") == "je vois. (oui), non!"


def test_a_translation_run_records_greedy_and_beam_bleu(tmp_path):
    path = write_pairs(tmp_path / "pairs.tsv", n=1200)
    metrics, _ = train_quick(
        ["data=parallel_text", f"data.path={path}", "topology=seq2seq", "cell=gru",
         "cell.hidden_size=64", "topology.embedding_dim=32", "trainer.max_epochs=12",
         "bleu=true", "bleu_beam=3"], tmp_path)
    for name in ("val/bleu", "test/bleu", "test/bleu_beam", "test/sacrebleu",
                 "test/sacrebleu_beam"):
        assert 0 <= metrics[name] <= 100
    # digits -> their names is learnable: BLEU far above chance, beam at least near greedy
    assert metrics["test/bleu"] > 60, metrics
    assert metrics["test/bleu_beam"] > metrics["test/bleu"] - 5


def test_bleu_on_a_topology_that_does_not_generate_is_refused(tmp_path):
    cfg = compose_train(["data=adding", "topology=many_to_one", "bleu=true"], tmp_path)
    with pytest.raises(ZooError, match="bleu=true scores generated text, but "
                                       "topology=many_to_one does not generate"):
        validate(cfg)
