"""The user's own files: resolving `data.path` and listing the files of a folder.

`data.path` is one file or folder (the splits are then cut from it), or a mapping
`{train: ..., val: ..., test: ...}` of separate files (`train` required; a missing `val` or
`test` is cut from train). Reading them is `text_file`'s job.
"""

from __future__ import annotations

import errno
import os
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
        missing = _missing(p)
        if missing:
            raise ZooError(f"data.path: {p} {missing}; point data.path at your {name} file or "
                           "folder.")
    return paths


def _missing(path: Path) -> str | None:
    """Why `path` cannot be opened (None when it can): it does not exist, a link on it leads
    nowhere or in a loop, or the system refuses to look (`Path.exists` says False to all)."""
    try:
        path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            return f"is a symbolic link to {os.readlink(path)}, which does not exist"
        return "does not exist"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "leads into a loop of symbolic links, so no file or folder is behind it"
        return f"cannot be read ({exc.strerror})"
    return None


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
