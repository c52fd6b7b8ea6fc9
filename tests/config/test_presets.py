"""experiment=<preset>: every preset composes to its source's model and training settings, and
the presets whose data is generated or in ../shared/data train a batch end to end."""

from __future__ import annotations

import math
from pathlib import Path
from textwrap import dedent

import pytest
import torch
from conftest import SHARED_DATA, compose_train, train_quick
from omegaconf import OmegaConf

from zoo.config.conf_dir import config_dir
from zoo.errors import ZooError
from zoo.run.validate import validate

PRESETS = Path(config_dir()) / "experiment"
FASHION = Path("/usr/share/datasets/fashion-mnist")

# the source's settings, as the composed config must hold them (a subset of the config)
EXPECTED = {
    "keras_imdb_bilstm": """
        data: {name: imdb, num_words: 20000, maxlen: 200, truncating: pre, val_size: 0,
               batch_size: 32}
        topology: {name: many_to_one, embedding_dim: 128, embedding_init_range: 0.05,
                   summary: last, head: {units: []}}
        cell: {kind: lstm, hidden_size: 64, num_layers: 2, init: orthogonal, forget_bias: 1.0}
        direction: {bidirectional: true, merge: concat}
        optimizer: {_target_: torch.optim.Adam, lr: 1.0e-3}
        trainer: {max_epochs: 2, gradient_clip_val: null}
        callbacks: {model_checkpoint: {monitor: null}}
        optimized_metric: val/acc""",
    "keras_imdb_bilstm_dense": """
        data: {name: imdb, num_words: 10000, maxlen: 200, val_size: 0, batch_size: 32}
        topology: {embedding_dim: 128, head: {units: [128], activation: relu}}
        cell: {kind: lstm, hidden_size: 128, num_layers: 1}
        direction: {bidirectional: true}
        trainer: {max_epochs: 10}""",
    "imdb_bilstm_large": """
        data: {num_words: 30000, maxlen: 500, batch_size: 32}
        topology: {embedding_dim: 256}
        cell: {kind: lstm, hidden_size: 128, num_layers: 2}
        direction: {bidirectional: true}
        trainer: {max_epochs: 2}""",
    "mnist_rows_lstm": """
        data: {name: mnist, mode: rows, batch_size: 32}
        cell: {kind: lstm, hidden_size: 128, num_layers: 2, dropout: 0.2}
        direction: {bidirectional: false}
        topology: {summary: last, head: {units: [64], activation: relu, dropout: 0.2}}
        optimizer: {_target_: torch.optim.Adam, lr: 1.0e-3}
        trainer: {max_epochs: 3, gradient_clip_val: null}
        optimized_metric: val/acc""",
    "fashion_mnist_rows_lstm": """
        data: {name: fashion_mnist, mode: rows, batch_size: 32}
        cell: {kind: lstm, hidden_size: 128, num_layers: 2, dropout: 0.2}
        topology: {head: {units: [64], dropout: 0.2}}
        trainer: {max_epochs: 3}""",
    "names_classify_rnn": """
        data: {name: names, task: classify}
        cell: {kind: rnn, hidden_size: 128, num_layers: 1}
        topology: {name: many_to_one}
        optimizer: {_target_: torch.optim.SGD}""",
    "names_generate_rnn": """
        data: {name: names, task: generate}
        cell: {kind: rnn, hidden_size: 128}
        topology: {name: one_to_many, condition: input, head: {dropout: 0.1}}""",
    "shakespeare_charlm": """
        data: {name: shakespeare, seq_len: 50, batch_size: 50, stateful: true,
               val_size: 0.05, test_size: 0}
        cell: {kind: lstm, hidden_size: 128, num_layers: 2, dropout: 0.0, forget_bias: 1.0}
        topology: {name: many_to_many}
        optimizer: {_target_: torch.optim.RMSprop, lr: 2.0e-3, alpha: 0.95}
        scheduler: {fn: {gamma: 0.97}}
        trainer: {max_epochs: 50, gradient_clip_val: 5.0, gradient_clip_algorithm: value}
        tbptt_steps: null""",
    "addition_seq2seq": """
        data: {name: addition, digits: 3, reverse: true, n_train: 45000, n_val: 5000,
               batch_size: 32}
        cell: {kind: lstm, hidden_size: 128}
        direction: {bidirectional: false}
        topology: {name: seq2seq, attention: none, condition: input}
        optimizer: {_target_: torch.optim.Adam, lr: 1.0e-3}
        trainer: {max_epochs: 30}""",
    "eng_fra_attention": """
        data: {name: eng_fra, swap_columns: true, max_len: 9, batch_size: 32}
        cell: {kind: gru, hidden_size: 128}
        topology: {name: seq2seq, attention: bahdanau, embedding_dim: 128,
                   embedding_dropout: 0.1}
        optimizer: {_target_: torch.optim.Adam, lr: 1.0e-3}
        trainer: {max_epochs: 80}
        bleu: true
        bleu_beam: 5""",
    "airline_gru": """
        data: {name: airline, look_back: 1, batch_size: 1, scale: minmax}
        cell: {kind: gru, hidden_size: 4}
        topology: {name: many_to_one}
        trainer: {max_epochs: 100}
        optimized_metric: val/rmse
        optimized_mode: min""",
    "adding_cells": """
        data: {name: adding, T: 100}
        topology: {name: many_to_one}""",
    "copy_memory_cells": """
        data: {name: copy_memory, T: 100}
        topology: {name: many_to_many}""",
    "csv_lstm_binary": """
        data: {name: csv, format: rows, target: class}
        cell: {kind: lstm, hidden_size: 64}
        topology: {name: many_to_one}""",
    "gradient_lab": """
        data: {name: adding}
        topology: {name: many_to_one}
        callbacks: {gradient_flow: {_target_: zoo.callbacks.gradient_flow.GradientFlow}}
        optimized_metric: val/mse""",
    "tagger_bilstm": """
        data: {name: tagging, min_freq: 2}
        cell: {kind: lstm, hidden_size: 128}
        direction: {bidirectional: true}
        topology: {name: many_to_many, embedding_dropout: 0.3, head: {input_dropout: 0.3}}
        optimizer: {_target_: torch.optim.Adam, lr: 5.0e-3}
        optimized_metric: val/acc""",
}
SWEEPS = {"adding_cells", "copy_memory_cells", "gradient_lab"}
# data a preset reads from ../shared/data; the others generate theirs or need a user file
SHARED = {
    "keras_imdb_bilstm": "imdb",
    "imdb_bilstm_large": "imdb",
    "keras_imdb_bilstm_dense": "imdb",
    "mnist_rows_lstm": "mnist",
    "names_classify_rnn": "names",
    "names_generate_rnn": "names",
    "shakespeare_charlm": "tinyshakespeare",
    "eng_fra_attention": "eng-fra",
    "airline_gru": "airline-passengers",
}
# the IMDB archive takes minutes to process
SLOW = {"keras_imdb_bilstm", "imdb_bilstm_large", "keras_imdb_bilstm_dense"}
KERAS_IMDB_PARAMS = 2_757_761 + 4 * 4 * 64 + 129
# Keras: 1,280,000 + 263,168 + 32,896 + 129; torch's second LSTM bias (+2 * 4 * 128) and the
# 2-class softmax (+129)
KERAS_IMDB_DENSE_PARAMS = 1_576_193 + 2 * 4 * 128 + 129
QUICK_RUN = ["trainer.fast_dev_run=true", "~callbacks.samples", "~callbacks.confusion_matrix"]


