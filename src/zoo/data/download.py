"""Finding a dataset's files: a local copy given by `data.root`, or a verified download.

Downloads go through pooch (checksum verified, progress bar, written to a temporary file and
moved into the cache only once verified). With `data.root` set, nothing touches the network.
"""

from __future__ import annotations

from pathlib import Path

from zoo.errors import ZooError


def local_copy(name: str, root: str | Path, candidates: list[str]) -> Path:
    """The first of `candidates` (relative names) found under `root`, or `root` itself if it
    is one of them; a clear error naming where it looked otherwise."""
    root = Path(root).expanduser()
    if root.is_file() and (root.name in candidates or not candidates):
        return root
    for candidate in candidates:
        path = root / candidate
        if path.exists():
            return path
    raise ZooError(
        f"data={name}: none of {candidates} was found under data.root={root}; "
        "point data.root at a folder holding one of them."
    )


def fetch(name: str, url: str, known_hash: str | None, cache_dir: str | Path,
          filename: str | None = None) -> Path:
    """Download `url` into `cache_dir/downloads` once, verified against `known_hash`
    ("sha256:..." or "md5:..."); later calls return the cached file."""
    import pooch

    folder = Path(cache_dir).expanduser() / "downloads"
    try:
        return Path(pooch.retrieve(url, known_hash=known_hash, fname=filename, path=folder,
                                   progressbar=True))
    except ValueError as exc:  # pooch's checksum mismatch
        raise ZooError(f"data={name}: the download from {url} failed its checksum ({exc}); "
                       "the bad file was discarded, try again.") from None
    except Exception as exc:  # offline, DNS, HTTP errors
        raise ZooError(
            f"data={name}: could not download {url} ({type(exc).__name__}); when offline, "
            f"set data.root to a local copy (looked in {folder})."
        ) from None
