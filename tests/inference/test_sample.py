"""zoo-sample and generation: a language model continues its prompt with its state carried,
one_to_many spells a sequence for a named condition, seq2seq translates a source text; the
samples callback logs generated text during validation; a model that cannot generate and an
unknown condition are refused with one sentence."""

from __future__ import annotations

import sys

import pytest
import torch
from conftest import compose_train, run_cli, train_quick

from zoo.cli import sample as sample_cli
from zoo.errors import ZooError
from zoo.inference.sampling import generate_after_prefix, sample_texts
from zoo.run.checkpoints import load_run
from zoo.run.train import build_task
from zoo.spec import Layout, Spec, Tokenization

TINY = ["trainer.max_epochs=1", "cell.hidden_size=16", "topology.embedding_dim=8"]
RUSSIAN = ["Ivanov", "Petrov", "Smirnov", "Volkov", "Sokolov", "Popov", "Lebedev", "Kozlov"]
ENGLISH = ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Roberts"]
TEXT = "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n"
PAIRS = [
    ("I am cold.", "J'ai froid."),
    ("I am tired.", "Je suis fatigue."),
    ("He is tall.", "Il est grand."),
    ("We are late.", "Nous sommes en retard."),
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """Tiny trained runs of every generating topology, and one that cannot generate."""
    root = tmp_path_factory.mktemp("sample")
    names = root / "names"
    names.mkdir()
    (names / "Russian.txt").write_text("\n".join(RUSSIAN * 3))
    (names / "English.txt").write_text("\n".join(ENGLISH * 3))
    (root / "input.txt").write_text(TEXT * 10)
    (root / "fra.txt").write_text("\n".join(f"{e}\t{f}" for e, f in PAIRS * 5) + "\n")
    text, pairs = root / "input.txt", root / "fra.txt"
    found = {
        "one_to_many": f"data=names data.root={names} data.task=generate topology=one_to_many "
        "logger=csv trainer.max_epochs=2 callbacks.samples.max_len=12",
        "language_model": f"data=shakespeare data.root={text} data.seq_len=16 "
        "data.batch_size=4 data.val_size=0.2 data.test_size=0.2 topology=many_to_many",
        "seq2seq": f"data=eng_fra data.root={pairs} data.prefixes=null topology=seq2seq",
        "many_to_one": "data=adding data.T=5 data.n_train=32 data.n_val=16 data.n_test=16",
    }
    for name, overrides in found.items():
        train_quick(TINY + overrides.split(), root / name)
        found[name] = root / name
    return found


def test_a_language_model_continues_its_prompt_as_the_whole_model_would(runs):
    model = load_run(runs["language_model"]).task.model
    prompt = torch.tensor([[5, 9, 7, 3, 11]])
    found = model.generate({"x": prompt}, max_len=12, greedy=True)[0]
    seq = prompt
    for _ in range(12):  # reference: re-read the whole sequence for every next token
        logits, _ = model({"x": seq})
        seq = torch.cat([seq, logits[:, -1].argmax(-1, keepdim=True)], 1)
    assert found == seq[0, prompt.size(1) :].tolist()


def test_language_model_samples_start_with_the_prompt_and_follow_the_seed(runs):
    task = load_run(runs["language_model"]).task
    texts = sample_texts(task, prompt="Speak", n=3, max_len=15, seed=4)
    assert len(texts) == 3 and all(t.startswith("Speak") for t in texts)
    assert sample_texts(task, prompt="Speak", n=3, max_len=15, seed=4) == texts
    assert sample_texts(task, prompt="Speak", n=3, max_len=15, seed=5) != texts


def test_one_to_many_generates_for_a_named_condition_and_a_given_start(runs):
    run = load_run(runs["one_to_many"])
    model, spec = run.task.model, run.task.spec
    russian = spec.input_vocab.index("Russian")
    batch = {"x": torch.tensor([russian])}
    whole = generate_after_prefix(model, batch, [], max_len=20, temperature=0)[0]
    k = len(whole) // 2
    rest = generate_after_prefix(model, batch, whole[:k], max_len=20 - k, temperature=0)[0]
    assert rest == whole[k:]
    texts = sample_texts(run.task, condition="russian", n=4, seed=1)  # any letter case
    assert len(texts) == 4 and texts == sample_texts(run.task, condition="Russian", n=4, seed=1)


def test_seq2seq_translates_the_prompt_as_its_greedy_decoder_does(runs):
    run = load_run(runs["seq2seq"])
    spec = run.task.spec
    source = [spec.input_vocab.index(w) for w in "i am cold .".split()]
    batch = {"x": torch.tensor([source]), "x_len": torch.tensor([len(source)])}
    ids = run.task.model.generate(batch, max_len=30, greedy=True)[0]
    words = [spec.target_vocab[i] for i in ids if not spec.target_vocab[i].startswith("<")]
    assert (
        sample_texts(run.task, prompt="I am cold.", temperature=0, max_len=30)
        == [" ".join(words)] * 5
    )
    assert len(sample_texts(run.task, prompt="I am cold.", beam=3, n=5)) == 1


def test_a_checkpoint_round_trips_its_spec(runs):
    """The Spec a checkpoint holds reads back as the run's own."""
    run = load_run(runs["seq2seq"])
    saved = run.checkpoint["hyper_parameters"]["spec"]
    assert run.spec.to_dict() == saved and Spec.from_dict(saved) == run.spec
    assert run.spec.tokenization == Tokenization("word", normalize="eng_fra")


def test_samples_are_logged_every_validation_epoch(runs):
    lines = (runs["one_to_many"] / "samples.txt").read_text().splitlines()
    headers = [line.split(", ")[1] for line in lines if line.startswith("# val/samples")]
    # and "epoch 2" when validating the best checkpoint, unless it is the last epoch's
    best_is_last = (runs["one_to_many"] / "checkpoints" / "best-epoch001.ckpt").is_file()
    assert headers == ["epoch 0", "epoch 1", *([] if best_is_last else ["epoch 2"])]
    rows = [line.split("\t") for line in lines if not line.startswith("#")]
    assert len(rows) == 4 * len(headers) and {r[1] for r in rows} <= {"Russian", "English"}


def test_unknown_or_missing_conditions_list_the_valid_ones(runs):
    task = load_run(runs["one_to_many"]).task
    with pytest.raises(ZooError, match="'Klingon' is not one of .*: English, Russian"):
        sample_texts(task, condition="Klingon")
    with pytest.raises(ZooError, match="give condition=<one of: English, Russian>"):
        sample_texts(task)


def test_a_model_that_cannot_generate_is_refused_in_one_sentence(runs, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["zoo-sample", f"ckpt_path={runs['many_to_one']}"])
    with pytest.raises(SystemExit) as exit_:
        sample_cli.main()
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "topology=many_to_one" in err
    assert "cannot generate" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "name, options",
    [
        ("one_to_many", {"condition": "Russian", "n": 3, "seed": 2}),
        ("language_model", {"prompt": "All:", "n": 1, "max_len": 12, "temperature": 0}),
        ("seq2seq", {"prompt": "he is tall .", "beam": 3}),
    ],
)
def test_zoo_sample_prints_one_sample_a_line(runs, name, options, monkeypatch, capsys):
    args = [f"{key}={value}" for key, value in options.items()]
    monkeypatch.setattr(sys, "argv", ["zoo-sample", f"ckpt_path={runs[name]}", *args])
    sample_cli.main()
    expected = sample_texts(load_run(runs[name]).task, **options)
    separator = "\n\n" if any("\n" in text for text in expected) else "\n"
    assert capsys.readouterr().out == separator.join(expected) + "\n"


def test_zoo_sample_runs_from_the_command_line(runs, tmp_path):
    proc = run_cli(
        "zoo-sample", f"ckpt_path={runs['one_to_many']}", "condition=English", "n=2", cwd=tmp_path
    )
    task = load_run(runs["one_to_many"]).task
    assert proc.stdout.splitlines() == sample_texts(task, condition="English", n=2)


def test_a_prompt_of_unknown_characters_only_is_a_warning(tmp_path, capsys):
    chars = ["<pad>", "<unk>", "<eos>", "a", "b", " "]
    spec = Spec(Layout("sequence", "aligned", causal=True), "tokens", len(chars), "tokens",
                len(chars), eos_id=2, input_vocab=chars, target_vocab=chars,
                tokenization=Tokenization("char"))
    cfg = compose_train(["topology=many_to_many", "cell.hidden_size=8"], tmp_path)
    task = build_task(cfg, spec).eval()
    sample_texts(task, prompt="ab", n=1, max_len=3)
    assert "warning" not in capsys.readouterr().err
    sample_texts(task, prompt="xyz!", n=1, max_len=3)
    assert "the prompt: all 4 tokens are unknown to the model's vocabulary" in \
        capsys.readouterr().err
