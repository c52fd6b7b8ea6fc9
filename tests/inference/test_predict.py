"""zoo-predict: a classifier's label and probabilities or a regressor's value for new inputs,
encoded as the run's data was (vocabulary, tokenisation, feature scaling)."""

from __future__ import annotations

import io
import json
import random
import sys

import pytest
import torch
from conftest import compose_train, run_cli, train_quick

from zoo.cli import predict as predict_cli
from zoo.data.preprocess.codec import TextCodec
from zoo.errors import ZooError
from zoo.inference.prediction import predict, read_inputs
from zoo.run.checkpoints import CONFIG_KEY, load_run
from zoo.run.train import build_task
from zoo.spec import Layout, Scaling, Spec, Tokenization

TINY = ["trainer.max_epochs=1", "cell.hidden_size=16", "topology.embedding_dim=8"]
RUSSIAN = ["Ivanov", "Petrov", "Smirnov", "Volkov", "Sokolov", "Popov", "Lebedev", "Kozlov"]
ENGLISH = ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Roberts"]
NAMES = ["Ivanov", "Smith", "Dostoevsky"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("predict")
    names = root / "names"
    names.mkdir()
    (names / "Russian.txt").write_text("\n".join(RUSSIAN * 3))
    (names / "English.txt").write_text("\n".join(ENGLISH * 3))
    found = {
        "classifier": f"data=names data.root={names} topology=many_to_one",
        "regressor": "data=adding data.T=5 data.n_train=32 data.n_val=16 data.n_test=16",
    }
    for name, overrides in found.items():
        train_quick(TINY + overrides.split(), root / name)
        found[name] = root / name
    return found


def _task(tmp_path, spec: Spec, topology: str):
    cfg = compose_train([f"topology={topology}", "cell.hidden_size=8"], tmp_path)
    return build_task(cfg, spec).eval()


def test_text_is_encoded_with_the_runs_own_vocabulary(runs):
    task = load_run(runs["classifier"]).task
    found = predict(task, NAMES)
    vocab = task.spec.input_vocab
    for name, result in zip(NAMES, found, strict=True):
        x = torch.tensor([[vocab.index(c) if c in vocab else vocab.index("<unk>") for c in name]])
        probs = task.model({"x": x, "x_len": torch.tensor([len(name)])})[0].softmax(-1)[0]
        expected = dict(zip(task.spec.target_vocab, probs.tolist(), strict=True))
        assert result["probabilities"] == pytest.approx(expected, abs=1e-6)
        assert result["label"] == max(expected, key=expected.get)


def test_numbers_are_read_as_steps_of_features_with_a_header_skipped(runs, tmp_path):
    task = load_run(runs["regressor"]).task
    x = torch.rand(2, 5, 2)
    rows = [",".join(f"{v:.6f}" for v in row.flatten().tolist()) for row in x]
    (tmp_path / "rows.csv").write_text("\n".join(["value,marker", *rows]) + "\n")
    found = predict(task, (tmp_path / "rows.csv").read_text().splitlines())
    x = torch.tensor([[float(v) for v in row.split(",")] for row in rows]).view(2, 5, 2)
    expected = task.model({"x": x, "x_len": torch.tensor([5, 5])})[0][:, 0]
    assert [f["value"] for f in found] == pytest.approx(expected.tolist(), abs=1e-6)


def test_features_and_values_are_scaled_as_the_data_recorded(tmp_path):
    spec = Spec(
        Layout("sequence", "single"),
        "features",
        2,
        "value",
        1,
        feature_scaling=Scaling([1.0, 10.0], [2.0, 5.0]),
        target_scaling=Scaling([100.0], [4.0]),
    )
    task = _task(tmp_path, spec, "many_to_one")
    value = predict(task, ["3 20 5 30"])[0]["value"]
    scaled = torch.tensor([[[1.0, 2.0], [2.0, 4.0]]])  # (raw - shift) / scale
    expected = task.model({"x": scaled, "x_len": torch.tensor([2])})[0].item() * 4.0 + 100.0
    assert value == pytest.approx(expected, abs=1e-5)


def test_a_tagger_labels_every_token(tmp_path):
    tokens, tags = ["<pad>", "<unk>", "the", "dog", "runs"], ["DET", "NOUN", "VERB"]
    spec = Spec(
        Layout("sequence", "aligned"),
        "tokens",
        5,
        "class",
        3,
        input_vocab=tokens,
        target_vocab=tags,
        tokenization=Tokenization("word", lowercase=True),
    )
    task = _task(tmp_path, spec, "many_to_many")
    found = predict(task, ["The dog runs", "dog cat"])
    expected = task.model({"x": torch.tensor([[2, 3, 4]]), "x_len": torch.tensor([3])})[0]
    assert found[0]["tokens"] == ["the", "dog", "runs"]
    assert found[0]["labels"] == [tags[i] for i in expected[0].argmax(-1).tolist()]
    assert found[1]["tokens"] == ["dog", "<unk>"] and len(found[1]["labels"]) == 2


def test_the_recorded_tokenizer_is_used_for_text():
    tokens = ["<pad>", "<unk>", "i", "am", "cold", "."]
    spec = Spec(
        Layout("sequence", "single"),
        "tokens",
        6,
        "class",
        2,
        input_vocab=tokens,
        tokenization=Tokenization("word", lowercase=True, normalize="eng_fra"),
    )
    codec = TextCodec.for_input(spec)
    assert codec.encode("I  am COLD.") == [2, 3, 4, 5]
    assert codec.encode("I am hot") == [2, 3, 1]
    assert codec.decode([2, 3, 4, 5, 0]) == "i am cold ."
    spec.tokenization = Tokenization("word", lowercase=False, max_len=2)
    assert TextCodec.for_input(spec).encode("i am cold") == [2, 3]
    assert TextCodec.for_input(spec).encode("I am") == [1, 3]
    reverse = TextCodec(["<pad>", "1", "2", "+"], Tokenization("char", reverse=True))
    assert reverse.encode("12+1") == [1, 3, 2, 1]


def test_only_known_normalisers_run():
    with pytest.raises(ZooError, match="'os.system', which this zoo does not know"):
        TextCodec(["<pad>", "a"], Tokenization("char", normalize="os.system"))


def test_wrong_numbers_and_generative_models_are_refused(runs, tmp_path):
    with pytest.raises(
        ZooError, match="input line 1 has 3 numbers; this model reads a multiple of 2"
    ):
        predict(load_run(runs["regressor"]).task, ["1,2,3"])
    spec = Spec(
        Layout("single", "sequence"),
        "label",
        2,
        "tokens",
        6,
        bos_id=2,
        eos_id=3,
        input_vocab=["a", "b"],
        target_vocab=["<pad>", "<unk>", "<bos>", "<eos>", "x", "y"],
    )
    with pytest.raises(ZooError, match="topology=one_to_many .* use zoo-sample to generate"):
        predict(_task(tmp_path, spec, "one_to_many"), ["a"])


def test_zoo_predict_prints_one_line_per_input(runs, tmp_path, monkeypatch, capsys):
    (tmp_path / "names.txt").write_text("\n".join(NAMES) + "\n")
    expected = predict(load_run(runs["classifier"]).task, NAMES)
    proc = run_cli(
        "zoo-predict",
        f"ckpt_path={runs['classifier']}",
        f"input={tmp_path / 'names.txt'}",
        "format=json",
        cwd=tmp_path,
    )
    found = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [f["label"] for f in found] == [e["label"] for e in expected]
    assert [f["input"] for f in found] == NAMES
    monkeypatch.setattr(
        sys, "argv", ["zoo-predict", f"ckpt_path={runs['classifier']}", "input=Ivanov", "top=2"]
    )
    predict_cli.main()
    label, ranked = capsys.readouterr().out.strip().split("\t")
    assert label == expected[0]["label"] and ranked.startswith(f"{label}=")
    assert len(ranked.split("  ")) == 2


def test_a_path_that_names_no_file_is_an_error_and_long_text_is_text(tmp_path):
    for value in (str(tmp_path / "nmaes.txt"), "names.txt", "~/inputs"):
        with pytest.raises(ZooError, match="looks like a file, but there is no such file"):
            read_inputs(value)
    assert read_inputs("Dostoevsky") == ["Dostoevsky"]
    long = "word " * 2000 + "x" * 5000  # far longer than a file name may be
    assert read_inputs(long) == [long] and read_inputs("y" * 5000) == ["y" * 5000]


def test_a_binary_or_non_utf8_file_is_one_sentence(tmp_path):
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ZooError, match="image.png is a binary file, not text"):
        read_inputs(str(tmp_path / "image.png"))
    (tmp_path / "latin1.txt").write_bytes("café\nnaïve\n".encode("latin-1"))
    with pytest.raises(ZooError, match="latin1.txt is not UTF-8 text"):
        read_inputs(str(tmp_path / "latin1.txt"))


