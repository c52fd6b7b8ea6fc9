"""Ranges of library keywords that the library itself leaves unchecked: it takes the value and
fails later (a division by zero at the first validation) or silently does something else (a
negative clip value flips every gradient, a negative patience stops at once).

Ranges a library does check are not repeated here: zoo.run.validate builds the optimizer and
the scheduler on a dummy parameter and reports what torch refuses, and asks Lightning about
`limit_*_batches`. Keys are a class's `module.qualname`; a subclass has its bases' ranges.
Each range is `knob()` metadata (zoo.knobs).
"""

from __future__ import annotations

RANGES = {
    "pytorch_lightning.trainer.trainer.Trainer": {
        "gradient_clip_val": {"low": 0},
        "check_val_every_n_epoch": {"low": 1},
    },
    "pytorch_lightning.callbacks.early_stopping.EarlyStopping": {"patience": {"low": 0}},
    "torch.optim.lr_scheduler.StepLR": {"step_size": {"low": 1}},
    "torch.optim.lr_scheduler.CosineAnnealingLR": {"T_max": {"low": 1}},
    "torch.optim.lr_scheduler.ReduceLROnPlateau": {"patience": {"low": 0}},
    "hydra_plugins.hydra_submitit_launcher.submitit_launcher.BaseSubmititLauncher": {
        "timeout_min": {"low": 1},
        "cpus_per_task": {"low": 1},
        "tasks_per_node": {"low": 1},
        "nodes": {"low": 1},
    },
}


def ranges_of(cls) -> dict:
    """The ranges of `cls`'s keywords: its own entry and its bases'."""
    found = {}
    for base in reversed(getattr(cls, "__mro__", (cls,))):
        found.update(RANGES.get(f"{base.__module__}.{base.__qualname__}", {}))
    return found
