"""The cell layer: `RecurrentStack` against torch's own modules and hand-composed references,
parameter counts, padding invariance, initialisation, and the custom minGRU / minLSTM cells."""

from __future__ import annotations

import pytest
import torch
from conftest import compose_train, group_option, read_metrics, run_cli
from omegaconf import OmegaConf
from torch import nn

from zoo.cells import RecurrentStack, build_stack
from zoo.cells.merge import merge_directions
from zoo.errors import ZooError
from zoo.run.validate import validate

E, H = 5, 6
LENGTHS = [7, 3, 1, 5]  # unsorted, one of length 1, none full except the first
TORCH_CELLS = {  # config name -> (torch class, stack kwargs)
    "rnn": (nn.RNN, {"kind": "rnn", "nonlinearity": "tanh"}),
    "rnn_relu": (nn.RNN, {"kind": "rnn", "nonlinearity": "relu"}),
    "lstm": (nn.LSTM, {"kind": "lstm"}),
    "gru": (nn.GRU, {"kind": "gru"}),
}
MIN_CELLS = {"mingru": {"kind": "mingru"}, "minlstm": {"kind": "minlstm"}}
CELLS = {**{name: kwargs for name, (_, kwargs) in TORCH_CELLS.items()}, **MIN_CELLS}
GATES = {"rnn": 1, "rnn_relu": 1, "lstm": 4, "gru": 3}


