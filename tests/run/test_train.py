"""The foundation: zoo-train composes the real config, learns, and records every run."""

from __future__ import annotations

import pytest
from conftest import read_metrics, run_cli, train_quick

SMALL = ["data.T=20", "data.n_train=1000", "data.n_val=200", "data.n_test=200"]


def test_default_composition_learns_the_adding_problem(tmp_path):
    quick = ["data.T=10", "data.n_train=2000", "data.batch_size=32", "optimizer.lr=0.003"]
    metrics, params = train_quick(SMALL + quick + ["trainer.max_epochs=5"], tmp_path)
    # always predicting the mean scores ~0.167; a learning LSTM goes well below it
    assert metrics["test/mse"] < 0.12
    assert params == 4 * (64 * (2 + 64) + 2 * 64) + 64 + 1


def test_same_seed_gives_the_same_metrics(tmp_path):
    runs = [train_quick(SMALL + ["trainer.max_epochs=1", "seed=3"], tmp_path / str(i))[0]
            for i in range(2)]
    assert runs[0] == runs[1]
    other, _ = train_quick(SMALL + ["trainer.max_epochs=1", "seed=4"], tmp_path / "other")
    assert other["test/mse"] != runs[0]["test/mse"]


def test_run_folder_holds_config_checkpoints_logs_and_metrics(tmp_path):
    run = tmp_path / "run"
    run_cli("zoo-train", *SMALL, "trainer.max_epochs=2", f"hydra.run.dir={run}", cwd=tmp_path)
    record = read_metrics(run)
    assert record["status"] == "ok"
    assert set(record) >= {"metrics", "seed", "choices", "overrides", "git_sha", "versions",
                           "wall_s", "params", "machine"}
    assert record["machine"]["cores"] >= 1 and record["machine"]["cpu"]
    assert len(record["epoch_s"]) == 2 and all(0 < s < record["wall_s"] for s in record["epoch_s"])
    assert {"val/mse", "test/mse", "test/loss"} <= set(record["metrics"])
    assert record["choices"]["cell"] == "lstm" and record["choices"]["data"] == "adding"
    assert "data.T=20" in record["overrides"]
    assert (run / ".hydra" / "config.yaml").is_file()
    assert (run / "checkpoints" / "last.ckpt").is_file()
    assert any(p.name.startswith("best-") for p in (run / "checkpoints").iterdir())
    assert (run / "csv" / "metrics.csv").is_file()


def test_multirun_gives_each_job_its_own_folder_and_record(tmp_path):
    sweep = tmp_path / "sweep"
    run_cli("zoo-train", "-m", *SMALL, "trainer.max_epochs=1", "cell=rnn,gru", "logger=none",
            f"hydra.sweep.dir={sweep}", cwd=tmp_path)
    records = sorted(sweep.glob("*/metrics.json"))
    assert len(records) == 2
    cells = {read_metrics(r.parent)["choices"]["cell"] for r in records}
    assert cells == {"rnn", "gru"}


def test_default_run_folders_are_unique_within_a_second(tmp_path):
    for _ in range(2):
        run_cli("zoo-train", *SMALL, "trainer.fast_dev_run=true", "logger=none", cwd=tmp_path)
    folders = list((tmp_path / "outputs").glob("*/*"))
    assert len(folders) == 2
    assert all((f / "metrics.json").is_file() for f in folders)


def test_a_wrong_option_lists_the_valid_choices_without_a_traceback(tmp_path):
    proc = run_cli("zoo-train", "cell=lstmm", cwd=tmp_path, check=False)
    assert proc.returncode != 0
    assert "Could not find 'cell/lstmm'" in proc.stderr
    assert "lstm" in proc.stderr and "gru" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("override", ["cell.init=zeros", "direction.merge=avg"])
def test_a_bad_value_is_one_sentence_and_is_recorded(tmp_path, override):
    run = tmp_path / "run"
    proc = run_cli("zoo-train", override, "trainer.fast_dev_run=true", f"hydra.run.dir={run}",
                   cwd=tmp_path, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    message = proc.stderr.strip().splitlines()[-1]
    assert message.startswith("error: ") and override.split("=")[0] in message
    record = read_metrics(run)
    assert record["status"] == "failed" and override.split("=")[0] in record["error"]
