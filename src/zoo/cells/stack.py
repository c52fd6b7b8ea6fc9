"""A stack of recurrent layers backed by torch's fused `nn.RNN` / `nn.LSTM` / `nn.GRU`.

Padding is handled here once for every topology: with `lengths`, the input is packed
(`enforce_sorted=False`, order restored by torch), so outputs past a sequence's end are zero
and the final state is the state at each sequence's true last step, in both directions.

A bidirectional stack with `merge="concat"` is a single fused module (identical to Keras's
stacked `Bidirectional` layers). Other merges combine the two directions after every layer, as
Keras does, so those stacks are built from one fused single-layer module per layer.

The custom parallel-scan cells (`mingru`, `minlstm`; see `min_layer.py`) are always built one
`MinLayer` per layer and take `lengths` directly instead of a packed sequence.

`packing` chooses how torch's layers meet unequal lengths: `packed` always packs; `auto` (the
default) runs a batch whose lengths are all equal unpacked, and on the CPU runs unequal lengths
as exact fused calls on the padded batch (`padded.py`), packing only where an LSTM's final cell
state is asked for; `padded` takes that path on every device (CUDA's `auto` keeps cuDNN's packed
kernels).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from zoo.cells.init import SCHEMES, initialise
from zoo.cells.merge import merge_directions, merged_size
from zoo.cells.min_layer import MIN_CELLS, MinLayer
from zoo.cells.padded import run_padded
from zoo.errors import ZooError
from zoo.knobs import knob

TORCH_LAYERS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
KINDS = (*TORCH_LAYERS, *MIN_CELLS)
PACKING = ("auto", "packed", "padded")

State = torch.Tensor | tuple[torch.Tensor, torch.Tensor]


@dataclass
class CellConfig:
    _target_: str = "zoo.cells.stack.RecurrentStack"
    _partial_: bool = True  # the input size and direction come from the topology
    kind: str = knob(choices=KINDS)
    hidden_size: int = knob(64, low=1)
    num_layers: int = knob(1, low=1)
    dropout: float = knob(0.0, low=0.0, below=1.0)  # between stacked layers
    init: str = knob("default", choices=SCHEMES)  # min cells: default | xavier
    nonlinearity: str = knob("tanh", choices=("tanh", "relu"))  # rnn only
    # LSTM: forget-gate bias (Jozefowicz et al. 2015; Keras's unit_forget_bias); minLSTM: added
    # to the forget gate's pre-activation; null keeps torch's initialisation
    forget_bias: float | None = None
    # unequal lengths in a batch (torch cells): auto (unpacked when all equal, exact padded
    # calls on the CPU, cuDNN's packing on CUDA) | packed | padded (see zoo.cells.stack)
    packing: str = knob("auto", choices=PACKING)


class RecurrentStack(nn.Module):
    """`forward(x, lengths=None, state=None) -> (outputs, state)` on batch-first input.

    `outputs` is (B, T, output_size) with the directions merged; `state` has torch's layout,
    (num_layers * directions, B, H), a pair (h, c) for LSTM, or h alone where the caller passes
    `cell_state=False` (it reads no cell state, so no batch has to be packed for it).
    """

    def __init__(
        self,
        kind: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        dropout: float = 0.0,
        bidirectional: bool = False,
        merge: str = "concat",
        nonlinearity: str = "tanh",
        init: str = "default",
        forget_bias: float | None = None,
        packing: str = "auto",
    ):
        super().__init__()
        # the cell schema's knobs (CellConfig, above) bound each value; this checks
        # what no single knob can
        if forget_bias is not None and kind not in ("lstm", "minlstm"):
            raise ZooError(
                f"cell.forget_bias is set but cell.kind={kind!r} has no forget gate; "
                "remove cell.forget_bias or use an lstm or minlstm cell."
            )
        self.packing = packing
        self.kind, self.hidden_size, self.num_layers = kind, hidden_size, num_layers
        self.bidirectional, self.merge = bidirectional, merge
        self.directions = 2 if bidirectional else 1
        self.output_size = merged_size(hidden_size, bidirectional, merge)
        extra = {"nonlinearity": nonlinearity} if kind == "rnn" else {}
        custom = kind in MIN_CELLS
        self.fused = not custom and (not bidirectional or merge == "concat" or num_layers == 1)
        if self.fused:
            sizes = [(input_size, num_layers)]
        else:
            sizes = [(input_size if i == 0 else self.output_size, 1) for i in range(num_layers)]
        self.layers = nn.ModuleList(
            MinLayer(kind, size, hidden_size, bidirectional)
            if custom
            else TORCH_LAYERS[kind](
                size,
                hidden_size,
                num_layers=n,
                dropout=dropout if n > 1 else 0.0,
                bidirectional=bidirectional,
                batch_first=True,
                **extra,
            )
            for size, n in sizes
        )
        self.between = nn.Dropout(dropout)
        for module in self.layers:
            if custom:
                module.initialise(init, forget_bias)
            else:
                initialise(module, init, forget_bias)

    def forward(
        self,
        x: torch.Tensor,
        lengths: torch.Tensor | None = None,
        state: State | None = None,
        cell_state: bool = True,
    ) -> tuple[torch.Tensor, State]:
        states = self._split_state(state)
        steps = x.size(1)
        if lengths is not None and self.packing != "packed" and bool((lengths == steps).all()):
            lengths = None  # all full length (lengths live on the CPU: no device sync)
        finals = []
        for i, module in enumerate(self.layers):
            if i > 0:
                x = self.between(x)
            x, final = self._run(module, x, lengths, states[i], cell_state)
            if self.bidirectional and self.merge != "concat":
                x = merge_directions(*x.chunk(2, dim=-1), self.merge)
            finals.append(final)
        return x, self._join_states(finals)

    @property
    def carries_cell(self) -> bool:
        """Whether a full state is a pair (h, c) (an LSTM) rather than h alone."""
        return self.kind == "lstm"

    def zero_state(self, batch_size: int, device=None, dtype=None) -> State:
        """The all-zero state of `batch_size` sequences, in torch's layout."""
        h = torch.zeros(self.num_layers * self.directions, batch_size, self.hidden_size,
                        device=device, dtype=dtype)
        return self.state_from(h)

    def state_from(self, h: torch.Tensor) -> State:
        """The full state whose hidden part is `h` (L * D, B, H); an LSTM's cell starts at 0."""
        return (h, torch.zeros_like(h)) if self.carries_cell else h

    @staticmethod
    def hidden(state: State) -> torch.Tensor:
        """The hidden part h of a state (a full one, or h alone from `cell_state=False`)."""
        return state[0] if isinstance(state, tuple) else state

    @staticmethod
    def map_state(fn, state: State, *others: State) -> State:
        """`fn` on each tensor of `state` (with the matching tensors of `others`), the
        state's structure kept: `map_state(torch.Tensor.detach, state)`."""
        if isinstance(state, tuple):
            return tuple(fn(*parts) for parts in zip(state, *others, strict=True))
        return fn(state, *others)

    def detach_state(self, state: State | None) -> State | None:
        """`state` cut from the autograd graph (None stays None)."""
        return None if state is None else self.map_state(torch.Tensor.detach, state)

    def summary(self, state: State) -> torch.Tensor:
        """The last layer's final hidden state, directions merged: (B, output_size)."""
        last = self.hidden(state)[-self.directions :]
        if not self.bidirectional:
            return last[0]
        return merge_directions(last[0], last[1], self.merge)

    def _run(self, module, x, lengths, state, cell_state):
        if isinstance(module, MinLayer):
            return module(x, lengths, state)
        if lengths is None:
            out, final = module(x, state)
        elif self._padded(module, x, cell_state):
            return run_padded(module, x, lengths, state)
        else:
            packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True,
                                          enforce_sorted=False)
            out, final = module(packed, state)
            out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.size(1))
        return out, final[0] if isinstance(final, tuple) and not cell_state else final

    def _padded(self, module, x, cell_state) -> bool:
        """Whether unequal lengths run as exact padded calls (`padded.py`) instead of packed."""
        if self.packing == "packed" or (cell_state and module.mode == "LSTM"):
            return False
        return self.packing == "padded" or x.device.type == "cpu"

    def _split_state(self, state: State | None) -> list:
        if state is None or self.fused:
            return [state] * len(self.layers)
        d = self.directions
        if isinstance(state, tuple):
            return [(h, c) for h, c in zip(state[0].split(d), state[1].split(d), strict=True)]
        return list(state.split(d))

    @staticmethod
    def _join_states(finals: list) -> State:
        if len(finals) == 1:
            return finals[0]
        if isinstance(finals[0], tuple):
            return tuple(torch.cat(part) for part in zip(*finals, strict=True))
        return torch.cat(finals)
