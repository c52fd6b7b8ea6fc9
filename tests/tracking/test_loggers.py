"""Loggers (`logger=csv|wandb|tensorboard|many|none`): each run logs its whole config, its
parameter count and every metric; wandb stays offline unless set up, and every job of a
sweep is its own wandb run; classifiers get a confusion-matrix image."""

from __future__ import annotations

import csv
import importlib.util
import json
import struct

import pytest
import yaml
from conftest import read_metrics, run_cli, train_quick

from zoo.errors import ZooError
from zoo.tracking import tensorboard_logger
from zoo.tracking.wandb_logger import resolve_mode

TINY = [
    "data.T=5",
    "data.n_train=32",
    "data.n_val=16",
    "data.n_test=16",
    "cell.hidden_size=8",
    "trainer.max_epochs=1",
]
COPY = ["data=copy_memory", "topology=many_to_many", "topology.embedding_dim=8"]


def wandb_records(path):
    """The protobuf records of an offline wandb run file (LevelDB log format, 32 KiB blocks:
    a 7-byte header `:W&B` + magic + version, then chunks: crc32, length, type, data)."""
    from wandb.proto import wandb_internal_pb2

    data, pos, pending = path.read_bytes(), 7, b""
    assert data[:4] == b":W&B"
    while pos + 7 <= len(data):
        if 32768 - pos % 32768 < 7:  # a block's tail too short for a header is padding
            pos += 32768 - pos % 32768
            continue
        _, length, kind = struct.unpack("<IHB", data[pos : pos + 7])
        pending += data[pos + 7 : pos + 7 + length]
        pos += 7 + length
        if kind in (1, 4):  # a full record, or the last chunk of one
            record = wandb_internal_pb2.Record()
            record.ParseFromString(pending)
            pending = b""
            yield record


def wandb_run(folder) -> dict:
    """An offline run: id, group, tags, config, logged metric names, checkpoint artifacts."""
    (path,) = folder.glob("run-*.wandb")
    found = {"config": {}, "metrics": set(), "artifacts": []}
    for record in wandb_records(path):
        kind = record.WhichOneof("record_type")
        if kind == "run":
            found.update(
                id=record.run.run_id, group=record.run.run_group, tags=list(record.run.tags)
            )
        if kind in ("run", "config"):
            items = (record.run.config if kind == "run" else record.config).update
            found["config"].update({i.key: json.loads(i.value_json) for i in items})
        if kind == "artifact":
            found["artifacts"].append(json.loads(record.artifact.metadata)["original_filename"])
        if kind == "history":
            found["metrics"] |= {"/".join(i.nested_key) or i.key for i in record.history.item}
    return found


def test_wandb_jobs_of_a_sweep_are_separate_offline_runs(tmp_path):
    """Offline (the tests' environment sets WANDB_MODE=offline), checkpoints as artifacts."""
    sweep = tmp_path / "sweep"
    extra = ["logger.wandb.log_model=true", "~callbacks.progress_bar", "~callbacks.model_summary"]
    run_cli(
        "zoo-train",
        "-m",
        "logger=wandb",
        "seed=0,1",
        *TINY,
        *extra,
        f"hydra.sweep.dir={sweep}",
        cwd=tmp_path,
    )
    runs = {}
    for job in ("0", "1"):
        (folder,) = (sweep / job / "wandb").glob("offline-run-*")
        runs[job] = wandb_run(folder)
        assert runs[job]["id"] == (sweep / job / "wandb" / "run_id").read_text().strip()
        assert folder.name.endswith(runs[job]["id"])
    assert runs["0"]["id"] != runs["1"]["id"]
    for job, found in runs.items():
        assert found["group"] == "sweep"
        assert {"data=adding", "cell=lstm", "direction=uni", "topology=many_to_one"} <= set(
            found["tags"]
        )
        assert found["config"]["seed"] == int(job)
        assert found["config"]["data"]["T"] == 5 and found["config"]["optimizer"]["lr"] == 1e-3
        assert found["config"]["params"] == read_metrics(sweep / job)["params"]
        assert {"val/loss", "val/mse", "train/loss_epoch", "test/mse"} <= found["metrics"]
        assert sorted(found["artifacts"]) == ["best-epoch000.ckpt", "last.ckpt"]  # log_model


