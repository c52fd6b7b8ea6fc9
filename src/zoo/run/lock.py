"""One zoo-train at a time in a run folder: the folder's lock file is held for the run's life.

An OS file lock (flock, through filelock): the OS releases it when the process ends in any
way, so the lock a killed run leaves on disk is stale and the next run takes it over.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from pytorch_lightning.utilities import rank_zero_only

from zoo.errors import ZooError

LOCK = ".zoo.lock"


@contextmanager
def run_lock(run: Path | None, option: str = "hydra.run.dir") -> Iterator[None]:
    """Hold `run`'s lock while the body runs; one sentence if another process holds it. A
    folder made here only for its lock is removed again if the run left nothing in it. DDP
    ranks > 0 run in rank 0's folder under rank 0's lock."""
    if run is None or rank_zero_only.rank > 0:
        yield
        return
    created = not run.exists()
    lock = FileLock(run / LOCK, timeout=0)
    try:
        run.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except Timeout:
        raise ZooError(
            f"another zoo-train is running in {run} (it holds {run / LOCK}); wait for it to "
            f"end, or give {option} another folder."
        ) from None
    except OSError:  # a folder it cannot write: nothing to mix; the run says why it fails
        lock = None
    try:
        yield
    finally:
        if lock is not None:
            lock.release()
            if created and [p.name for p in run.iterdir()] == [LOCK]:
                (run / LOCK).unlink()
                run.rmdir()
