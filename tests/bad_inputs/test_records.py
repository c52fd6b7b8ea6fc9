"""Records that say what happened (issue 19, sections 5 and 6): a debug run is a smoke run and
never the best row; zoo-plot finds the metric a run optimised; a one-row table has nothing to
compare; the evaluations after training are no epoch of a curve; a table row pools seeds, not
configurations; zoo-eval keeps one file per split.

Table and plot fixtures are hand-written run folders (metrics.json, .hydra/config.yaml,
csv/metrics.csv); two tests train a tiny run."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import QUICK, compose_train, read_csv, write_run

import zoo
from zoo.report.collect import collect
from zoo.report.curves import logged
from zoo.run.evaluate import evaluate
from zoo.run.smoke import smoke_reason
from zoo.run.train import train_and_test
from zoo.tracking import ResumableCSVLogger

from .conftest import run_in_process, says

DEBUG = Path(__file__).parents[2] / "conf" / "debug"
DEBUG_OPTIONS = sorted(p.stem for p in DEBUG.glob("*.yaml"))
TINY = ["data.n_train=64", "data.n_val=32", "data.n_test=32", "data.T=6", "cell.hidden_size=8"]


def run(command: str, *args, monkeypatch) -> tuple[int, str, str]:
    return run_in_process(command, *map(str, args), monkeypatch=monkeypatch)


# --- a debug run is a smoke run, and never the best row ------------------------------------

@pytest.mark.parametrize("option", DEBUG_OPTIONS)
def test_every_debug_option_is_a_smoke_run(option, tmp_path):
    cfg = compose_train([f"debug={option}"], tmp_path)
    assert smoke_reason(cfg.trainer, option) == f"debug={option}"


@pytest.mark.parametrize("override, reason", [
    ("trainer.overfit_batches=3", "trainer.overfit_batches=3"),  # what debug=overfit sets
    ("trainer.overfit_batches=0.1", "trainer.overfit_batches=0.1"),
    ("trainer.limit_train_batches=3", "trainer.limit_train_batches=3"),
    ("trainer.overfit_batches=0", None),  # Lightning's "off"
])
def test_trainer_options_that_cut_a_run_are_smoke_without_a_debug_choice(override, reason,
                                                                         tmp_path):
    assert smoke_reason(compose_train([override], tmp_path).trainer) == reason


def test_debug_overfit_is_recorded_as_a_smoke_run(tmp_path):
    """Through zoo.train (zoo-train's record): the debug= choice reaches metrics.json."""
    cfg = zoo.compose(*QUICK, *TINY, "debug=overfit", "trainer.max_epochs=1",
                      "trainer.detect_anomaly=false")
    trained = zoo.train(cfg, output_dir=tmp_path / "run")
    record = json.loads((trained.folder / "metrics.json").read_text())
    assert record["smoke"] is True and record["smoke_reason"] == "debug=overfit"


def test_a_smoke_run_is_never_the_best_row(tmp_path, monkeypatch):
    for cell, acc in (("gru", 0.8), ("lstm", 0.7)):
        write_run(tmp_path / cell, cell=cell, metrics={"test/acc": acc})
    write_run(tmp_path / "rnn", cell="rnn", metrics={"test/acc": 0.99}, smoke=True,
              smoke_reason="debug=overfit")
    code, out, _ = run("zoo-table", tmp_path, "--format", "csv", monkeypatch=monkeypatch)
    assert code == 0 and [r["cell"] for r in read_csv(out)] == ["gru", "lstm"]  # left out
    code, out, err = run("zoo-table", tmp_path, "--format", "csv", "--include-smoke",
                         monkeypatch=monkeypatch)
    best = {r["cell"]: r["test/acc_best"] for r in read_csv(out)}
    assert code == 0 and best == {"gru": "*", "lstm": "", "rnn": ""}  # 0.99 is a smoke run's
    assert "1 smoke run included (never marked best)" in err


# --- zoo-plot reads the metric each run optimised -------------------------------------------

def plotted_run(folder: Path, *, cell: str, seed: int, acc: float, recorded: str | None):
    """A run trained with the default `optimized_metric: auto`; metrics.json records what it
    became (`recorded`; None: a record without the field)."""
    fields = {"optimized_metric": recorded, "optimized_mode": "max"} if recorded else {}
    write_run(folder, cell=cell, seed=seed, metrics={"val/acc": acc, "test/acc": acc},
              **fields)
    (folder / ".hydra" / "config.yaml").write_text("optimized_metric: auto\n"
                                                    "optimized_mode: auto\n")
    (folder / "csv").mkdir()
    (folder / "csv" / "metrics.csv").write_text(
        "epoch,step,train/loss_epoch,val/acc\n0,4,0.9,\n0,4,,0.5\n1,9,0.7,\n1,9,,"
        f"{acc}\n")


def test_zoo_plot_uses_the_metric_an_auto_run_recorded(tmp_path, monkeypatch):
    from zoo.cli.plot import final_metric

    pytest.importorskip("matplotlib")
    for job, (cell, acc) in enumerate([("gru", 0.9), ("rnn", 0.6)]):
        plotted_run(tmp_path / str(job), cell=cell, seed=0, acc=acc, recorded="val/acc")
    assert final_metric(collect([tmp_path]).runs, None) == "test/acc"
    figure = tmp_path / "sweep.png"
    code, out, err = run("zoo-plot", tmp_path, "-o", figure, monkeypatch=monkeypatch)
    assert code == 0 and figure.is_file(), err
    assert f"wrote {figure}" in out


def test_zoo_plot_without_a_recorded_metric_asks_for_metric(tmp_path, refusal):
    pytest.importorskip("matplotlib")
    plotted_run(tmp_path / "0", cell="gru", seed=0, acc=0.9, recorded=None)
    says(refusal("zoo-plot", str(tmp_path), "-o", str(tmp_path / "x.png")),
         r"no run records the metric it optimised", r"pass --metric NAME, one of .*test/acc")


# --- a table of one row has nothing to compare ----------------------------------------------

def test_significance_on_one_row_is_one_sentence(tmp_path, refusal):
    for seed, acc in enumerate([0.8, 0.9, 0.85]):
        write_run(tmp_path / str(seed), seed=seed, metrics={"test/acc": acc})
    says(refusal("zoo-table", str(tmp_path), "--significance"),
         r"single row \(3 runs of one configuration\)", r"nothing to compare",
         r"drop --significance")


def test_significance_with_no_two_rows_of_one_dataset_has_no_traceback(tmp_path, monkeypatch):
    pytest.importorskip("scipy")
    for name in ("airline.csv", "sales.csv"):
        write_run(tmp_path / name, data="csv", extra=[f"data.path=/files/{name}"],
                  metrics={"test/rmse": 0.5})
    code, out, err = run("zoo-table", tmp_path, "--significance", "--format", "csv",
                         monkeypatch=monkeypatch)
    assert code == 0 and "Traceback" not in err and len(read_csv(out)) == 2


# --- the evaluations after training are no epoch of a curve ---------------------------------

def _csv_rows(folder: Path) -> list[dict]:
    with (folder / "csv" / "metrics.csv").open(newline="") as file:
        return list(csv.DictReader(file))


def test_the_csv_log_marks_the_evaluations_after_training(tmp_path):
    logger = ResumableCSVLogger(str(tmp_path), name="csv", version="")
    for epoch in (0, 1):
        logger.log_metrics({"epoch": epoch, "train/loss_epoch": 1.0 - epoch / 10}, step=epoch)
        logger.log_metrics({"epoch": epoch, "val/loss": 0.5 + epoch}, step=epoch)
    logger.after_training()
    logger.log_metrics({"epoch": 2, "val/loss": 0.5}, step=1)  # Lightning's epoch and step
    logger.save()
    final = _csv_rows(tmp_path)[-1]
    assert (final["epoch"], final["step"], final["after_training"]) == ("", "", "1")
    assert logged(tmp_path, "val/loss") == {0: 0.5, 1: 1.5}
    assert logged(tmp_path, "val/loss", "step") == {0: 0.5, 1: 1.5}


def test_a_log_from_before_the_mark_keeps_its_final_rows_out_of_the_curves(tmp_path):
    """Lightning logged the best checkpoint's validation at the epoch after the last one."""
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "metrics.csv").write_text(
        "epoch,step,train/loss_epoch,val/loss,test/loss\n"
        "0,4,0.9,,\n0,4,,0.5,\n1,9,0.7,,\n1,9,,0.6,\n2,9,,0.5,\n2,9,,,0.55\n")
    assert logged(tmp_path, "val/loss") == {0: 0.5, 1: 0.6}
    assert logged(tmp_path, "val/loss", "step") == {4: 0.5, 9: 0.6}