TREEBANK = ["<pad>", "<unk>", "john", "'s", "dog", "did", "n't", "run"]


def _tagger(tmp_path):
    spec = Spec(Layout("sequence", "aligned"), "tokens", len(TREEBANK), "class", 2,
                input_vocab=TREEBANK, target_vocab=["A", "B"],
                tokenization=Tokenization("word", lowercase=True))
    return _task(tmp_path, spec, "many_to_many")


def test_a_tagger_takes_pre_tokenised_input_as_its_treebank_cut_it(tmp_path):
    task = _tagger(tmp_path)
    line = "John 's dog did n't run"
    found = predict(task, [line], tokens="whitespace")[0]
    assert found["tokens"] == ["john", "'s", "dog", "did", "n't", "run"]
    assert "<unk>" in predict(task, [line])[0]["tokens"]  # the word tokenizer cuts 's apart
    with pytest.raises(ZooError, match="tokens='spaces' is not known"):
        predict(task, [line], tokens="spaces")


def test_input_of_unknown_tokens_only_is_a_warning(tmp_path, capsys):
    task = _tagger(tmp_path)
    predict(task, ["john runs", "zebra quagga okapi"])
    err = capsys.readouterr().err
    assert "input line 2: all 3 tokens are unknown to the model's vocabulary" in err
    assert "input line 1" not in err