def test_wandb_is_offline_unless_set_up(tmp_path, monkeypatch):
    for name in ("WANDB_MODE", "WANDB_API_KEY", "WANDB_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    netrc = tmp_path / "netrc"
    netrc.write_text("")
    monkeypatch.setenv("NETRC", str(netrc))
    assert resolve_mode("auto") == "offline"
    netrc.write_text("machine api.wandb.ai\n  login user\n  password abc123\n")
    assert resolve_mode("auto") == "online"  # `wandb login`
    monkeypatch.setenv("WANDB_MODE", "offline")
    assert resolve_mode("auto") == "offline"
    monkeypatch.setenv("WANDB_MODE", "online")
    netrc.write_text("")
    assert resolve_mode("auto") == "online"
    assert resolve_mode("offline") == "offline"
    with pytest.raises(ZooError, match="logger.wandb.mode='cloud' is not known"):
        resolve_mode("cloud")


def test_csv_logs_the_config_the_parameters_and_every_metric(tmp_path):
    metrics, params = train_quick([*TINY, *COPY, "logger=csv", "trainer.max_epochs=2"], tmp_path)
    hparams = yaml.safe_load((tmp_path / "csv" / "hparams.yaml").read_text())
    assert hparams["params"] == params and hparams["data"]["name"] == "copy_memory"
    assert hparams["trainer"]["max_epochs"] == 2 and hparams["seed"] == 0
    with (tmp_path / "csv" / "metrics.csv").open() as file:
        rows = list(csv.DictReader(file))
    val = [float(r["val/acc"]) for r in rows if r["val/acc"]]
    # one row per epoch, and one for the best checkpoint unless it is the last epoch's: that
    # one is no epoch (zoo.tracking.csv_logger)
    best_is_last = (tmp_path / "checkpoints" / "best-epoch001.ckpt").is_file()
    assert len(val) == 3 - best_is_last and val[-1] == pytest.approx(metrics["val/acc"])
    epochs = [r["epoch"] for r in rows if r["val/acc"]]
    assert epochs == ["0", "1"] + [""] * (not best_is_last)
    if importlib.util.find_spec("matplotlib") is not None:
        images = sorted(p.name for p in (tmp_path / "confusion_matrix").iterdir())
        final = [] if best_is_last else ["val.png"]  # the best checkpoint's pass
        assert images == ["test.png", "val-epoch000.png", "val-epoch001.png", *final]


def test_tensorboard_writes_event_files(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    metrics, params = train_quick([*TINY, *COPY, "logger=tensorboard"], tmp_path)
    events = EventAccumulator(str(tmp_path / "tensorboard"))
    events.Reload()
    assert {"val/loss", "val/acc", "test/acc", "train/loss_epoch"} <= set(events.Tags()["scalars"])
    assert events.Scalars("test/acc")[-1].value == pytest.approx(metrics["test/acc"])
    if importlib.util.find_spec("matplotlib") is not None:
        assert "test/confusion_matrix" in events.Tags()["images"]
    assert (
        yaml.safe_load((tmp_path / "tensorboard" / "hparams.yaml").read_text())["params"] == params
    )


def test_tensorboard_hparams_tab_holds_the_config_against_the_final_metrics(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData

    metrics, _ = train_quick([*TINY, "logger=tensorboard", "optimizer.lr=0.002"], tmp_path)
    events = EventAccumulator(str(tmp_path / "tensorboard"))
    events.Reload()
    content = events.PluginTagToContent("hparams")
    experiment = HParamsPluginData.FromString(content["_hparams_/experiment"]).experiment
    assert {m.name.tag for m in experiment.metric_infos} == set(metrics)
    assert {"test/mse", "test/baseline_mse", "val/mse"} <= set(metrics)
    session = HParamsPluginData.FromString(content["_hparams_/session_start_info"])
    hparams = session.session_start_info.hparams
    assert hparams["cell.hidden_size"].number_value == 8
    assert hparams["optimizer.lr"].number_value == pytest.approx(0.002)
    assert hparams["cell.kind"].string_value == "lstm"
    assert hparams["data.name"].string_value == "adding"


def test_tensorboard_without_its_package_is_one_sentence(monkeypatch, tmp_path):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(
        ZooError,
        match=r"needs the tensorboard package; install it with "
        r"pip install 'zoo\[tensorboard\]'",
    ):
        tensorboard_logger(str(tmp_path))