@pytest.fixture(scope="module")
def best_before_last(tmp_path_factory):
    """A tiny classifier of 3 epochs whose best checkpoint is epoch 1's (one is written every
    2 epochs), so training ends with a validation pass over it, and a test pass."""
    folder = tmp_path_factory.mktemp("records") / "run"
    cfg = compose_train(QUICK + TINY + [
        "data=copy_memory", "topology=many_to_many", "topology.embedding_dim=8",
        "logger=csv", "trainer.max_epochs=3", "+callbacks.model_checkpoint.every_n_epochs=2",
    ], folder)
    train_and_test(cfg, folder)
    assert [p.name for p in (folder / "checkpoints").glob("best-*")] == ["best-epoch001.ckpt"]
    return folder


def test_the_best_checkpoints_validation_is_no_epoch_of_the_curve(best_before_last):
    rows = _csv_rows(best_before_last)
    val = [(r["epoch"], r["after_training"]) for r in rows if r["val/acc"]]
    assert val == [("0", ""), ("1", ""), ("2", ""), ("", "1")]  # 3 epochs, then the best's
    assert all(r["after_training"] == "1" for r in rows if r["test/acc"])
    assert sorted(logged(best_before_last, "val/acc")) == [0, 1, 2]
    if (best_before_last / "confusion_matrix").is_dir():  # with matplotlib
        images = sorted(p.name for p in (best_before_last / "confusion_matrix").iterdir())
        assert images == ["test.png", "val-epoch000.png", "val-epoch001.png",
                          "val-epoch002.png", "val.png"]