def padded_batch(lengths, size=E, seed=0):
    """Random inputs (B, T, size) whose padded steps hold garbage, not zeros."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(len(lengths), max(lengths), size, generator=g, dtype=torch.float64)
    return x, torch.tensor(lengths)


def stack_for(cell, bidirectional=False, num_layers=1, merge="concat", **kw):
    stack = RecurrentStack(
        input_size=E,
        hidden_size=H,
        num_layers=num_layers,
        bidirectional=bidirectional,
        merge=merge,
        **CELLS[cell],
        **kw,
    )
    return stack.double().eval()


def torch_references(cell, stack):
    """Torch modules with the stack's weights, one per fused block (several layers each), as
    (module, state rows it takes)."""
    cls, kwargs = TORCH_CELLS[cell]
    extra = {"nonlinearity": kwargs["nonlinearity"]} if cls is nn.RNN else {}
    refs = []
    for layer in stack.layers:
        ref = cls(
            layer.input_size,
            H,
            num_layers=layer.num_layers,
            batch_first=True,
            bidirectional=stack.bidirectional,
            **extra,
        ).double()
        ref.load_state_dict(layer.state_dict())
        refs.append((ref, layer.num_layers * stack.directions))
    return refs


def reference(refs, merge, bidirectional, x, state=None):
    """Reference layers composed by hand, the merge applied after each (Keras semantics)."""
    finals, row = [], 0
    for ref, rows in refs:
        st = None
        if state is not None:
            sl = slice(row, row + rows)
            st = tuple(s[sl] for s in state) if isinstance(state, tuple) else state[sl]
        row += rows
        x, final = ref(x, st)
        if bidirectional and merge != "concat":
            x = merge_directions(*x.chunk(2, dim=-1), merge)
        finals.append(final)
    if isinstance(finals[0], tuple):
        return x, tuple(torch.cat(part) for part in zip(*finals, strict=True))
    return x, torch.cat(finals)


def as_pair(state):
    return state if isinstance(state, tuple) else (state,)


def assert_matches_reference(stack, refs, merge, x, lengths, state=None, cell_state=True):
    """Outputs and final state against the references; `cell_state=False`: final h alone."""
    out, final = stack(x, lengths, state, cell_state=cell_state)
    if not cell_state:
        final = (final,)
    if lengths is None:
        ref_out, ref_final = reference(refs, merge, stack.bidirectional, x, state)
        torch.testing.assert_close(out, ref_out)
        for got, want in zip(as_pair(final), as_pair(ref_final), strict=True):
            torch.testing.assert_close(got, want)
        return
    for b, n in enumerate(lengths.tolist()):  # each sequence alone, unpadded
        st = None
        if state is not None:
            st = tuple(s[:, b : b + 1] for s in as_pair(state))
            st = st if isinstance(state, tuple) else st[0]
        ref_out, ref_final = reference(refs, merge, stack.bidirectional, x[b : b + 1, :n], st)
        torch.testing.assert_close(out[b, :n], ref_out[0])
        assert torch.all(out[b, n:] == 0), "outputs past a sequence's end must be zero"
        wanted = as_pair(ref_final) if cell_state else as_pair(ref_final)[:1]
        for got, want in zip(as_pair(final), wanted, strict=True):
            torch.testing.assert_close(got[:, b], want[:, 0])


@pytest.mark.parametrize("cell", list(TORCH_CELLS))
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("with_lengths", [False, True])
def test_stack_equals_torch(cell, bidirectional, num_layers, with_lengths):
    torch.manual_seed(0)
    stack = stack_for(cell, bidirectional, num_layers)
    refs = torch_references(cell, stack)
    x, lengths = padded_batch(LENGTHS)
    assert_matches_reference(stack, refs, "concat", x, lengths if with_lengths else None)


@pytest.mark.parametrize("cell", list(TORCH_CELLS))
@pytest.mark.parametrize("merge", ["sum", "mean", "mul"])
@pytest.mark.parametrize("with_lengths", [False, True])
def test_merged_bidirectional_stack_equals_hand_composed_layers(cell, merge, with_lengths):
    torch.manual_seed(1)
    stack = stack_for(cell, True, 2, merge)
    refs = torch_references(cell, stack)
    assert [r.num_layers for r, _ in refs] == [1, 1] and refs[1][0].input_size == H
    x, lengths = padded_batch(LENGTHS)
    assert_matches_reference(stack, refs, merge, x, lengths if with_lengths else None)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("merge", ["concat", "sum"])
def test_initial_state_is_used_per_layer_and_direction(cell, merge):
    torch.manual_seed(2)
    stack = stack_for(cell, True, 2, merge)
    refs = torch_references(cell, stack)
    x, lengths = padded_batch(LENGTHS)
    h = torch.randn(4, len(LENGTHS), H, dtype=torch.float64)
    state = (h, torch.randn_like(h)) if cell == "lstm" else h
    assert_matches_reference(stack, refs, merge, x, lengths, state)


SHAPES = [(False, 1, "concat"), (False, 2, "concat"), (True, 1, "concat"), (True, 2, "concat"),
          (True, 2, "sum")]


@pytest.mark.parametrize("cell", list(TORCH_CELLS))
@pytest.mark.parametrize("bidirectional,num_layers,merge", SHAPES)
@pytest.mark.parametrize("packing", ["auto", "padded"])
@pytest.mark.parametrize("with_state", [False, True])
def test_padded_path_equals_each_sequence_alone_without_packing(
    cell, bidirectional, num_layers, merge, packing, with_state, monkeypatch
):
    torch.manual_seed(5)
    stack = stack_for(cell, bidirectional, num_layers, merge, packing=packing)
    refs = torch_references(cell, stack)
    x, lengths = padded_batch(LENGTHS)
    h = torch.randn(num_layers * stack.directions, len(LENGTHS), H, dtype=torch.float64)
    state = ((h, torch.randn_like(h)) if cell == "lstm" else h) if with_state else None
    monkeypatch.setattr("zoo.cells.stack.pack_padded_sequence", _no_packing)
    assert_matches_reference(stack, refs, merge, x, lengths, state, cell_state=False)


def _no_packing(*args, **kwargs):
    raise AssertionError("this batch must not be packed")


@pytest.mark.parametrize("cell", list(TORCH_CELLS))
def test_equal_lengths_run_unpacked_with_the_whole_state(cell, monkeypatch):
    torch.manual_seed(6)
    stack = stack_for(cell, True, 2)
    x, _ = padded_batch([7, 7, 7])
    monkeypatch.setattr("zoo.cells.stack.pack_padded_sequence", _no_packing)
    out, final = stack(x, torch.tensor([7, 7, 7]))
    want_out, want_final = stack(x)
    torch.testing.assert_close(out, want_out)
    for got, want in zip(as_pair(final), as_pair(want_final), strict=True):
        torch.testing.assert_close(got, want)


def test_lstm_cell_state_and_packing_packed_still_pack(monkeypatch):
    calls = []
    real = torch.nn.utils.rnn.pack_padded_sequence
    monkeypatch.setattr("zoo.cells.stack.pack_padded_sequence",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    x, lengths = padded_batch(LENGTHS)
    stack_for("lstm", True)(x, lengths)  # the final cell state needs packing
    stack_for("gru", True, packing="packed")(x, lengths)
    assert len(calls) == 2


def test_padded_path_trains_with_dropout_between_layers():
    stack = stack_for("lstm", True, 2, dropout=0.3).train()
    x, lengths = padded_batch(LENGTHS)
    out, h = stack(x.requires_grad_(), lengths, cell_state=False)
    (out.sum() + h.sum()).backward()
    assert x.grad is not None and torch.all(out[1, 3:] == 0)


def test_unknown_packing_is_refused(tmp_path):
    with pytest.raises(ZooError, match="cell.packing"):
        validate(compose_train(["cell=gru", "cell.packing=sometimes"], tmp_path))


def expected_parameters(gates, input_size, num_layers, directions, merge):
    total = 0
    for layer in range(num_layers):
        e = input_size if layer == 0 else (H * directions if merge == "concat" else H)
        total += directions * gates * (H * (e + H) + 2 * H)
    return total


@pytest.mark.parametrize("cell", list(TORCH_CELLS))
@pytest.mark.parametrize(
    "bidirectional,num_layers,merge",
    [
        (False, 1, "concat"),
        (False, 3, "concat"),
        (True, 1, "concat"),
        (True, 2, "concat"),
        (True, 2, "sum"),
        (True, 3, "mul"),
    ],
)
def test_parameter_count_matches_formula(cell, bidirectional, num_layers, merge):
    stack = stack_for(cell, bidirectional, num_layers, merge)
    count = sum(p.numel() for p in stack.parameters())
    directions = 2 if bidirectional else 1
    assert count == expected_parameters(GATES[cell], E, num_layers, directions, merge)


def last_real_outputs(out, lengths, hidden, bidirectional):
    """The final summary by hand: forward half at the last real step, backward half at step 0."""
    rows = torch.arange(out.size(0))
    forward = out[rows, lengths - 1, :hidden]
    if not bidirectional:
        return forward
    return torch.cat([forward, out[:, 0, hidden:]], -1)


@pytest.mark.parametrize("cell", list(CELLS))
@pytest.mark.parametrize("merge", ["concat", "sum", "mean", "mul"])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_bidirectional_summary_ignores_padding(cell, merge, num_layers):
    torch.manual_seed(3)
    stack = stack_for(cell, True, num_layers, merge)
    x, lengths = padded_batch(LENGTHS)
    out, final = stack(x, lengths)
    summary = stack.summary(final)
    for b, n in enumerate(LENGTHS):
        alone_out, alone_final = stack(x[b : b + 1, :n])
        torch.testing.assert_close(summary[b], stack.summary(alone_final)[0])
        torch.testing.assert_close(out[b, :n], alone_out[0])


@pytest.mark.parametrize("cell", list(CELLS))
def test_concat_summary_is_last_forward_and_first_backward_output(cell):
    torch.manual_seed(4)
    stack = stack_for(cell, True, 2)
    x, lengths = padded_batch(LENGTHS)
    out, final = stack(x, lengths)
    torch.testing.assert_close(stack.summary(final), last_real_outputs(out, lengths, H, True))


def cell_config(name, **overrides):
    return group_option("cell", name, hidden_size=H, **overrides)


def test_irnn_config_gives_identity_recurrence_and_zero_biases():
    stack = build_stack(cell_config("irnn", num_layers=2), None, E)
    rnn = stack.layers[0]
    assert rnn.nonlinearity == "relu"
    for layer in range(2):
        assert torch.equal(getattr(rnn, f"weight_hh_l{layer}"), torch.eye(H))
        assert not getattr(rnn, f"bias_ih_l{layer}").any()
        assert not getattr(rnn, f"bias_hh_l{layer}").any()
    assert rnn.weight_ih_l0.abs().max() < 0.01  # N(0, 0.001), Le et al. 2015


@pytest.mark.parametrize("cell,gates", [("lstm", 4), ("gru", 3), ("rnn", 1)])
def test_orthogonal_init_gives_orthogonal_gate_blocks(cell, gates):
    direction = OmegaConf.create({"bidirectional": True, "merge": "concat"})
    stack = build_stack(cell_config(cell, init="orthogonal", num_layers=2), direction, E)
    names = [n for n, _ in stack.named_parameters() if "weight_hh" in n]
    assert len(names) == 4  # two layers, two directions
    for name in names:
        weight = dict(stack.named_parameters())[name]
        for block in weight.detach().split(H):
            torch.testing.assert_close(block @ block.T, torch.eye(H), atol=1e-5, rtol=0)
        assert len(weight.split(H)) == gates


@pytest.mark.parametrize("init", ["default", "orthogonal", "xavier", "identity"])
def test_forget_bias_sets_the_lstm_forget_gate(init):
    direction = OmegaConf.create({"bidirectional": True, "merge": "sum"})
    stack = build_stack(cell_config("lstm", init=init, num_layers=2, forget_bias=2.5), direction, E)
    checked = 0
    for layer in stack.layers:
        for suffix in ("_l0", "_l0_reverse"):
            b_ih = getattr(layer, "bias_ih" + suffix).detach()
            b_hh = getattr(layer, "bias_hh" + suffix).detach()
            forget = (b_ih + b_hh)[H : 2 * H]  # torch's gate order: i, f, g, o
            torch.testing.assert_close(forget, torch.full((H,), 2.5))
            others = torch.cat([(b_ih + b_hh)[:H], (b_ih + b_hh)[2 * H :]])
            assert not torch.allclose(others, torch.full_like(others, 2.5))
            checked += 1
    assert checked == 4


@pytest.mark.parametrize("overrides, message", [
    (["cell=gru", "cell.init=bogus"], r"cell.init='bogus' is not known"),
    (["cell=minlstm", "cell.init=bogus"], r"cell.init='bogus' is not known"),
    (["direction=bi", "direction.merge=max"], r"direction.merge='max' is not known"),
])
def test_unknown_init_scheme_and_merge_are_refused_by_the_schema(tmp_path, overrides, message):
    """The cell schema's knobs refuse them when the config is checked; the stack trusts them."""
    with pytest.raises(ZooError, match=message):
        validate(compose_train(overrides, tmp_path))


