"""Generation from a causal many-to-many model (a language model): read the prompt, then
predict one token at a time, feeding each back with the recurrent state carried along.

The model's own step is its input layer, recurrent stack and head on a single token; the
decoding (sampling, greedy, beam search) is the decoders' (`zoo.topologies.decoding`).
`ManyToMany.generate` is the model's entry point.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from zoo.topologies.decoder_state import DecoderState
from zoo.topologies.decoding import beam_search, sample

if TYPE_CHECKING:
    from zoo.topologies.many_to_many import ManyToMany


def lm_step(model: ManyToMany):
    """`step(tokens (B,), state) -> (next-token logits (B, V), state)`."""

    def step(tokens: torch.Tensor, state: DecoderState):
        outputs, rnn = model.encoder(model.input(tokens[:, None]), None, state.rnn)
        return model.head(outputs)[:, 0], DecoderState(rnn, stack=model.encoder)

    return step


@torch.no_grad()
def continue_prompt(
    model: ManyToMany,
    prompt: torch.Tensor,
    max_len: int,
    beam: int = 1,
    eos: int | None = None,
    temperature: float = 1.0,
    top_k: int | None = None,
    greedy: bool = False,
    generator: torch.Generator | None = None,
) -> list[list[int]]:
    """The tokens that follow `prompt` (B, P >= 1), without the prompt; at most `max_len`."""
    state = DecoderState(None, stack=model.encoder)
    if prompt.size(1) > 1:
        _, rnn = model.encoder(model.input(prompt[:, :-1]))
        state = DecoderState(rnn, stack=model.encoder)
    last = prompt[:, -1]
    step = lm_step(model)
    if beam > 1:
        return beam_search(step, state, last, eos, max_len, beam)
    return sample(
        step,
        state,
        last,
        eos,
        max_len,
        temperature=temperature,
        top_k=top_k,
        greedy=greedy,
        generator=generator,
    )
