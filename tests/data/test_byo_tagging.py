"""data=tagging: one tag per token from CoNLL-U or token<TAB>tag files."""

from __future__ import annotations

import random

import pytest
from conftest import compose_train, datamodule, train_quick

from zoo.errors import ZooError
from zoo.run.validate import validate

pytestmark = pytest.mark.usefixtures("one_thread")

WORDS = {
    "DET": ["the", "a"],
    "ADJ": ["big", "red", "old"],
    "NOUN": ["cat", "dog", "tree"],
    "VERB": ["sees", "likes"],
}
PATTERN = ["DET", "ADJ", "NOUN", "VERB", "DET", "NOUN"]


def sentences(n, seed=0):
    rng = random.Random(seed)
    return [
        [(rng.choice(WORDS[tag]), tag) for tag in PATTERN[: rng.randint(3, 6)]] for _ in range(n)
    ]


def conllu_token(i, word, tag):
    return f"{i}\t{word}\t{word}\t{tag}\t{tag.lower()}x\t_\t0\tdep\t_\t_"


def write_conllu(path, n=200):
    """With comments, a multiword range and an empty node, which must be skipped."""
    blocks = []
    for s, sentence in enumerate(sentences(n)):
        lines = [
            f"# sent_id = {s}",
            f"# text = {' '.join(w for w, _ in sentence)}",
            "1-2\tmerged\t_\t_\t_\t_\t_\t_\t_\t_",
        ]
        lines += [conllu_token(i, w, t) for i, (w, t) in enumerate(sentence, 1)]
        lines.append("1.1\tghost\t_\tX\t_\t_\t_\t_\t_\t_")
        blocks.append("\n".join(lines) + "\n")
    path.write_text("\n".join(blocks))
    return path


def test_conllu_reads_forms_and_upos_skipping_ranges_and_empty_nodes(tmp_path):
    dm = datamodule("tagging", path=str(write_conllu(tmp_path / "train.conllu")), seed=0)
    spec = dm.spec
    assert spec.layout.target == "aligned" and not spec.layout.causal
    assert set(spec.target_vocab) == {"DET", "ADJ", "NOUN", "VERB"}  # no X from empty nodes
    assert "merged" not in spec.input_vocab and "ghost" not in spec.input_vocab
    train = dm.splits["train"].tensors
    n = int(train["x_len"][0])
    words = [spec.input_vocab[i] for i in train["x"][0, :n]]
    tags = [spec.target_vocab[i] for i in train["y"][0, :n]]
    assert tags == PATTERN[:n] and all(w in WORDS[t] for w, t in zip(words, tags, strict=True))
    assert train["y"].shape == train["x"].shape


def test_another_tag_column(tmp_path):
    dm = datamodule("tagging",
                    path=str(write_conllu(tmp_path / "t.conllu", n=20)), tag_column="xpos", seed=0)
    assert set(dm.spec.target_vocab) == {"detx", "adjx", "nounx", "verbx"}


def test_two_column_format(tmp_path):
    path = tmp_path / "ner.tsv"
    path.write_text("\n\n".join("\n".join(f"{w}\t{t}" for w, t in s) for s in sentences(30)))
    dm = datamodule("tagging", path=str(path), format="two_column", seed=0)
    assert set(dm.spec.target_vocab) == {"DET", "ADJ", "NOUN", "VERB"}
    assert sum(len(d) for d in dm.splits.values()) == 30


@pytest.mark.parametrize(
    ("fmt", "content", "line", "words"),
    [
        ("conllu", "# c\n1\tThe\tthe\tDET\n", 2, "has 4 tab-separated columns"),
        ("two_column", "The\tDET\ncat NOUN\n", 2, "needs token<TAB>tag"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path, fmt, content, line, words):
    path = tmp_path / "bad.txt"
    path.write_text(content)
    with pytest.raises(ZooError, match=f"bad.txt, line {line}: .*{words}"):
        datamodule("tagging", path=str(path), format=fmt).setup()


def test_unknown_tag_column_is_refused(tmp_path):
    with pytest.raises(ZooError, match="data.tag_column='pos'"):
        datamodule("tagging",
                   path=str(write_conllu(tmp_path / "t.conllu", n=5)), tag_column="pos").setup()


def test_tagging_allows_a_bidirectional_model(tmp_path):
    cfg = compose_train(["data=tagging", "topology=many_to_many", "direction=bi"], tmp_path)
    assert validate(cfg).target == "aligned"


def test_bidirectional_tagger_learns(tmp_path):
    path = write_conllu(tmp_path / "train.conllu")
    metrics, _ = train_quick(
        [
            "data=tagging",
            f"data.path={path}",
            "topology=many_to_many",
            "direction=bi",
            "trainer=cpu",
            "cell.hidden_size=32",
            "optimizer.lr=0.01",
            "trainer.max_epochs=3",
        ],
        tmp_path,
    )
    assert metrics["test/acc"] > 0.9  # the most frequent tag covers about a third


def test_tagger_preset_trains_and_logs_the_most_frequent_tag_baseline(tmp_path):
    path = write_conllu(tmp_path / "train.conllu", n=60)
    metrics, _ = train_quick(
        ["experiment=tagger_bilstm", f"data.path={path}", "trainer.max_epochs=1",
         "cell.hidden_size=8"],
        tmp_path,
    )
    # every word has one tag here, so the most frequent tag per token is always right
    assert metrics["test/baseline_acc"] == 1.0 and metrics["val/baseline_acc"] == 1.0
    assert 0.0 <= metrics["test/acc"] <= 1.0
