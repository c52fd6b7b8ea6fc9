"""Where a seed dataset's file comes from: the local copy named by `data.root` (no network),
or the official download, verified and kept under `cache_dir/downloads`."""

from __future__ import annotations

from pathlib import Path

from zoo.data.files.download import fetch, local_copy


def source_file(
    name: str,
    root,
    candidates: list[str],
    url: str,
    known_hash: str | None,
    cache_dir: Path | None,
    filename: str | None = None,
) -> Path:
    """`root` itself (a file) or the first of `candidates` under it; else the download."""
    if root:
        path = Path(str(root)).expanduser()
        return path if path.is_file() else local_copy(name, path, candidates)
    return fetch(name, url, known_hash, cache_dir or Path("~/.cache/zoo"), filename=filename)