def test_a_forecaster_given_fewer_steps_than_its_window_says_so(runs):
    task = load_run(runs["regressor"]).task  # 2 features a step
    with pytest.raises(ZooError, match="input line 1 has 2 steps; this forecaster was trained "
                                       "on windows of 5 \\(data.look_back\\)"):
        predict(task, ["1,0,2,1"], window=5)
    assert len(predict(task, ["1,0,2,1,3,0,4,0,5,0"], window=5)) == 1
    series = load_run(runs["regressor"])
    series.checkpoint[CONFIG_KEY] = {"data": {"format": "series", "look_back": 5}}
    assert predict_cli._window(series) == 5
    series.checkpoint[CONFIG_KEY] = {"data": {"format": "rows", "look_back": 5}}
    assert predict_cli._window(series) is None


def _fuzzed_inputs(tmp_path, seed: int) -> list[str]:
    """Seeded careless inputs: random bytes and text files, CSV-ish and tab lines, long
    strings, path-like words, control characters, numbers with junk."""
    rng = random.Random(seed)
    alphabet = "ab ,;\t\n0123456789.-eE/\\~\x00é€\U0001f600<>'\"" + "xyz" * 5
    found = []
    for i in range(40):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))
        if i % 4 == 0:
            path = tmp_path / f"fuzz{i}.txt"
            path.write_bytes(bytes(rng.randrange(256) for _ in range(rng.randint(0, 400)))
                             if i % 8 == 0 else text.encode("utf-8", "replace"))
            found.append(str(path))
        else:
            found.append(text)
    return [*found, "1e39,nan", "inf " * 10, "9" * 400, "a/" * 300, "-"]


@pytest.mark.parametrize("model", ["classifier", "regressor"])
def test_fuzzed_zoo_predict_inputs_raise_only_zoo_errors(runs, tmp_path, model, monkeypatch):
    task = load_run(runs[model]).task
    monkeypatch.setattr(sys, "stdin", io.StringIO("Ivanov\n1,2\n"))
    for value in _fuzzed_inputs(tmp_path, seed=7):
        try:
            predict(task, read_inputs(value))
        except ZooError as exc:
            assert "\n" not in str(exc).strip(), str(exc)
