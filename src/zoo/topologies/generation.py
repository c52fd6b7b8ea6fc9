"""One generation protocol, spoken by the decoders (one_to_many, seq2seq) and the language
model (many_to_many on causal token data), and its one driver:

- `start(batch) -> state`: the state before any token is read (a `DecoderState`);
- `lead(batch) -> (B, P >= 1)`: the tokens every output follows: a decoder's begin token,
  a language model's prompt;
- `read(tokens (B, P), state) -> state`: tokens read at once;
- `step(tokens (B,), state) -> (logits (B, V), state)`: one token read, the next predicted.

`Generating.generate` reads the lead, then decodes greedily, by sampling or by beam search
(`zoo.topologies.decoding`). A subclass provides `self.spec` and the four methods.
"""

from __future__ import annotations

import torch

from zoo.topologies.decoding import beam_search, sample


class Generating:
    @torch.no_grad()
    def generate(self, batch, max_len=50, beam=1, temperature=1.0, top_k=None, greedy=False,
                 generator=None, prefix=()) -> list[list[int]]:
        """Each input's output sequence, without the end token; with `prefix` (token ids),
        the output that starts with it (the prefix not included)."""
        lead = self.lead(batch)
        if prefix:
            lead = torch.cat([lead, lead.new_tensor(prefix).expand(lead.size(0), -1)], 1)
        state = self.start(batch)
        if lead.size(1) > 1:
            state = self.read(lead[:, :-1], state)
        first, eos = lead[:, -1], self.spec.eos_id
        if beam > 1:
            return beam_search(self.step, state, first, eos, max_len, beam)
        return sample(self.step, state, first, eos, max_len, temperature=temperature,
                      top_k=top_k, greedy=greedy, generator=generator)