def test_unknown_kind_is_refused(tmp_path):
    with pytest.raises(ZooError, match=r"cell.kind='transformer' is not known"):
        validate(compose_train(["cell=gru", "cell.kind=transformer"], tmp_path))
    with pytest.raises(ZooError, match=r"cell.nonlinearity='gelu' is not known"):
        validate(compose_train(["cell=rnn", "cell.nonlinearity=gelu"], tmp_path))


# --- minGRU / minLSTM (Feng et al. 2024): parallel scan against a plain sequential loop ---


def g_reference(x):
    return torch.where(x >= 0, x + 0.5, torch.sigmoid(x))


def sequential_min_cell(cell, x, h0=None):
    """The paper's recurrence step by step, in linear space: x (B, T, E) -> h (B, T, H)."""
    parts = cell.proj(x).chunk(len(cell.blocks), dim=-1)
    h = torch.zeros_like(parts[0][:, 0]) if h0 is None else h0
    outputs = []
    for t in range(x.size(1)):
        if type(cell).__name__ == "MinGRU":
            z, h_tilde = torch.sigmoid(parts[0][:, t]), parts[1][:, t]
            h = (1 - z) * h + z * g_reference(h_tilde)
        else:
            f, i = torch.sigmoid(parts[0][:, t]), torch.sigmoid(parts[1][:, t])
            h = f / (f + i) * h + i / (f + i) * g_reference(parts[2][:, t])
        outputs.append(h)
    return torch.stack(outputs, 1)


