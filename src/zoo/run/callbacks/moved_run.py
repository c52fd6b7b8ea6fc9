"""A run folder copied or moved resumes its own checkpoints.

Lightning's ModelCheckpoint keeps absolute paths in its state (the best checkpoint, the top-k,
the last), and on resume from another folder it keeps the old best path: the copy's final
evaluation would read the original folder's checkpoint, and a moved folder's would not exist.
Before the checkpoint callbacks load their state, each path into the saved folder is mapped to
the same file in this run's folder, where that file exists.
"""

from __future__ import annotations

from pathlib import Path

import pytorch_lightning as pl


def _moved(path, old: Path, new: Path):
    if not path or Path(path).parent != old or not (new / Path(path).name).is_file():
        return path
    return str(new / Path(path).name)


class MovedRun(pl.Callback):
    def on_load_checkpoint(self, trainer, pl_module, checkpoint: dict) -> None:
        states = checkpoint.get("callbacks", {})
        for callback in trainer.checkpoint_callbacks:
            state = states.get(callback.state_key)
            if not state or not state.get("dirpath") or not callback.dirpath:
                continue
            old, new = Path(state["dirpath"]), Path(callback.dirpath)
            if old == new:
                continue
            for key in ("best_model_path", "kth_best_model_path", "last_model_path"):
                if key in state:
                    state[key] = _moved(state[key], old, new)
            if "best_k_models" in state:
                state["best_k_models"] = {_moved(p, old, new): score
                                          for p, score in state["best_k_models"].items()}
            if state["best_model_path"] == "" or Path(state["best_model_path"]).parent == new:
                state["dirpath"] = callback.dirpath  # all of it is here: keep the whole state
