"""data=eng_fra: Tatoeba English-French pairs prepared as in the PyTorch seq2seq tutorial."""

from __future__ import annotations

import zipfile
from collections import Counter

import pytest
from conftest import datamodule, train_quick

from zoo.data.datasets.eng_fra import URL, EngFra, normalize
from zoo.data.padding import utf8_texts
from zoo.errors import ZooError
from zoo.spec import Layout, Tokenization

ATTRIBUTION = "CC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #1158250 (Wittydev)"
LINES = [
    "Go.\tVa !",
    "I'm cold.\tJ'ai froid.",
    "I am sad.\tJe suis triste.",
    "He's tall.\tIl est grand.",
    "She is happy.\tElle est heureuse.",
    "We're late.\tNous sommes en retard.",
    "They are here.\tIls sont là.",
    "You are right.\tVous avez raison.",
    "I am not going to tell you what happened yesterday.\tJe ne vais pas te dire ce qui "
    "s'est passé hier.",
    "He is a teacher.\tC'est un professeur.",
]
TUTORIAL = [
    "i am ",
    "i m ",
    "he is",
    "he s ",
    "she is",
    "she s ",
    "you are",
    "you re ",
    "we are",
    "we re ",
    "they are",
    "they re ",
]


@pytest.fixture
def fra_zip(tmp_path):
    """manythings.org's layout: fra-eng.zip holding fra.txt (three fields) and _about.txt."""
    path = tmp_path / "fra-eng.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("_about.txt", "Tab-delimited bilingual sentence pairs.\n")
        z.writestr("fra.txt", "".join(f"{line}\t{ATTRIBUTION}\n" for line in LINES))
    return path


def made(**options) -> EngFra:
    dm = datamodule("eng_fra", **options)
    dm.setup()
    return dm


def pairs(dm, split=None):
    spec, found = dm.spec, []
    join = spec.tokenization.join
    for name in [split] if split else ["train", "val", "test"]:
        t = dm.splits[name].tensors
        for x, n, y, m in zip(t["x"], t["x_len"], t["y"], t["y_len"], strict=True):
            assert y[m - 1] == spec.eos_id
            found.append(
                (
                    join.join(spec.input_vocab[i] for i in x[:n]),
                    join.join(spec.target_vocab[i] for i in y[: m - 1]),
                )
            )
    return found


def test_normalisation_is_the_tutorials():
    assert normalize("Va !") == "va !"
    assert normalize("J'ai froid.") == "j ai froid ."
    assert normalize("Ça alors\u202f!") == "ca alors !"
    assert normalize(" Où est-il ? ") == "ou est il ?"


def test_tutorial_filters_keep_short_pairs_starting_with_a_prefix(fra_zip):
    dm = datamodule("eng_fra",
        root=str(fra_zip.parent),
        seed=0,
        prefixes=TUTORIAL,
        max_len=9,
        val_size=0.2,
        test_size=0.2,
    )
    spec = dm.spec
    assert spec.layout == Layout("sequence", "sequence")
    assert (spec.input_kind, spec.target_kind) == ("tokens", "tokens")
    assert spec.target_vocab[spec.bos_id] == "<bos>"
    got = set(pairs(dm))
    words = {
        ("i m cold .", "j ai froid ."),
        ("i am sad .", "je suis triste ."),
        ("he s tall .", "il est grand ."),
        ("she is happy .", "elle est heureuse ."),
        ("we re late .", "nous sommes en retard ."),
        ("they are here .", "ils sont la ."),
        ("you are right .", "vous avez raison ."),
        ("he is a teacher .", "c est un professeur ."),
    }
    # unknown words of val/test sentences read <unk>; train sentences read back whole
    assert set(pairs(dm, "train")) <= words
    assert len(got) == len(words)


def test_no_filters_keep_every_pair_and_swap_columns_swaps_the_sides(fra_zip):
    options = dict(
        root=str(fra_zip),
        seed=0,
        prefixes=None,
        max_len=None,
        val_size=0.1,
        test_size=0.1,
    )
    forward, backward = made(**options), made(**options, swap_columns=True)
    assert sum(len(s) for s in forward.splits.values()) == len(LINES)
    swapped = [(y, x) for x, y in pairs(forward, "train")]
    assert pairs(backward, "train") == swapped
    assert ("go .", "va !") in pairs(forward) and ("va !", "go .") in pairs(backward)


def test_split_sizes_may_be_counts_of_pairs(fra_zip):
    """data.val_size/test_size: 2 pairs each is the same seeded cut as a fifth of 10 each."""
    options = dict(root=str(fra_zip), seed=0, prefixes=None, max_len=None)
    counted, shares = made(**options, val_size=2, test_size=2), made(**options, val_size=0.2,
                                                                      test_size=0.2)
    for split in ("train", "val", "test"):
        assert pairs(counted, split) == pairs(shares, split)
    assert [len(counted.splits[s]) for s in ("train", "val", "test")] == [6, 2, 2]


