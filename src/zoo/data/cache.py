"""A cache of processed splits, keyed by the datamodule, every processing option and the
identity of the source files, so a second run on the same data starts in about a second.

Entries are written to a temporary file and renamed, so an interrupted write never leaves a
half file that looks valid; an unreadable entry is deleted and rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import torch

from zoo.data.batches import TensorSequences
from zoo.spec import Spec

log = logging.getLogger(__name__)
FORMAT = 2  # bump when the cached layout changes (2: the Spec's typed fields)


def fingerprint(paths: list[Path]) -> list:
    """Cheap identity of the source files: path, size and modification time."""
    found = []
    for path in sorted(Path(p) for p in paths):
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for f in files:
            if f.is_file():
                st = f.stat()
                found.append([str(f), st.st_size, int(st.st_mtime)])
    return found


def cache_key(kind: str, options: dict, sources: list[Path]) -> str:
    blob = json.dumps({"format": FORMAT, "kind": kind, "options": options,
                       "sources": fingerprint(sources)}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def load(path: Path):
    if not path.is_file():
        return None
    try:
        blob = torch.load(path, weights_only=True)
        spec = Spec.from_dict(json.loads(blob["spec"]))
        splits = {name: TensorSequences(**tensors) for name, tensors in blob["splits"].items()}
        return spec, splits
    except Exception as exc:  # corrupt or from an older version: rebuild
        log.warning("discarding unreadable processed cache %s (%s)", path, exc)
        path.unlink(missing_ok=True)
        return None


def save(path: Path, spec: Spec, splits: dict[str, TensorSequences]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    blob = {"spec": json.dumps(spec.to_dict()),
            "splits": {name: data.tensors for name, data in splits.items()}}
    torch.save(blob, tmp)
    tmp.replace(path)
