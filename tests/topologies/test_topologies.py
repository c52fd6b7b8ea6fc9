"""Topologies on the real configs: padding never changes a result, decoders produce logits of
the right shape, teacher-forced decoding equals step-by-step decoding, and generation (greedy,
beam, max_len, end token) behaves."""

from __future__ import annotations

import pytest
import torch
from conftest import group_option
from omegaconf import OmegaConf

from zoo.spec import Layout, Spec
from zoo.topologies import build_model
from zoo.topologies.decoder_state import DecoderState
from zoo.topologies.decoding import beam_search, sample

CELLS = ["rnn", "rnn_relu", "irnn", "lstm", "gru", "mingru", "minlstm"]
VOCAB, TARGETS, BOS, EOS = 20, 12, 2, 3
SOURCE_LENGTHS = [6, 2, 4]


def config(group, name, **overrides):
    return group_option(group, name, **overrides)


def cell(name, **overrides):
    return config("cell", name, hidden_size=6, **overrides)


def direction(bidirectional=True, merge="concat"):
    return OmegaConf.create({"bidirectional": bidirectional, "merge": merge})


def model_for(spec, cell_cfg, direction_cfg, topology, **overrides):
    cfg = config("topology", topology, embedding_dim=5, **overrides)
    torch.manual_seed(0)
    return build_model(spec, cell_cfg, direction_cfg, cfg).double().eval()


def tokens(lengths, vocab=VOCAB, seed=0):
    """Token ids (B, T); the padded steps hold real tokens, not the pad id."""
    g = torch.Generator().manual_seed(seed)
    return torch.randint(4, vocab, (len(lengths), max(lengths)), generator=g)


CLASSIFY = Spec(Layout("sequence", "single"), "tokens", VOCAB, "class", 3)
TAG = Spec(Layout("sequence", "aligned"), "tokens", VOCAB, "class", 4)
TRANSLATE = Spec(Layout("sequence", "sequence"), "tokens", VOCAB, "tokens", TARGETS, 0, BOS, EOS)
CONDITION = Spec(Layout("single", "sequence"), "label", 4, "tokens", TARGETS, 0, BOS, EOS)


# each summary with another bidirectional stack: fused, per-layer merges, one and two layers
SUMMARIES = {"last": ("concat", 2), "mean": ("mul", 2), "max": ("sum", 1), "attention": ("mean", 2)}


@pytest.mark.parametrize("cell_name", CELLS)
@pytest.mark.parametrize("summary", list(SUMMARIES))
def test_many_to_one_ignores_padding(cell_name, summary):
    merge, num_layers = SUMMARIES[summary]
    model = model_for(
        CLASSIFY,
        cell(cell_name, num_layers=num_layers),
        direction(True, merge),
        "many_to_one",
        summary=summary,
    )
    x, lengths = tokens(SOURCE_LENGTHS), torch.tensor(SOURCE_LENGTHS)
    logits, _ = model({"x": x, "x_len": lengths})
    for b, n in enumerate(SOURCE_LENGTHS):
        alone, _ = model({"x": x[b : b + 1, :n]})
        torch.testing.assert_close(logits[b], alone[0])


@pytest.mark.parametrize("cell_name", CELLS)
def test_many_to_many_real_steps_ignore_padding(cell_name):
    model = model_for(TAG, cell(cell_name, num_layers=2), direction(True), "many_to_many")
    x, lengths = tokens(SOURCE_LENGTHS), torch.tensor(SOURCE_LENGTHS)
    logits, _ = model({"x": x, "x_len": lengths})
    assert logits.shape == (3, max(SOURCE_LENGTHS), TAG.target_size)
    for b, n in enumerate(SOURCE_LENGTHS):
        alone, _ = model({"x": x[b : b + 1, :n]})
        torch.testing.assert_close(logits[b, :n], alone[0])


def translation_batch():
    y = tokens([5, 5, 5], TARGETS, seed=1)
    y[:, -1] = EOS
    return {"x": tokens(SOURCE_LENGTHS), "x_len": torch.tensor(SOURCE_LENGTHS), "y": y}


def condition_batch():
    y = tokens([5, 5, 5], TARGETS, seed=2)
    y[:, -1] = EOS
    return {"x": torch.tensor([0, 3, 1]), "y": y}


DECODERS = [("seq2seq", {"attention": a}) for a in ("none", "luong", "bahdanau")] + [
    ("one_to_many", {"condition": c}) for c in ("init", "input", "both")
]


def decoder_model(topology, options, cell_name, bidirectional=False, num_layers=2):
    if topology == "seq2seq":
        return model_for(
            TRANSLATE,
            cell(cell_name, num_layers=num_layers),
            direction(bidirectional),
            "seq2seq",
            **options,
        ), translation_batch()
    return model_for(
        CONDITION,
        cell(cell_name, num_layers=num_layers),
        direction(False),
        "one_to_many",
        **options,
    ), condition_batch()


