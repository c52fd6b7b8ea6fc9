"""The notebook API: `import zoo` is cheap; compose, train, load, eval, predict and table run
the CLI's code and leave the CLI's run folder."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import cell_sweep
from omegaconf import OmegaConf

import zoo
from zoo.errors import ZooError

TINY = ["data.n_train=64", "data.n_val=32", "data.n_test=32", "data.T=10",
        "trainer.max_epochs=2", "cell.hidden_size=8", "trainer.enable_progress_bar=false",
        "trainer.enable_model_summary=false"]


def test_import_zoo_loads_neither_torch_nor_hydra():
    code = "import sys, zoo; print(sorted({'torch', 'hydra', 'zoo.api'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_compose_train_load_eval_predict_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = zoo.compose(*TINY, "seed=1")
    assert (cfg.seed, cfg.data.T, cfg.hydra.runtime.choices.cell) == (1, 10, "lstm")
    run = zoo.train(cfg)
    assert run.folder.parent.parent == tmp_path / "outputs"  # zoo-train's fresh folder
    record = json.loads((run.folder / "metrics.json").read_text())
    assert record["status"] == "ok" and record["seed"] == 1
    assert record["choices"]["cell"] == "lstm" and "data.T=10" in record["overrides"]
    assert OmegaConf.load(run.folder / ".hydra" / "overrides.yaml") == record["overrides"]
    assert run.metrics == record["metrics"] and "test/mse" in run.metrics
    assert run.model.count_parameters() == record["params"]

    again = zoo.train(cfg, output_dir=tmp_path / "mine")
    assert again.folder == tmp_path / "mine" and again.metrics == run.metrics  # same seed

    loaded = zoo.load(run.folder)
    assert loaded.eval("test")["test/mse"] == pytest.approx(run.metrics["test/mse"], rel=1e-5)
    assert (run.folder / "eval_metrics_test.json").is_file()
    [found] = loaded.predict("0.5 1, 0.2 0, 0.3 1")
    assert isinstance(found["value"], float)

    table = zoo.table(tmp_path, by="seed", metric="test/mse")
    [row] = table.records()
    assert (row["seed"], row["n"]) == ("1", 2)
    assert row["test/mse_mean"] == pytest.approx(run.metrics["test/mse"])
    assert "| seed | test/mse |" in table._repr_markdown_()


def test_a_failed_run_is_recorded_then_raised(tmp_path):
    cfg = zoo.compose(*TINY, "topology=one_to_many", "direction=bi")
    with pytest.raises(ZooError):
        zoo.train(cfg, output_dir=tmp_path)
    assert json.loads((tmp_path / "metrics.json").read_text())["status"] == "failed"


def test_train_needs_a_composed_config(tmp_path):
    with pytest.raises(ZooError, match="zoo.compose"):
        zoo.train(OmegaConf.create({"seed": 0}), output_dir=tmp_path)


def test_table_to_pandas(tmp_path):
    pytest.importorskip("pandas")
    frame = zoo.table(cell_sweep(tmp_path), by="cell").to_pandas()
    assert list(frame["cell"]) == ["gru", "rnn"]
    assert frame["test/acc_mean"].tolist() == pytest.approx([0.85, 0.6])
