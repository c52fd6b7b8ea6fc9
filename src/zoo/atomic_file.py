"""Files that are either whole or absent: written to a temporary file beside the target, then
renamed over it, so a run killed mid-write leaves the previous version (checkpoints, records).
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import torch
from lightning_fabric.plugins.io.torch_io import TorchCheckpointIO


def write_atomically(path: str | Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except OSError as exc:  # a full disk names no file: name the one being written
        Path(temp).unlink(missing_ok=True)
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class AtomicCheckpointIO(TorchCheckpointIO):
    """Lightning's checkpoint writer, with the rename in the checkpoint's own folder, and each
    removal held back until the next checkpoint is written.

    At an epoch's end the best checkpoint's callback saves the new best and removes the old one
    before last.ckpt is written: a run stopped in between would resume from a last.ckpt whose
    best checkpoint is gone. Held back, the old best goes only once last.ckpt names the new one.
    `remove_held` removes what is still held when training ends.
    """

    def __init__(self) -> None:
        super().__init__()
        self._held: list = []

    def save_checkpoint(self, checkpoint: dict, path, storage_options=None) -> None:
        buffer = io.BytesIO()
        torch.save(checkpoint, buffer)
        write_atomically(path, buffer.getvalue())
        self._held = [held for held in self._held if Path(held) != Path(path)]  # rewritten
        self.remove_held()

    def remove_checkpoint(self, path) -> None:
        self._held.append(path)

    def remove_held(self) -> None:
        held, self._held = self._held, []
        for path in held:
            super().remove_checkpoint(path)