def flat(node, prefix=""):
    """(dotted key, value) of every leaf of a config tree."""
    for key, value in node.items():
        if OmegaConf.is_dict(value):
            yield from flat(value, f"{prefix}{key}.")
        else:
            yield (
                f"{prefix}{key}",
                OmegaConf.to_object(value) if OmegaConf.is_list(value) else value,
            )


def composed(name: str, tmp_path: Path, *overrides: str):
    return compose_train([f"experiment={name}", *overrides], tmp_path)


def test_every_preset_is_covered():
    assert {p.stem for p in PRESETS.glob("*.yaml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preset_composes_to_its_source_settings(name, tmp_path):
    text = (PRESETS / f"{name}.yaml").read_text()
    assert text.startswith("# @package _global_")
    assert "/work/" not in text and "/home/" not in text  # data.root comes from the user
    cfg = composed(name, tmp_path)
    validate(cfg)
    for key, value in flat(OmegaConf.create(dedent(EXPECTED[name]))):
        assert OmegaConf.select(cfg, key) == value, key
    assert cfg.optimized_metric.startswith("val/")
    assert cfg.optimized_mode in ("min", "max")
    assert cfg.data.get("root") is None and cfg.data.get("path") is None


@pytest.mark.parametrize("name", sorted(SWEEPS))
def test_sweep_presets_cover_four_cells_and_three_seeds(name, tmp_path):
    sweeper = OmegaConf.load(PRESETS / f"{name}.yaml").hydra.sweeper.params
    assert sweeper.cell.split(",") == ["rnn", "irnn", "lstm", "gru"]
    assert sweeper.seed.split(",") == ["0", "1", "2"]


def test_gradient_lab_sweeps_four_cells_three_lengths_three_seeds_with_gradient_flow(tmp_path):
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    params = OmegaConf.load(PRESETS / "gradient_lab.yaml").hydra.sweeper.params
    parsed = OverridesParser.create().parse_overrides([f"{k}={v}" for k, v in params.items()])
    [jobs] = BasicSweeper.split_arguments(parsed, max_batch_size=None)
    assert len(jobs) == 4 * 3 * 3
    assert {tuple(job) for job in jobs} >= {("cell=rnn", "data.T=200", "seed=2")}
    cfg = composed("gradient_lab", tmp_path, "cell=rnn", "data.T=200", "seed=2")
    validate(cfg)
    assert (cfg.cell.kind, cfg.cell.nonlinearity, cfg.data.T, cfg.seed) == ("rnn", "tanh", 200, 2)
    assert "gradient_flow" in cfg.callbacks


@pytest.mark.parametrize(("name", "words", "expected"), [
    ("keras_imdb_bilstm", 20000, KERAS_IMDB_PARAMS),
    ("keras_imdb_bilstm_dense", 10000, KERAS_IMDB_DENSE_PARAMS),
])
def test_keras_imdb_parameter_count_matches_the_keras_model(name, words, expected):
    """Keras's summary counts 2,757,761 (keras_imdb_bilstm); torch's LSTMs keep two bias
    vectors (+4*H per direction and layer) and the 2-class softmax has one more output unit."""
    from zoo.spec import Layout, Spec
    from zoo.topologies import build_model

    cfg = compose_train([f"experiment={name}"], Path("/tmp/unused"))
    spec = Spec(Layout("sequence", "single"), "tokens", words, "class", 2, pad_id=0)
    model = build_model(spec, cfg.cell, cfg.direction, cfg.topology)
    params = sum(p.numel() for p in model.parameters())
    assert params == expected


def test_keras_imdb_embedding_starts_as_keras_uniform():
    """U(-0.05, 0.05) as Keras's Embedding (torch's N(0, 1) trained to val/acc 0.76, not 0.84)."""
    from zoo.spec import Layout, Spec
    from zoo.topologies import build_model

    cfg = compose_train(["experiment=keras_imdb_bilstm"], Path("/tmp/unused"))
    spec = Spec(Layout("sequence", "single"), "tokens", 20000, "class", 2, pad_id=0)
    weight = build_model(spec, cfg.cell, cfg.direction, cfg.topology).input.embed.weight
    assert weight[1:].abs().max() <= 0.05 and weight[1:].std() > 0.025
    assert not weight[0].any()  # the padding row stays zero


def test_addition_decoder_gets_the_encoder_state_at_every_step_as_keras_repeatvector():
    from zoo.spec import Layout, Spec
    from zoo.topologies import build_model

    cfg = compose_train(["experiment=addition_seq2seq"], Path("/tmp/unused"))
    spec = Spec(Layout("sequence", "sequence"), "tokens", 16, "tokens", 16, bos_id=2, eos_id=3)
    model = build_model(spec, cfg.cell, cfg.direction, cfg.topology)
    assert model.decoder.rnn.layers[0].input_size == 16 + 128  # embedding + encoder state
    assert not hasattr(model, "bridge")  # the decoder starts from zeros
    state = model.start({"x": torch.randint(4, 16, (3, 7)), "x_len": torch.tensor([7, 5, 2])})
    assert state.extra.shape == (3, 128) and not state.rnn[0].any()


def test_seq2seq_refuses_an_unknown_condition(tmp_path):
    from zoo.spec import Layout, Spec
    from zoo.topologies import build_model

    cfg = compose_train(["experiment=addition_seq2seq", "topology.condition=repeat"], tmp_path)
    spec = Spec(Layout("sequence", "sequence"), "tokens", 16, "tokens", 16, bos_id=2, eos_id=3)
    with pytest.raises(ZooError, match="topology.condition='repeat'"):
        build_model(spec, cfg.cell, cfg.direction, cfg.topology)


def test_csv_lstm_binary_trains_on_a_csv_file(tmp_path):
    rows = [",".join(f"{(i * j) % 7 / 7:.3f}" for j in range(8)) + f",{i % 2}" for i in range(60)]
    path = tmp_path / "sequences.csv"
    path.write_text("\n".join(rows) + "\n")
    metrics, _ = train_quick(
        ["experiment=csv_lstm_binary", f"data.path={path}", *QUICK_RUN], tmp_path
    )
    assert 0.0 <= metrics["test/acc"] <= 1.0


def _quick_presets():
    for name in sorted(EXPECTED):
        if name in ("csv_lstm_binary", "fashion_mnist_rows_lstm", "tagger_bilstm"):  # own tests
            continue
        marks = [pytest.mark.slow] if name in SLOW else []
        yield pytest.param(name, marks=marks)


@pytest.mark.parametrize("name", list(_quick_presets()))
def test_preset_trains_one_batch(name, tmp_path, request):
    overrides = [f"experiment={name}", *QUICK_RUN]
    if name in SHARED:
        root = request.getfixturevalue("shared_data") / SHARED[name]
        overrides.append(f"data.root={root}")
    metrics, params = train_quick(overrides, tmp_path)
    assert metrics and all(math.isfinite(v) for v in metrics.values())
    assert any(k.startswith("test/") for k in metrics), metrics
    assert composed(name, tmp_path / "cfg").optimized_metric in metrics  # the sweep objective
    if name == "mnist_rows_lstm":  # Keras: 220,874; torch keeps a second LSTM bias vector
        assert params == 220_874 + 2 * 4 * 128
    if name == "keras_imdb_bilstm":  # the vocabulary is num_words, as Keras's Embedding
        assert params == KERAS_IMDB_PARAMS


@pytest.mark.skipif(not FASHION.is_dir(), reason="Debian's dataset-fashion-mnist is absent")
def test_fashion_mnist_preset_trains_one_batch(tmp_path):
    metrics, params = train_quick(["experiment=fashion_mnist_rows_lstm", *QUICK_RUN], tmp_path)
    assert params == 220_874 + 2 * 4 * 128
    assert math.isfinite(metrics["test/acc"])


def test_shared_data_presets_name_existing_folders():
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    assert all((SHARED_DATA / folder).is_dir() for folder in SHARED.values())