def step_by_step(model, batch):
    """Teacher-forced logits by repeated `decoder.step` from `start`."""
    state = model.start(batch)
    y = batch["y"]
    inputs = torch.cat([torch.full_like(y[:, :1], BOS), y[:, :-1]], 1)
    steps = []
    for t in range(y.size(1)):
        logits, state = model.decoder.step(inputs[:, t], state)
        steps.append(logits)
    return torch.stack(steps, 1)


@pytest.mark.parametrize("topology,options", DECODERS)
@pytest.mark.parametrize("cell_name", ["rnn", "lstm", "gru", "mingru", "minlstm"])
def test_teacher_forced_logits_equal_step_by_step_decoding(topology, options, cell_name):
    model, batch = decoder_model(topology, options, cell_name, bidirectional=True)
    logits, _ = model(batch)
    assert logits.shape == (*batch["y"].shape, TARGETS)
    torch.testing.assert_close(logits, step_by_step(model, batch))


@pytest.mark.parametrize("attention", ["none", "luong", "bahdanau"])
@pytest.mark.parametrize("cell_name", ["lstm", "mingru"])
def test_seq2seq_ignores_source_padding(attention, cell_name):
    model, batch = decoder_model("seq2seq", {"attention": attention}, cell_name, True)
    logits, _ = model(batch)
    for b, n in enumerate(SOURCE_LENGTHS):
        alone = {"x": batch["x"][b : b + 1, :n], "y": batch["y"][b : b + 1]}
        torch.testing.assert_close(logits[b], model(alone)[0][0])


@pytest.mark.parametrize("topology,options", DECODERS)
@pytest.mark.parametrize("cell_name", ["gru", "lstm", "minlstm"])
def test_beam_of_one_equals_greedy(topology, options, cell_name):
    model, batch = decoder_model(topology, options, cell_name)
    greedy = model.generate(batch, max_len=10, greedy=True)
    first = torch.full((batch["x"].size(0),), BOS)
    beam = beam_search(model.decoder.step, model.start(batch), first, EOS, 10, beam=1)
    assert beam == greedy
    assert len(greedy) == 3 and all(len(seq) <= 10 for seq in greedy)


def force_token(model, token):
    """Make the output layer always prefer `token`."""
    out = model.decoder.out.net[-1]
    with torch.no_grad():
        out.weight.zero_()
        out.bias.fill_(-5.0)
        out.bias[token] = 5.0


@pytest.mark.parametrize("topology,options", [DECODERS[1], DECODERS[5]])
@pytest.mark.parametrize("beam", [1, 3])
def test_generate_respects_max_len_and_stops_at_eos(topology, options, beam):
    model, batch = decoder_model(topology, options, "gru")
    force_token(model, 7)
    assert model.generate(batch, max_len=6, beam=beam, greedy=True) == [[7] * 6] * 3
    force_token(model, EOS)
    assert model.generate(batch, max_len=6, beam=beam, greedy=True) == [[]] * 3


class Scripted:
    """A step function that emits a fixed token per example and step, counting its calls.
    Its state holds (step, example) per row, so beam search may reorder rows."""

    def __init__(self, script):
        self.script, self.calls = torch.tensor(script), 0

    def start(self):
        examples = torch.arange(len(self.script), dtype=torch.float64)
        return DecoderState(torch.stack([torch.zeros_like(examples), examples], -1)[None])

    def __call__(self, tokens, state):
        self.calls += 1
        t, example = state.rnn[0].long().unbind(-1)
        logits = torch.nn.functional.one_hot(self.script[example, t], TARGETS).double() * 10
        return logits, DecoderState(state.rnn + torch.tensor([1.0, 0.0]))


def test_sampling_stops_once_every_sequence_has_ended():
    script = [[5, 6, EOS, 7, 7, 7], [4, EOS, 8, 8, 8, 8]]
    first = torch.full((2,), BOS)
    step = Scripted(script)
    assert sample(step, step.start(), first, EOS, max_len=6, greedy=True) == [[5, 6], [4]]
    assert step.calls == 3
    for beam in (1, 2):
        step = Scripted(script)
        assert beam_search(step, step.start(), first, EOS, 6, beam) == [[5, 6], [4]]
    step = Scripted(script)
    assert sample(step, step.start(), first, EOS, max_len=1, greedy=True) == [[5], [4]]


@pytest.mark.parametrize("topology,options", DECODERS)
@pytest.mark.parametrize("cell_name", ["lstm", "mingru"])
def test_sampled_generation_has_bounded_length(topology, options, cell_name):
    model, batch = decoder_model(topology, options, cell_name)
    g = torch.Generator().manual_seed(0)
    seqs = model.generate(batch, max_len=4, temperature=2.0, top_k=3, generator=g)
    assert len(seqs) == 3 and all(len(s) <= 4 and EOS not in s for s in seqs)
    assert all(0 <= t < TARGETS for s in seqs for t in s)