def test_max_len_keeps_sides_of_at_most_that_many_words(fra_zip):
    """max_len=N keeps a pair whose longer side has N words (the tutorial's MAX_LENGTH = 10,
    "fewer than 10", is max_len=9). The longest pair has a 13-word French side; "we re late ."
    and "he is a teacher ." have 5 words on one side."""
    options = dict(root=str(fra_zip), seed=0, prefixes=None, val_size=0.1, test_size=0.1)
    kept = {n: sum(len(s) for s in made(**options, max_len=n).splits.values())
            for n in (4, 5, 12, 13)}
    assert kept == {4: len(LINES) - 3, 5: len(LINES) - 1, 12: len(LINES) - 1, 13: len(LINES)}


def test_character_level_and_min_freq(fra_zip):
    options = dict(
        root=str(fra_zip),
        seed=0,
        prefixes=None,
        max_len=None,
        val_size=0.1,
        test_size=0.1,
    )
    chars = made(**options, level="char")
    assert chars.spec.tokenization.level == "char" and chars.spec.tokenization.join == ""
    assert chars.spec.tokenization == Tokenization("char", normalize="eng_fra")
    assert all(len(t) == 1 for t in chars.spec.input_vocab[2:])
    counts = Counter(w for x, _ in pairs(made(**options), "train") for w in x.split())
    rare = made(**options, min_freq=2)
    assert set(rare.spec.input_vocab[2:]) == {w for w, c in counts.items() if c >= 2}


@pytest.mark.parametrize("swap", [False, True])
def test_held_out_pairs_carry_the_target_as_written_for_sacrebleu(fra_zip, swap):
    dm = made(root=str(fra_zip), seed=0, prefixes=None, max_len=None, val_size=3, test_size=3,
              swap_columns=swap)
    side = 0 if swap else 1
    written = {line.split("\t")[side] for line in LINES}
    for split in ("val", "test"):
        t = dm.splits[split].tensors
        texts = utf8_texts(t["y_text"], t["y_text_len"])
        assert len(texts) == 3 and set(texts) <= written  # "Ils sont là.", not "ils sont la ."
        # each text is its own example's: as many words as its target once normalised
        assert [len(normalize(text).split()) for text in texts] == (t["y_len"] - 1).tolist()
    assert "y_text" not in dm.splits["train"].tensors


def test_a_plain_fra_txt_is_read_too(tmp_path):
    (tmp_path / "fra.txt").write_text("\n".join(LINES) + "\n", encoding="utf-8")
    dm = made(root=str(tmp_path), seed=0, prefixes=None, max_len=None)
    assert sum(len(s) for s in dm.splits.values()) == len(LINES)


def test_a_line_without_a_tab_is_named(tmp_path):
    (tmp_path / "fra.txt").write_text("Go.\tVa !\nHello there\n", encoding="utf-8")
    with pytest.raises(ZooError, match=r"fra\.txt, line 2: expected English<TAB>French"):
        datamodule("eng_fra", root=str(tmp_path), seed=0).setup()


def test_filters_that_leave_nothing_say_what_to_loosen(fra_zip):
    with pytest.raises(ZooError, match="loosen data.max_len/data.prefixes"):
        datamodule("eng_fra", root=str(fra_zip), seed=0, prefixes=["zz "]).setup()


def test_without_root_it_downloads_the_anki_zip(monkeypatch, fra_zip, tmp_path):
    calls = []

    def fetch(name, url, known_hash, cache_dir, filename=None):
        calls.append((url, filename))
        return fra_zip

    monkeypatch.setattr("zoo.data.files.seed_source.fetch", fetch)
    dm = made(seed=0, cache_dir=str(tmp_path / "cache"), prefixes=None, max_len=None)
    assert sum(len(s) for s in dm.splits.values()) == len(LINES)
    assert calls == [(URL, "fra-eng.zip")]


def test_missing_local_copy_says_where_it_looked(tmp_path):
    with pytest.raises(ZooError, match=r"fra-eng\.zip.*data\.root="):
        datamodule("eng_fra", root=str(tmp_path), seed=0).setup()


def test_shared_copy_with_the_tutorial_filters(shared_data):
    dm = made(root=str(shared_data / "eng-fra"), seed=0, prefixes=TUTORIAL, max_len=9)
    assert sum(len(s) for s in dm.splits.values()) == 10922


@pytest.mark.slow
def test_shared_copy_has_142787_pairs(shared_data):
    dm = made(root=str(shared_data / "eng-fra"), seed=0, prefixes=None, max_len=None)
    assert sum(len(s) for s in dm.splits.values()) == 142787


@pytest.mark.slow
def test_seq2seq_learns_to_translate(shared_data, tmp_path):
    metrics, _ = train_quick(
        [
            "data=eng_fra",
            f"data.root={shared_data / 'eng-fra'}",
            "topology=seq2seq",
            "cell=gru",
            "cell.hidden_size=128",
            "trainer.max_epochs=5",
            "optimizer.lr=0.003",
        ],
        tmp_path,
    )
    # about 4,000 target words: a uniform guess has a perplexity of 4,000
    assert metrics["test/ppl"] < 30
