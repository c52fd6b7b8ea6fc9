"""Teacher-forced training and generation for the decoder topologies (one-to-many, seq2seq).

A subclass provides `self.spec`, `self.decoder` and `start(batch) -> DecoderState`.
Targets `batch["y"]` end with the end token; the decoder input is them shifted right behind
the begin token.
"""

from __future__ import annotations

import torch

from zoo.topologies.decoding import beam_search, sample


class Generating:
    can_generate = True

    def forward(self, batch, state=None):
        y = batch["y"]
        bos = torch.full_like(y[:, :1], self.spec.bos_id)
        logits, _ = self.decoder(torch.cat([bos, y[:, :-1]], 1), self.start(batch))
        return logits, None

    def generate(self, batch, max_len=50, beam=1, temperature=1.0, top_k=None, greedy=False,
                 generator=None, prefix=()) -> list[list[int]]:
        """Each input's output sequence, without the end token; with `prefix` (token ids),
        the output that starts with it (the prefix not included)."""
        state = self.start(batch)
        rows, device = batch["x"].size(0), batch["x"].device
        tokens = [self.spec.bos_id, *prefix]
        if len(tokens) > 1:
            _, state = self.decoder(torch.tensor([tokens[:-1]] * rows, device=device), state)
        first = torch.full((rows,), tokens[-1], dtype=torch.long, device=device)
        if beam > 1:
            return beam_search(self.decoder.step, state, first, self.spec.eos_id, max_len, beam)
        return sample(self.decoder.step, state, first, self.spec.eos_id, max_len,
                      temperature=temperature, top_k=top_k, greedy=greedy, generator=generator)