def min_references(stack):
    """One sequential reference per `MinLayer`: forward on x, backward on x reversed."""

    def run(layer, x, state):
        outputs, finals = [], []
        for d, cell in enumerate(layer.directions):
            h0 = None if state is None else state[d]
            out = sequential_min_cell(cell, x if d == 0 else x.flip(1), h0)
            finals.append(out[:, -1])
            outputs.append(out if d == 0 else out.flip(1))
        return torch.cat(outputs, -1), torch.stack(finals)

    return [
        ((lambda x, st, layer=layer: run(layer, x, st)), stack.directions) for layer in stack.layers
    ]


@pytest.mark.parametrize("kind", list(MIN_CELLS))
@pytest.mark.parametrize("with_state", [False, True])
def test_parallel_scan_equals_sequential_loop(kind, with_state):
    torch.manual_seed(5)
    stack = stack_for(kind)
    cell = stack.layers[0].directions[0]
    x = torch.randn(3, 64, E, dtype=torch.float64)
    h0 = torch.randn(3, H, dtype=torch.float64) if with_state else None  # any sign
    weights = torch.randn(3, 64, H, dtype=torch.float64)

    def outputs_and_gradients(out):
        return (out, *torch.autograd.grad((out * weights).sum(), list(cell.parameters())))

    parallel = outputs_and_gradients(cell(x, h0))
    sequential = outputs_and_gradients(sequential_min_cell(cell, x, h0))
    for got, want in zip(parallel, sequential, strict=True):
        torch.testing.assert_close(got, want)


