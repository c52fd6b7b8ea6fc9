"""logger=mlflow: one MLflow run per zoo run in one SQLite database (the sweep folder's, or
outputs/'s), with the choices and knobs as params, every metric by step, the record's final
metrics, tags, and the record's status as the run's; a resumed run continues its MLflow run."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pytest
from conftest import LAUNCHERS, cli, cli_env, compose_train, read_metrics, run_cli

from zoo.errors import ZooError

mlflow = pytest.importorskip("mlflow")

from mlflow import MlflowClient  # noqa: E402

from zoo.tracking import finish_mlflow, mlflow_logger  # noqa: E402
from zoo.tracking.mlflow_logger import RUN_FILE, default_tracking_uri, retry_locked  # noqa: E402

SMALL = [
    "data.T=5",
    "data.n_val=16",
    "data.n_test=16",
    "cell.hidden_size=8",
    "trainer.enable_progress_bar=false",
    "logger=mlflow",
]
TINY = [*SMALL, "data.n_train=32"]  # one step an epoch


def runs_of(database: Path) -> dict:
    """{run name: MLflow run} of every experiment in a SQLite tracking database."""
    client = MlflowClient(f"sqlite:///{database}")
    experiments = [e.experiment_id for e in client.search_experiments()]
    return {run.info.run_name: run for run in client.search_runs(experiments)}


def test_a_parallel_sweep_is_one_experiment_in_its_folders_database(tmp_path):
    """Two jobs at a time (joblib) write one SQLite database; a job that fails shows FAILED."""
    pytest.importorskip("hydra_plugins.hydra_joblib_launcher")
    sweep = tmp_path / "sweep"
    proc = run_cli(
        "zoo-train",
        "-m",
        *TINY,
        *LAUNCHERS["joblib"],
        "trainer.max_epochs=2",
        "cell=lstm,gru",
        "optimizer.lr=0.01,-1",
        "logger.mlflow.log_model=true",
        f"hydra.sweep.dir={sweep}",
        cwd=tmp_path,
    )
    assert "database is locked" not in proc.stderr
    client = MlflowClient(f"sqlite:///{sweep / 'mlflow.db'}")
    assert [e.name for e in client.search_experiments()] == [str(sweep), "Default"]
    runs = {r.data.tags["run_folder"]: r for r in runs_of(sweep / "mlflow.db").values()}
    assert sorted(runs) == sorted(str(job.resolve()) for job in sweep.glob("[0-9]"))
    for job in sweep.glob("[0-9]"):
        record = read_metrics(job)
        cell = record["choices"]["cell"]
        lr = next(o for o in record["overrides"] if o.startswith("optimizer.lr="))
        run = runs[str(job.resolve())]
        assert f"cell={cell}," in run.info.run_name and f",{lr}," in run.info.run_name
        run_id = json.loads((job / RUN_FILE).read_text())["run_id"]
        assert run.info.run_id == run_id
        assert run.data.tags["seed"] == "0" and run.data.tags["status"] == record["status"]
        assert run.data.tags["mlflow.source.git.commit"] == record["git_sha"]
        params = run.data.params
        assert params["cell"] == cell and params["data"] == "adding"
        assert params["cell.hidden_size"] == "8"
        assert float(params["optimizer.lr"]) == float(lr.split("=")[1])
        if record["status"] == "ok":
            assert run.info.status == "FINISHED"
            assert params["params"] == str(record["params"])
            for name, value in record["metrics"].items():
                assert run.data.metrics[name] == value
            steps = [m.step for m in client.get_metric_history(run_id, "val/mse")]
            assert steps[:2] == [0, 1]  # each epoch's, at its step
            files = {a.path for a in client.list_artifacts(run_id)}
            # log_model: the best and last checkpoints
            assert files == {p.stem for p in (job / "checkpoints").glob("*.ckpt")}
            assert any(name.startswith("best-epoch") for name in files)
        else:  # optimizer.lr=-1 fails before training: its MLflow run is made at the end
            assert record["status"] == "failed" and lr == "optimizer.lr=-1"
            assert run.info.status == "FAILED"
            assert "optimizer.lr" in run.data.tags["error"]
    assert sorted(r.info.status for r in runs.values()) == [
        "FAILED",
        "FAILED",
        "FINISHED",
        "FINISHED",
    ]


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    import time

    deadline = time.time() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()[1][-3000:]
        assert time.time() < deadline, f"{path} never appeared"
        time.sleep(0.2)


def test_an_interrupted_run_is_killed_and_its_resume_continues_the_same_run(tmp_path):
    run = tmp_path / "outputs" / "run"
    overrides = [*SMALL, "data.n_train=500", "trainer.max_epochs=1000"]
    proc = subprocess.Popen(
        [cli("zoo-train"), *overrides, f"hydra.run.dir={run}"],
        cwd=tmp_path,
        env=cli_env(),
        text=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(run / "checkpoints" / "last.ckpt", proc)  # an epoch is done
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert read_metrics(run)["status"] == "interrupted"
    database = tmp_path / "outputs" / "mlflow.db"  # outputs/ of the folder it started in
    (stopped,) = runs_of(database).values()
    assert stopped.info.status == "KILLED" and stopped.data.tags["status"] == "interrupted"
    assert stopped.info.run_name == ",".join(sorted(overrides))  # its overrides

    run_cli("zoo-train", f"ckpt_path={run}", "trainer.max_epochs=3", cwd=tmp_path)
    record = read_metrics(run)
    assert record["status"] == "ok"
    (resumed,) = runs_of(database).values()  # the same MLflow run, not a second one
    assert resumed.info.run_id == stopped.info.run_id
    assert resumed.info.status == "FINISHED" and resumed.data.tags["status"] == "ok"
    assert resumed.data.metrics["test/mse"] == record["metrics"]["test/mse"]
    # MLflow keeps a param's first value: what the resume changed is a tag
    assert resumed.data.params["trainer.max_epochs"] == "1000"
    assert "trainer.max_epochs: 1000 -> 3" in resumed.data.tags["params_changed"]

    # a resume of the finished run that fails keeps its record, and its MLflow run's end
    run_cli("zoo-train", f"ckpt_path={run}", "optimized_metric=val/acc", cwd=tmp_path, check=False)
    assert read_metrics(run)["status"] == "ok" and (run / "resume_failed.json").is_file()
    (kept,) = runs_of(database).values()
    assert kept.info.status == "FINISHED" and kept.data.tags["status"] == "ok"
    assert kept.data.tags["error"].startswith("a resume ended failed (resume_failed.json): ")
    assert kept.data.metrics["test/mse"] == record["metrics"]["test/mse"]


def test_the_tracking_uri_comes_from_the_config_the_environment_or_the_outputs_root(
    tmp_path, monkeypatch
):
    from hydra.core.hydra_config import HydraConfig

    monkeypatch.setattr(HydraConfig.instance(), "cfg", None)  # no job of an earlier test
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert default_tracking_uri() == f"sqlite:///{tmp_path / 'outputs' / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'env.db'}")
    assert default_tracking_uri() == f"sqlite:///{tmp_path / 'env.db'}"
    given = f"sqlite:///{tmp_path / 'given.db'}"
    logger = mlflow_logger(save_dir=str(tmp_path / "run"), tracking_uri=given)
    stored = json.loads((tmp_path / "run" / RUN_FILE).read_text())
    assert stored == {"tracking_uri": given, "run_id": logger.run_id}
    assert (tmp_path / "given.db").is_file() and not (tmp_path / "env.db").exists()


@pytest.mark.parametrize(
    ("status", "mlflow_status"),
    [("ok", "FINISHED"), ("failed", "FAILED"), ("interrupted", "KILLED"), ("pruned", "KILLED")],
)
def test_the_record_status_ends_the_mlflow_run(tmp_path, status, mlflow_status):
    """A pruned trial never ran to its end (no test): KILLED, its status tag says pruned."""
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    cfg = compose_train(["logger=mlflow", f"logger.mlflow.tracking_uri={uri}"], tmp_path)
    logger = mlflow_logger(save_dir=str(tmp_path), tracking_uri=uri)
    logger.log_metrics({"val/loss": 0.5}, step=4)
    record = {
        "status": status,
        "metrics": {"val/loss": 0.25, "val/acc": None},
        "seed": 3,
        "git_sha": "abc",
    }
    finish_mlflow(cfg, tmp_path, record)
    run = MlflowClient(uri).get_run(logger.run_id)
    assert run.info.status == mlflow_status and run.data.tags["status"] == status
    assert run.data.metrics == {"val/loss": 0.25}  # the record's, after step 4's
    history = MlflowClient(uri).get_metric_history(logger.run_id, "val/loss")
    assert [(m.step, m.value) for m in history] == [(4, 0.5), (4, 0.25)]


def test_logger_many_includes_mlflow_when_it_is_installed(tmp_path, monkeypatch):
    cfg = compose_train(["logger=many"], tmp_path)
    assert sorted(cfg.logger) == ["csv", "mlflow", "tensorboard", "wandb"]
    assert cfg.logger.mlflow.if_installed is True
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "mlflow" else find_spec(name, *a),
    )
    assert mlflow_logger(save_dir=str(tmp_path), if_installed=True) is None
    with pytest.raises(
        ZooError,
        match=r"logger=mlflow needs the mlflow package; install it "
        r"with pip install 'zoo\[mlflow\]'",
    ):
        mlflow_logger(save_dir=str(tmp_path))


def test_a_damaged_run_file_is_one_sentence(tmp_path):
    (tmp_path / RUN_FILE).parent.mkdir()
    (tmp_path / RUN_FILE).write_text('{"run_id": 3}')
    with pytest.raises(
        ZooError,
        match=r"run.json does not name an MLflow run \(tracking_uri "
        r"and run_id\); delete it to start a new MLflow run",
    ):
        mlflow_logger(save_dir=str(tmp_path), tracking_uri=f"sqlite:///{tmp_path / 'x.db'}")
    assert not (tmp_path / "x.db").exists()


def test_a_locked_database_is_tried_again(monkeypatch):
    import time

    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    calls = []

    def write(fail: str, times: int):
        calls.append(fail)
        if len(calls) <= times:
            raise RuntimeError(fail)
        return "written"

    assert retry_locked(write, "(sqlite3.OperationalError) database is locked", 3) == "written"
    assert len(calls) == 4
    calls.clear()
    with pytest.raises(RuntimeError, match="no such table"):
        retry_locked(write, "no such table: runs", 1)
    assert len(calls) == 1


def test_images_and_tables_are_artifacts_of_the_run(tmp_path):
    """Confusion matrices (a classifier's) and text tables (generated samples) go to MLflow."""
    pytest.importorskip("matplotlib")
    from types import SimpleNamespace

    from conftest import train_quick

    from zoo.tracking.publish import publish_table

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    copy = ["data=copy_memory", "topology=many_to_many", "topology.embedding_dim=8"]
    train_quick(
        [*TINY, *copy, "trainer.max_epochs=1", f"logger.mlflow.tracking_uri={uri}"], tmp_path
    )
    run_id = json.loads((tmp_path / RUN_FILE).read_text())["run_id"]
    client = MlflowClient(uri)
    images = {a.path for a in client.list_artifacts(run_id, "confusion_matrix")}
    assert {"confusion_matrix/val-epoch000.png", "confusion_matrix/test.png"} <= images

    logger = mlflow_logger(save_dir=str(tmp_path), tracking_uri=uri)  # the same run, resumed
    trainer = SimpleNamespace(
        loggers=[logger], global_step=7, current_epoch=2, default_root_dir=str(tmp_path)
    )
    publish_table(trainer, "val/samples", ["prompt", "sample"], [["ab", "c|d"]], "samples.txt")
    text = Path(client.download_artifacts(run_id, "val/samples/step7.md", str(tmp_path)))
    assert text.read_text() == (
        "# val/samples, epoch 2, step 7\n\n| prompt | sample |\n|---|---|\n| ab | c\\|d |\n"
    )
