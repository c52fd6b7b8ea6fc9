"""A translation run's greedy and beam-5 outputs for N test pairs (the first pair of N test
batches spread over the split, so short and long sentences both show), as a TSV for
docs/RESULTS.md (scripts/build_results.py shows results/<preset>/translations.tsv).

  python scripts/sample_translations.py RUN_DIR OUT.tsv [N] [data.root=...]
"""

from __future__ import annotations

import sys

import torch
from hydra.utils import instantiate

import zoo
from zoo.data.preprocess.codec import TextCodec
from zoo.task.module import target_sequences


def main(run_dir: str, out: str, n: int = 8, *overrides: str) -> None:
    run = zoo.load(run_dir)
    task = run.model
    datamodule = instantiate(run.loaded.config(list(overrides)).data)
    batches = list(datamodule.test_dataloader())
    source = TextCodec.for_input(task.spec)
    target = TextCodec.for_target(task.spec)
    lines = ["source\treference\tgreedy\tbeam 5"]
    for j in range(0, len(batches), max(len(batches) // n, 1))[:n]:
        batch = {k: v[:1] if torch.is_tensor(v) else v for k, v in batches[j].items()}
        max_len = batch["y"].size(1) + 2
        with torch.no_grad():
            [greedy] = task.model.generate(batch, max_len=max_len, greedy=True)
            [beam] = task.model.generate(batch, max_len=max_len, beam=5)
        src = batch["x"][0, : int(batch["x_len"][0])].tolist()
        [ref] = target_sequences(batch, task.spec.eos_id)
        texts = [source.decode(src), target.decode(ref), target.decode(greedy),
                 target.decode(beam)]
        lines.append("\t".join(texts))
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(lines) - 1} translations to {out}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *(int(a) if a.isdigit() else a for a in sys.argv[3:4]),
         *sys.argv[4:])
