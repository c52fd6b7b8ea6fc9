"""`zoo-sample ckpt_path=... [prompt=...] [condition=...] [n=5] [temperature=1.0] [top_k=...]
[beam=1] [max_len=100] [seed=0]`: text from a trained generative model, one sample a line
(samples that span lines are separated by a blank line)."""

from __future__ import annotations

import sys

from zoo.cli.options import parse_command, trusted
from zoo.cli.user_errors import run_command
from zoo.inference.sampling import check_sampling, sample_texts
from zoo.run.checkpoints import load_run


def _sample(argv: list[str]) -> None:
    opts, overrides = parse_command("sample", argv, text_keys=("prompt", "condition"))
    if overrides:
        print(f"ignored (not options of zoo-sample): {' '.join(overrides)}", file=sys.stderr)
    check_sampling(opts.n, opts.temperature, opts.top_k, opts.beam, opts.max_len,
                   opts.seed)
    run = load_run(opts.ckpt_path, trusted(opts))
    texts = sample_texts(
        run.task,
        prompt=opts.prompt,
        condition=opts.condition,
        n=opts.n,
        temperature=opts.temperature,
        top_k=opts.top_k,
        beam=opts.beam,
        max_len=opts.max_len,
        seed=opts.seed,
        where=str(run.ckpt_path),
    )
    separator = "\n\n" if any("\n" in t for t in texts) else "\n"
    print(separator.join(texts))


def main() -> None:
    run_command(lambda: _sample(sys.argv[1:]))


if __name__ == "__main__":
    main()
