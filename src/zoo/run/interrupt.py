"""A run stopped from outside -- Ctrl-C, SIGTERM from a job scheduler (`scancel`, a
requeue, a preemption, a time limit) or `timeout`, or the warning signal SLURM sends before a
time limit -- ends gracefully and records `"status": "interrupted"` with what it had.

SIGTERM and the warning signal raise the KeyboardInterrupt Ctrl-C raises, so all take one path:
inside the trainer, Lightning's graceful shutdown (callbacks' `on_exception`, loggers
finalised), which it ends with `sys.exit(1)`; `zoo.run.train.train_and_test` turns either into
`Interrupted`. Once the run's record is written, zoo.run.entry hands the warning signal to the
handler it displaced (submitit's, which requeues the job: zoo.run.attempts continues it).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Interrupted(KeyboardInterrupt):
    """A run stopped from outside: `where` it stopped, the `metrics` it had logged so far."""

    def __init__(self, where: str, metrics: dict):
        super().__init__(where)
        self.where, self.metrics = where, metrics


WHY = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "the scheduler or a user ended the process"}


def warning_signal() -> signal.Signals | None:
    """The signal SLURM sends before a job's time limit (submitit's --signal, USR2 unless
    SUBMITIT_PREEMPT_SIGNAL says otherwise); None outside SLURM."""
    if "SLURM_JOB_ID" not in os.environ:
        return None
    name = os.environ.get("SUBMITIT_PREEMPT_SIGNAL", "USR2")
    return getattr(signal, f"SIG{name.upper().removeprefix('SIG')}", signal.SIGUSR2)


def why(signum: signal.Signals) -> str:
    """`signum` and what sends it, for a record."""
    if signum == warning_signal():
        return f"{signum.name} (SLURM's warning before the time limit, or a preemption)"
    return f"{signum.name} ({WHY[signum]})" if signum in WHY else signum.name


@contextmanager
def sigterm_interrupts() -> Iterator[list[signal.Signals]]:
    """While inside, SIGTERM (and under SLURM its warning signal) raise KeyboardInterrupt;
    yields the list of signals received. The handlers are restored afterwards (Lightning
    ignores Ctrl-C once it caught one)."""
    if threading.current_thread() is not threading.main_thread():
        yield []
        return
    received: list[signal.Signals] = []

    def stop(signum, frame):
        received.append(signal.Signals(signum))
        raise KeyboardInterrupt(signal.Signals(signum).name)

    stopping = [signal.SIGTERM, *filter(None, [warning_signal()])]
    previous = {s: signal.getsignal(s) for s in (*stopping, signal.SIGINT)}
    for signum in stopping:
        signal.signal(signum, stop)
    try:
        yield received
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