@pytest.mark.parametrize("kind", list(MIN_CELLS))
def test_parallel_scan_is_accurate_in_float32_on_long_sequences(kind):
    torch.manual_seed(6)
    cell = stack_for(kind).layers[0].directions[0]
    x = torch.randn(2, 1000, E, dtype=torch.float64)
    want = sequential_min_cell(cell, x)
    got = cell.float()(x.float(), None)
    torch.testing.assert_close(got.double(), want, atol=1e-4, rtol=1e-4)
    got.sum().backward()
    assert all(torch.isfinite(p.grad).all() for p in cell.parameters())


@pytest.mark.parametrize("kind", list(MIN_CELLS))
@pytest.mark.parametrize(
    "bidirectional,num_layers,merge",
    [
        (False, 1, "concat"),
        (False, 2, "concat"),
        (True, 1, "concat"),
        (True, 2, "concat"),
        (True, 2, "sum"),
        (True, 2, "mul"),
    ],
)
@pytest.mark.parametrize("with_lengths", [False, True])
def test_min_stack_equals_sequential_reference(
    kind, bidirectional, num_layers, merge, with_lengths
):
    torch.manual_seed(7)
    stack = stack_for(kind, bidirectional, num_layers, merge)
    x, lengths = padded_batch(LENGTHS)
    assert_matches_reference(
        stack, min_references(stack), merge, x, lengths if with_lengths else None
    )


@pytest.mark.parametrize("kind", list(MIN_CELLS))
def test_min_stack_uses_the_initial_state(kind):
    torch.manual_seed(8)
    stack = stack_for(kind, True, 2, "mean")
    x, lengths = padded_batch(LENGTHS)
    state = torch.randn(4, len(LENGTHS), H, dtype=torch.float64)
    assert_matches_reference(stack, min_references(stack), "mean", x, lengths, state)


@pytest.mark.parametrize("kind,blocks", [("mingru", 2), ("minlstm", 3)])
@pytest.mark.parametrize(
    "bidirectional,num_layers,merge", [(False, 1, "concat"), (True, 2, "concat"), (True, 3, "sum")]
)
def test_min_parameter_count_matches_formula(kind, blocks, bidirectional, num_layers, merge):
    stack = stack_for(kind, bidirectional, num_layers, merge)
    directions = 2 if bidirectional else 1
    expected = 0
    for layer in range(num_layers):
        e = E if layer == 0 else (H * directions if merge == "concat" else H)
        expected += directions * blocks * H * (e + 1)  # one Linear(e, blocks * H) per direction
    assert sum(p.numel() for p in stack.parameters()) == expected


def test_min_configs_build_and_initialise():
    direction = OmegaConf.create({"bidirectional": True, "merge": "concat"})
    gru = build_stack(cell_config("mingru", init="xavier", num_layers=2), direction, E)
    assert gru.kind == "mingru" and gru.output_size == 2 * H
    assert not any(layer.directions[0].proj.bias.any() for layer in gru.layers)
    lstm = build_stack(cell_config("minlstm", forget_bias=1.5), direction, E)
    for cell in lstm.layers[0].directions:
        assert torch.equal(cell.proj.bias[:H].detach(), torch.full((H,), 1.5))  # f block first
        assert not torch.equal(cell.proj.bias[H:].detach(), torch.full((2 * H,), 1.5))


def test_min_cells_refuse_recurrent_matrix_inits_and_misplaced_forget_bias():
    with pytest.raises(ZooError, match=r"cell.init='orthogonal' shapes a recurrent weight matrix"):
        build_stack(cell_config("mingru", init="orthogonal"), None, E)
    with pytest.raises(ZooError, match=r"cell.forget_bias is set but cell.kind='mingru'"):
        build_stack(cell_config("mingru", forget_bias=1.0), None, E)
    with pytest.raises(ZooError, match=r"cell.forget_bias is set but cell.kind='gru'"):
        build_stack(cell_config("gru", forget_bias=1.0), None, E)


@pytest.mark.slow
def test_zoo_train_mingru_learns_the_adding_problem(tmp_path):
    """The default run (T=100, 25 epochs); about 80 minutes on 2 busy CPU cores."""
    run = tmp_path / "run"
    run_cli(
        "zoo-train",
        "cell=mingru",
        "logger=none",
        f"hydra.run.dir={run}",
        cwd=tmp_path,
        timeout=3 * 3600,
    )
    assert read_metrics(run)["metrics"]["test/mse"] < 0.05  # the mean predictor scores ~0.167
