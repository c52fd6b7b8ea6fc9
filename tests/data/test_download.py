"""Resumable, verified downloads against a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from zoo.data.files.download import fetch
from zoo.errors import ZooError

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB
MD5 = "md5:" + hashlib.md5(PAYLOAD).hexdigest()


class FileServer(ThreadingHTTPServer):
    """Serves PAYLOAD with Range support; the first `drops` answers stop halfway."""

    def __init__(self, drops: int = 0):
        super().__init__(("127.0.0.1", 0), Handler)
        self.drops, self.ranges = drops, []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/data/file.bin"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        server = self.server
        header = self.headers.get("Range")
        server.ranges.append(header)
        start = int(header.split("=")[1].rstrip("-")) if header else 0
        body = PAYLOAD[start:]
        self.send_response(206 if header else 200)
        if header:
            self.send_header("Content-Range", f"bytes {start}-{len(PAYLOAD) - 1}/{len(PAYLOAD)}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if server.drops > 0:
            server.drops -= 1
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def visible(folder) -> list[str]:
    """The folder's files, without the hidden lock files."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


@pytest.fixture
def serve():
    servers = []

    def start(drops: int = 0) -> FileServer:
        server = FileServer(drops)
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_download_is_verified_and_cached(serve, tmp_path):
    server = serve()
    path = fetch("demo", server.url, MD5, tmp_path)
    assert path == tmp_path / "downloads" / "demo" / "file.bin"
    assert path.read_bytes() == PAYLOAD
    assert fetch("demo", server.url, MD5, tmp_path) == path
    assert len(server.ranges) == 1  # the second call used the cache


def test_dropped_connection_resumes_with_a_range_request(serve, tmp_path):
    server = serve(drops=1)
    path = fetch("demo", server.url, MD5, tmp_path, retries=1)
    assert path.read_bytes() == PAYLOAD
    assert server.ranges == [None, f"bytes={len(PAYLOAD) // 2}-"]
    assert not list(path.parent.glob("*.part"))


def test_interrupted_download_resumes_in_a_later_run(serve, tmp_path):
    server = serve(drops=1)
    with pytest.raises(ZooError, match="could not be downloaded"):
        fetch("demo", server.url, MD5, tmp_path, retries=0)
    folder = tmp_path / "downloads" / "demo"
    assert visible(folder) == ["file.bin.part"]
    assert (folder / "file.bin.part").stat().st_size == len(PAYLOAD) // 2
    path = fetch("demo", server.url, MD5, tmp_path, retries=0)
    assert path.read_bytes() == PAYLOAD
    assert server.ranges[-1] == f"bytes={len(PAYLOAD) // 2}-"
    assert visible(folder) == ["file.bin"]


def test_checksum_mismatch_leaves_nothing_in_the_cache(serve, tmp_path):
    server = serve()
    with pytest.raises(ZooError, match="does not match its published checksum"):
        fetch("demo", server.url, "md5:" + "0" * 32, tmp_path)
    assert visible(tmp_path / "downloads" / "demo") == []


def test_parallel_runs_download_once(serve, tmp_path):
    server = serve()
    found = []
    runs = [
        threading.Thread(target=lambda: found.append(fetch("demo", server.url, MD5, tmp_path)))
        for _ in range(3)
    ]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert len(found) == 3 and len(set(found)) == 1 and found[0].read_bytes() == PAYLOAD
    assert server.ranges == [None]


def test_a_bad_cached_file_is_downloaded_again(serve, tmp_path):
    server = serve()
    folder = tmp_path / "downloads" / "demo"
    folder.mkdir(parents=True)
    (folder / "file.bin").write_bytes(PAYLOAD[:1000])  # truncated by an old crash
    assert fetch("demo", server.url, MD5, tmp_path).read_bytes() == PAYLOAD


def test_offline_error_names_the_cache_and_data_root(tmp_path):
    server = FileServer()  # bound but never serving: the connection is refused
    url = server.url
    server.server_close()
    with pytest.raises(ZooError, match=r"not in the cache .*demo.* set data.root"):
        fetch("demo", url, MD5, tmp_path, retries=0)


def test_the_next_mirror_is_tried(serve, tmp_path):
    server = serve()
    dead = FileServer()
    dead_url = dead.url
    dead.server_close()
    path = fetch("demo", [dead_url, server.url], MD5, tmp_path, retries=0)
    assert path.read_bytes() == PAYLOAD
