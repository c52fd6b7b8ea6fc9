"""A run stopped from outside -- Ctrl-C, or SIGTERM from a job scheduler's time limit or
`timeout` -- ends gracefully and records `"status": "interrupted"` with what it had.

SIGTERM raises the KeyboardInterrupt Ctrl-C raises, so both take one path: inside the
trainer, Lightning's graceful shutdown (callbacks' `on_exception`, loggers finalised), which
it ends with `sys.exit(1)`; `zoo.run.train.train_and_test` turns either into `Interrupted`.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Interrupted(KeyboardInterrupt):
    """A run stopped from outside: `where` it stopped, the `metrics` it had logged so far."""

    def __init__(self, where: str, metrics: dict):
        super().__init__(where)
        self.where, self.metrics = where, metrics


@contextmanager
def sigterm_interrupts() -> Iterator[list[signal.Signals]]:
    """While inside, SIGTERM raises KeyboardInterrupt; yields the list of signals received.
    Both handlers are restored afterwards (Lightning ignores Ctrl-C once it caught one)."""
    if threading.current_thread() is not threading.main_thread():
        yield []
        return
    received: list[signal.Signals] = []

    def stop(signum, frame):
        received.append(signal.Signals(signum))
        raise KeyboardInterrupt(signal.Signals(signum).name)

    previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    signal.signal(signal.SIGTERM, stop)
    try:
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
