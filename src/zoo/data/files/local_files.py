"""The user's own files: resolving `data.path` and listing the files of a folder.

`data.path` is one file or folder (the splits are then cut from it), or a mapping
`{train: ..., val: ..., test: ...}` of separate files (`train` required; a missing `val` or
`test` is cut from train). Reading them is `text_file`'s job.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from zoo.errors import ZooError

SPLITS = ("train", "val", "test")


def source_paths(name: str, path) -> dict[str, Path]:
    """`{"all": path}` for one file or folder, or `{"train": ..., "val": ..., "test": ...}`."""
    if path is None or path == "":
        raise ZooError(
            f"data={name} reads your own files and needs data.path; set data.path=/path/to/file "
            "(or data.path={train:...,val:...,test:...} for separate split files)."
        )
    if isinstance(path, Mapping):
        paths = {str(k): v for k, v in path.items() if v is not None}
        unknown = sorted(set(paths) - set(SPLITS))
        if unknown or "train" not in paths:
            raise ZooError(
                f"data.path for data={name} is a mapping with keys {sorted(paths)}, but it needs "
                f"a 'train' key and may only add 'val' and 'test'; fix the keys {unknown or ''}."
            )
        paths = {k: Path(str(v)).expanduser() for k, v in paths.items()}
    else:
        paths = {"all": Path(str(path)).expanduser()}
    for p in paths.values():
        if not p.exists():
            raise ZooError(
                f"data.path: {p} does not exist; point data.path at your {name} file or folder."
            )
    return paths


def plural(n: int, word: str) -> str:
    """`1 field`, `2 fields`: counts in messages."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def files_in(folder: Path, suffixes: tuple[str, ...] = ()) -> list[Path]:
    """The visible files under `folder` (recursively, sorted), optionally by suffix."""
    found = [
        p
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and (not suffixes or p.suffix.lower() in suffixes)
    ]
    if not found:
        raise ZooError(f"data.path: the folder {folder} holds no data files; check data.path.")
    return found
