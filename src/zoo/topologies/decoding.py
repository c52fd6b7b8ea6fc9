"""Generation from any step function `step(tokens (B,), state) -> (logits (B, V), state)`:
greedy, temperature and top-k sampling (batched), and beam search (one example at a time).
States must offer `select(idx)` (see DecoderState)."""

from __future__ import annotations

import torch


def _strip(seq: list[int], eos: int | None) -> list[int]:
    return seq[: seq.index(eos)] if eos is not None and eos in seq else seq


@torch.no_grad()
def sample(step, state, first: torch.Tensor, eos, max_len, temperature=1.0, top_k=None,
           greedy=False, generator=None) -> list[list[int]]:
    """Decode from `first` (B,) tokens; returns each sequence without the end token."""
    tokens, produced = first, []
    done = torch.zeros_like(first, dtype=torch.bool)
    for _ in range(max_len):
        logits, state = step(tokens, state)
        if greedy or temperature <= 0:
            tokens = logits.argmax(-1)
        else:
            logits = logits / temperature
            if top_k:
                kth = logits.topk(min(top_k, logits.size(-1)), -1).values[:, -1:]
                logits = logits.masked_fill(logits < kth, float("-inf"))
            probs = logits.softmax(-1)
            tokens = torch.multinomial(probs, 1, generator=generator).squeeze(1)
        produced.append(tokens)
        if eos is not None:
            done |= tokens == eos
            if bool(done.all()):
                break
    if not produced:
        return [[] for _ in range(first.size(0))]
    seqs = torch.stack(produced, 1).tolist()
    return [_strip(s, eos) for s in seqs]


@torch.no_grad()
def beam_search(step, state, first: torch.Tensor, eos, max_len, beam=4) -> list[list[int]]:
    """Length-normalised beam search; returns the best hypothesis of each example."""
    results = []
    for i in range(first.size(0)):
        idx = torch.tensor([i], device=first.device)
        results.append(_beam_one(step, state.select(idx), first[idx], eos, max_len, beam))
    return results


def _beam_one(step, state, first, eos, max_len, beam):
    hyps, scores = [[]], torch.zeros(1, device=first.device)
    tokens, finished = first, []
    for _ in range(max_len):
        logits, state = step(tokens, state)
        logp = logits.log_softmax(-1) + scores[:, None]
        vocab = logp.size(-1)
        top, flat = logp.view(-1).topk(min(beam, logp.numel()))
        rows, cols = flat // vocab, flat % vocab
        keep_rows, keep_tokens, keep_scores, keep_hyps = [], [], [], []
        for score, row, col in zip(top.tolist(), rows.tolist(), cols.tolist(), strict=True):
            hyp = hyps[row] + [col]
            if eos is not None and col == eos:
                finished.append((score / len(hyp), hyp[:-1]))
            else:
                keep_rows.append(row)
                keep_tokens.append(col)
                keep_scores.append(score)
                keep_hyps.append(hyp)
        if not keep_rows or len(finished) >= beam:
            break
        sel = torch.tensor(keep_rows, device=first.device)
        state, hyps = state.select(sel), keep_hyps
        tokens = torch.tensor(keep_tokens, device=first.device)
        scores = torch.tensor(keep_scores, device=first.device)
    if not finished:
        finished = [(s / max(len(h), 1), h) for s, h in zip(scores.tolist(), hyps, strict=True)]
    return max(finished, key=lambda f: f[0])[1]
