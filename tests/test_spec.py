"""The Spec as plain data, and Spec dicts written before its typed fields (an `extra` dict)."""

from __future__ import annotations

import json

from zoo.inference.codec import TextCodec
from zoo.spec import Layout, Scaling, Spec, Tokenization

SEQ = {"input": "sequence", "target": "sequence", "causal": False}


def old(input_kind="tokens", target_kind="class", extra=None, **fields) -> dict:
    """A Spec dict as zoo wrote it before the typed fields."""
    found = {"layout": SEQ, "input_kind": input_kind, "input_size": 5,
             "target_kind": target_kind, "target_size": 2, "pad_id": 0, "bos_id": None,
             "eos_id": None, "input_vocab": None, "target_vocab": None, "extra": extra or {}}
    return {**found, **fields}


def test_a_spec_is_plain_data_that_reads_back_as_itself():
    spec = Spec(Layout("sequence", "single"), "tokens", 4, "value", 1, input_vocab=["a"],
                tokenization=Tokenization("word", normalize="eng_fra", max_len=3),
                feature_scaling=Scaling([1.0], [2.0]), target_scaling=Scaling([0.5], [4.0]),
                stateful=True)
    assert Spec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec


def test_recorded_text_settings_map_onto_the_tokenization():
    eng_fra = old(extra={"level": "word", "join": " ", "tokenizer": {
        "level": "word", "normalize": "zoo.data.eng_fra.normalize"}}, input_vocab=["<pad>", "go"])
    assert Spec.from_dict(eng_fra).tokenization == Tokenization(
        "word", lowercase=True, normalize="eng_fra")
    classify = old(extra={"level": "char", "lowercase": False, "max_len": 7, "join": ""})
    assert Spec.from_dict(classify).tokenization == Tokenization("char", max_len=7)
    addition = Spec.from_dict(old(target_kind="tokens", extra={
        "digits": 2, "reverse": True, "tokenizer": {"level": "char", "reverse": True}}))
    assert addition.tokenization.reverse and addition.target_tokenization is None
    assert not TextCodec.for_target(addition).reverse  # targets are fed in order
    generate = Spec.from_dict(old("label", "tokens", {"level": "char", "join": ""},
                                  target_vocab=["<bos>", "A", "b"]))
    assert generate.tokenization is None
    assert generate.target_tokenization == Tokenization("char", lowercase=False)


def test_unrecorded_text_settings_are_guessed_from_the_vocabulary():
    imdb = Spec.from_dict(old(extra={"start_char": 1, "oov_char": 2, "index_from": 3},
                              input_vocab=["<pad>", "<start>", "<oov>", "the", "film"]))
    assert imdb.tokenization == Tokenization("word", lowercase=True)
    spec = Spec.from_dict(old(input_vocab=["<pad>", "<unk>", "a", "b", " "]))
    codec = TextCodec.for_input(spec)  # all single characters, none a capital
    assert codec.level == "char" and codec.encode("AB a") == [2, 3, 4, 2]


def test_scaling_and_stateful_map_onto_their_fields():
    series = Spec.from_dict(old("features", "value", {
        "format": "series", "scale": "standard", "columns": ["a"], "target_column": "a",
        "feature_shift": [1.0, 2.0], "feature_scale": [3.0, 4.0],
        "target_shift": 5.0, "target_scale": 6.0}))
    assert series.feature_scaling == Scaling([1.0, 2.0], [3.0, 4.0])
    assert series.target_scaling == Scaling([5.0], [6.0]) and not series.stateful
    stream = Spec.from_dict(old(target_kind="tokens", extra={"stateful": True, "level": "char"}))
    assert stream.stateful and stream.feature_scaling is None
