"""Finding a dataset's files: a local copy given by `data.root`, or a verified, resumable download.

Downloads go through pooch (checksum verified; the file reaches the cache only once verified,
so a mismatch leaves nothing behind) with our own downloader, because pooch's restarts from
zero: ours keeps the bytes received so far in `<file>.part` in the cache and continues it with
an HTTP Range request, after a dropped connection or in a later run. With `data.root` set,
nothing touches the network.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path

from zoo.errors import ZooError

log = logging.getLogger(__name__)


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


class IncompleteDownload(OSError):
    """The server closed the connection before the whole file arrived."""


class ResumableDownloader:
    """A pooch downloader that continues `part` with HTTP Range requests (up to `retries` more
    attempts while each brings new bytes), then hands the whole file to pooch to verify.

    A server that ignores Range (status 200) restarts the part; one that answers 416 (the
    range starts at or past the end) means the part is already whole."""

    def __init__(
        self,
        part: Path,
        retries: int = 3,
        progressbar: bool = True,
        timeout: float = 60.0,
        chunk: int = 1 << 20,
    ):
        self.part, self.retries, self.progressbar = Path(part), retries, progressbar
        self.timeout, self.chunk = timeout, chunk

    def __call__(self, url: str, output_file: str, pooch=None, check_only: bool = False):
        import requests
        import urllib3

        dropped = (
            requests.ConnectionError,
            requests.Timeout,
            urllib3.exceptions.HTTPError,
            requests.exceptions.ChunkedEncodingError,
            IncompleteDownload,
        )
        for attempt in range(self.retries + 1):
            before = self._received()
            try:
                self._continue(url)
                break
            except dropped as exc:
                if attempt == self.retries or self._received() == before:
                    raise  # out of retries, or not a byte came (offline): fail fast
                log.warning("download of %s interrupted (%s); resuming", url, exc)
                time.sleep(min(attempt + 1, 10))
        os.replace(self.part, output_file)

    def _received(self) -> int:
        return self.part.stat().st_size if self.part.exists() else 0

    def _continue(self, url: str) -> None:
        import requests
        from tqdm.auto import tqdm

        done = self._received()
        headers = {"Accept-Encoding": "identity"}  # byte offsets must be the file's own
        if done:
            headers["Range"] = f"bytes={done}-"
        with requests.get(url, headers=headers, stream=True, timeout=self.timeout) as response:
            if done and response.status_code == 416:
                return
            response.raise_for_status()
            resumed = response.status_code == 206 and _range_start(response) == done
            if not resumed:
                done = 0
            remaining = int(response.headers.get("Content-Length") or 0)
            total = done + remaining if remaining else None
            with (
                open(self.part, "ab" if resumed else "wb") as out,
                tqdm(
                    total=total,
                    initial=done,
                    unit="B",
                    unit_scale=True,
                    leave=False,
                    desc=Path(self.part.name).stem,
                    disable=not self.progressbar,
                ) as bar,
            ):
                for block in response.raw.stream(self.chunk, decode_content=False):
                    out.write(block)
                    bar.update(len(block))
        size = self.part.stat().st_size
        if total is not None and size < total:
            raise IncompleteDownload(f"received {size} of {total} bytes")


def _range_start(response) -> int | None:
    """The first byte of a 206 answer, from `Content-Range: bytes START-END/TOTAL`."""
    value = response.headers.get("Content-Range", "")
    try:
        return int(value.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return None


def fetch(
    name: str,
    url: str | Sequence[str],
    known_hash: str | None,
    cache_dir: str | Path,
    filename: str | None = None,
    retries: int = 3,
    local_copy_hint: str = "a local copy of the data",
) -> Path:
    """Download `url` (or the first of several mirrors that works) into
    `cache_dir/downloads/<name>/` once, verified against `known_hash` ("sha256:..." or
    "md5:..."); later calls return the cached file without touching the network.
    `local_copy_hint` completes the offline error's "set data.root to ..."."""
    import pooch
    from filelock import FileLock

    urls = [url] if isinstance(url, str) else list(url)
    filename = filename or urls[0].rsplit("/", 1)[-1]
    folder = Path(cache_dir).expanduser() / "downloads" / name
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(folder / f".{filename}.lock"):  # parallel runs (a sweep) download it once
        failures = []
        for mirror in urls:
            downloader = ResumableDownloader(folder / f"{filename}.part", retries=retries)
            try:
                return Path(
                    pooch.retrieve(
                        mirror,
                        known_hash=known_hash,
                        fname=filename,
                        path=folder,
                        downloader=downloader,
                    )
                )
            except ValueError:  # pooch's checksum mismatch; it already deleted the file
                raise ZooError(
                    f"data={name}: the file downloaded from {mirror} does not match its "
                    f"published checksum {known_hash}, so it was discarded; try again later, "
                    "or set data.root to a local copy."
                ) from None
            except Exception as exc:  # offline, DNS, HTTP errors: try the next mirror
                failures.append(f"{mirror} ({type(exc).__name__})")
    raise ZooError(
        f"data={name}: {filename} is not in the cache ({folder}) and could not be downloaded "
        f"from {', '.join(failures)}; when offline, set data.root to {local_copy_hint}."
    )