# --- zoo-eval keeps one file per split -------------------------------------------------------

def test_zoo_eval_of_val_keeps_the_test_evaluation(best_before_last):
    ckpt = best_before_last / "checkpoints" / "best-epoch001.ckpt"
    test, test_file = evaluate(ckpt, "test")
    val, val_file = evaluate(ckpt, "val")
    assert test_file != val_file and {test_file.name, val_file.name} == {
        "eval_metrics_test.json", "eval_metrics_val.json"}
    kept = json.loads(test_file.read_text())
    assert kept["split"] == "test" and kept["metrics"] == pytest.approx(test)
    assert json.loads(val_file.read_text())["metrics"] == pytest.approx(val)


# --- a row pools seeds, not configurations ---------------------------------------------------

def sizes_sweep(root: Path) -> Path:
    """Two files x two hidden sizes x two seeds; the larger model scores 0.2 higher."""
    job = 0
    for name in ("airline.csv", "sales.csv"):
        for size in (8, 64):
            for seed in (0, 1):
                write_run(root / str(job), data="csv", seed=seed,
                          extra=[f"data.path=/files/{name}", f"cell.hidden_size={size}"],
                          metrics={"test/acc": 0.5 + 0.2 * (size == 64) + 0.01 * seed})
                job += 1
    return root


def test_by_a_key_splits_rows_by_every_other_key_that_differs(tmp_path, monkeypatch):
    code, out, err = run("zoo-table", sizes_sweep(tmp_path), "--by", "data.path", "--format",
                         "csv", monkeypatch=monkeypatch)
    rows = [(r["data.path"], r["cell.hidden_size"], r["n"], round(float(r["test/acc_mean"]), 3))
            for r in read_csv(out)]
    assert code == 0 and rows == [
        ("/files/airline.csv", "8", "2", 0.505), ("/files/airline.csv", "64", "2", 0.705),
        ("/files/sales.csv", "8", "2", 0.505), ("/files/sales.csv", "64", "2", 0.705)]
    says(err, r"Rows are also split by cell\.hidden_size", r"--pool KEY")


def test_pool_averages_a_named_key_and_says_so(tmp_path, monkeypatch):
    code, out, err = run("zoo-table", sizes_sweep(tmp_path), "--by", "data.path", "--pool",
                         "cell.hidden_size", "--format", "csv", monkeypatch=monkeypatch)
    rows = [(r["data.path"], r["n"]) for r in read_csv(out)]
    assert code == 0 and rows == [("/files/airline.csv", "4"), ("/files/sales.csv", "4")]
    says(err, r"Rows average runs that differ in cell\.hidden_size \(--pool\)")
    assert "seed run more than once" not in err  # each (size, seed) ran once
    table = zoo.table(tmp_path, by="data.path", pool="cell.hidden_size")
    assert [row.n for row in table.rows] == [4, 4] and table.pooled == ["cell.hidden_size"]


@pytest.mark.parametrize("args, patterns", [
    (["--by", "cell.hidden_size", "--pool", "cell.hidden_size"],
     [r"cell\.hidden_size is both a --by and a --pool key", r"name it once"]),
    (["--pool", "cell.hiden_size"], [r"unknown --pool key 'cell\.hiden_size'"]),
])
def test_pool_mistakes_are_one_sentence(tmp_path, refusal, args, patterns):
    says(refusal("zoo-table", str(sizes_sweep(tmp_path)), *args), *patterns)
