"""`zoo.load(RUN)`: a trained run with its record, its model (the best checkpoint's) and
eval, sample and predict as zoo-eval, zoo-sample and zoo-predict do them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from zoo.run.checkpoints import LoadedRun, load_run, run_folder


@dataclass(eq=False)
class TrainedRun:
    """What `zoo.train` and `zoo.load` return; the checkpoint is read on first use."""

    path: Path  # the run folder, or one of its checkpoint files
    trust_run: bool = False  # build the run's own classes from it (zoo.config.trust)

    @property
    def folder(self) -> Path:
        return self.path if self.path.is_dir() else run_folder(self.path) or self.path.parent

    @property
    def record(self) -> dict:
        """The run's metrics.json ({} when there is none, e.g. a checkpoint copied alone)."""
        path = self.folder / "metrics.json"
        return json.loads(path.read_text()) if path.is_file() else {}

    @property
    def metrics(self) -> dict:
        return self.record.get("metrics") or {}

    @cached_property
    def loaded(self) -> LoadedRun:
        return load_run(self.path, self.trust_run)

    @property
    def model(self):
        """The trained SequenceTask (a LightningModule) from the best checkpoint, in eval mode."""
        return self.loaded.task

    @property
    def config(self):
        return self.loaded.config()

    def eval(self, split: str = "test", overrides: list[str] = ()) -> dict:
        """The metrics on `split`, also written to RUN/eval_metrics_<split>.json (zoo-eval)."""
        from zoo.run.evaluate import evaluate

        return evaluate(self.loaded.ckpt_path, split, overrides, self.trust_run)[0]

    def sample(self, prompt: str = "", **options) -> list[str]:
        """Generated texts (zoo-sample's options: condition, n, temperature, top_k, beam, ...)."""
        from zoo.inference.sampling import sample_texts

        return sample_texts(self.model, prompt, where=str(self.loaded.ckpt_path), **options)

    def predict(self, inputs: str | list[str]) -> list[dict]:
        """Predictions for one input or a list of them (zoo-predict's input lines)."""
        from zoo.inference.prediction import predict

        lines = [inputs] if isinstance(inputs, str) else list(inputs)
        return predict(self.model, lines, where=str(self.loaded.ckpt_path))


def load(path: str | Path, trust_run: bool = False) -> TrainedRun:
    """A trained run from its folder (its best checkpoint) or a checkpoint file. Only zoo's
    own classes are built from what it holds; `trust_run=True` also builds a run's own
    (a datamodule or topology of yours), for a run you trust."""
    run = TrainedRun(Path(path).expanduser(), trust_run)
    run.loaded  # noqa: B018  (a wrong path or a damaged checkpoint fails here, not later)
    return run
