"""Why zoo's MLflow logger shares one SQLite database between parallel jobs, and what guards it.

Two measurements, each with N processes started at once (python scripts/mlflow_sqlite_contention.py
[N] [BATCHES]; needs pip install 'zoo[mlflow]'):

1. a fresh database opened by N processes at once (what N jobs of a new sweep do): MLflow makes
   its tables with Alembic migrations, which collide ("table ... already exists", "Online
   migration expected to match one row"), so zoo makes the tables and each run under a file
   lock beside the database (zoo.tracking.mlflow_logger);
2. N processes logging BATCHES metric batches each to runs of one existing database: the
   "database is locked" errors SQLite's 5 s busy timeout lets through (zoo retries them).

It prints one line per measurement: the errors seen and each process's seconds.
"""

from __future__ import annotations

import multiprocessing
import sys
import tempfile
import time
from pathlib import Path


def _open_fresh(uri: str, out) -> None:
    from mlflow import MlflowClient

    try:
        MlflowClient(uri).search_experiments()
        out.put("ok")
    except Exception as exc:
        out.put(f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}")


def _log(uri: str, experiment: str, batches: int, out) -> None:
    from mlflow import MlflowClient
    from mlflow.entities import Metric

    client, errors, start = MlflowClient(uri), 0, time.time()
    run = client.create_run(experiment).info.run_id
    for step in range(batches):
        now = int(time.time() * 1000)
        try:
            client.log_batch(run, metrics=[Metric(f"m{k}", step, now, step) for k in range(8)])
        except Exception as exc:
            errors += "database is locked" in str(exc)
    out.put((errors, round(time.time() - start, 1)))


def _at_once(target, args_of, n: int) -> list:
    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=target, args=(*args_of(i), out)) for i in range(n)]
    for proc in procs:
        proc.start()
    found = [out.get() for _ in procs]
    for proc in procs:
        proc.join()
    return found


def main(n: int = 2, batches: int = 100) -> None:
    from mlflow import MlflowClient

    folder = Path(tempfile.mkdtemp(prefix="mlflow_contention_"))
    fresh = _at_once(_open_fresh, lambda i: (f"sqlite:///{folder / 'fresh.db'}",), n)
    print(f"{n} processes opening a fresh database: {fresh}")
    uri = f"sqlite:///{folder / 'shared.db'}"
    experiment = MlflowClient(uri).create_experiment("x", artifact_location=folder.as_uri())
    logged = _at_once(_log, lambda i: (uri, experiment, batches), n)
    print(
        f"{n} processes x {batches} metric batches: 'database is locked' errors "
        f"{[e for e, _ in logged]}, seconds {[s for _, s in logged]}"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
