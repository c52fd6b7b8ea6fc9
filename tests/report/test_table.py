"""zoo-table: aggregation over seeds, grouping, best marks, formats, broken sweeps, errors."""

from __future__ import annotations

import statistics

import pytest
from conftest import ACC, cell_sweep, read_csv, run_cli, table, write_run


def test_mean_std_n_best_and_order(tmp_path, capsys):
    code, out, _ = table(capsys, cell_sweep(tmp_path / "sweep"), "--format", "csv")
    assert code == 0
    rows = read_csv(out)
    assert [r["cell"] for r in rows] == ["gru", "rnn"]  # default --by: the varying key
    for row in rows:
        accs = [a for (cell, _), a in ACC.items() if cell == row["cell"]]
        assert float(row["test/acc_mean"]) == pytest.approx(statistics.mean(accs))
        assert float(row["test/acc_std"]) == pytest.approx(statistics.stdev(accs))  # ddof=1
        assert row["n"] == "3"
    assert float(rows[0]["test/acc_std"]) == pytest.approx(0.05)
    assert float(rows[1]["test/acc_std"]) == pytest.approx(0.1)
    assert [r["test/acc_best"] for r in rows] == ["*", ""]  # higher is better
    assert [r["test/loss_best"] for r in rows] == ["*", ""]  # lower loss: gru again
    assert "val/acc_mean" not in rows[0]  # test metrics only, by default
    assert [float(r["wall_s"]) for r in rows] == [4.0, 1.0]
    assert [r["params"] for r in rows] == ["300", "100"]


def test_markdown_exact(tmp_path, capsys):
    code, out, _ = table(capsys, cell_sweep(tmp_path / "s"), "--metric", "test/acc")
    assert code == 0
    assert out.splitlines()[:4] == [
        "| cell | test/acc | n | wall_s | params |",
        "| --- | ---: | ---: | ---: | ---: |",
        "| gru | **0.8500** ± 0.0500 | 3 | 4.0 | 300 |",
        "| rnn | 0.6000 ± 0.1000 | 3 | 1.0 | 100 |",
    ]
    assert out.rstrip().endswith(
        "6 runs aggregated in 2 rows; 0 failed; 0 running (no metrics.json yet)."
    )


def test_latex(tmp_path, capsys):
    code, out, _ = table(
        capsys, cell_sweep(tmp_path / "s"), "--format", "latex", "--metric", "test/acc"
    )
    assert code == 0
    assert r"\begin{tabular}{lrrrr}" in out and r"\toprule" in out and r"\bottomrule" in out
    assert r"cell & test/acc & n & wall\_s & params \\" in out
    assert r"gru & \textbf{0.8500} $\pm$ 0.0500 & 3 & 4.0 & 300 \\" in out
    assert r"rnn & 0.6000 $\pm$ 0.1000 & 3 & 1.0 & 100 \\" in out
    assert out.rstrip().splitlines()[-1].startswith("% 6 runs aggregated")


def test_single_seed_has_no_pm_and_numeric_order(tmp_path, capsys):
    for job, size in enumerate([128, 8, 16]):
        write_run(
            tmp_path / str(job),
            extra=[f"+cell.hidden_size={size}"],
            metrics={"test/mse": size / 100},
        )
    code, out, _ = table(capsys, tmp_path, "--by", "cell.hidden_size")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "| cell.hidden_size | test/mse | n | wall_s | params |"
    assert lines[2:5] == [
        "| 8 | **0.08000** | 1 | 10.0 | 100 |",
        "| 16 | 0.1600 | 1 | 10.0 | 100 |",
        "| 128 | 1.280 | 1 | 10.0 | 100 |",
    ]
    assert "±" not in out
    code, out, _ = table(capsys, tmp_path, "--format", "csv")
    assert [r["cell.hidden_size"] for r in read_csv(out)] == ["8", "16", "128"]  # default --by
    assert read_csv(out)[0]["test/mse_std"] == ""


def test_failed_running_and_corrupt_runs(tmp_path, capsys):
    sweep = cell_sweep(tmp_path / "sweep")
    write_run(sweep / "6", cell="lstm", status="failed", error="CUDA out of memory.\nTried X")
    (sweep / "7" / ".hydra").mkdir(parents=True)  # started, no metrics.json yet
    (sweep / "8").mkdir()
    (sweep / "8" / "metrics.json").write_text('{"status": "ok", "metr')  # half written
    (sweep / "9").mkdir()
    (sweep / "9" / "metrics.json").write_text('{"status": "weird"}')
    code, out, _ = table(capsys, sweep, "--metric", "test/acc")
    assert code == 0
    assert "| gru | **0.8500** ± 0.0500 | 3 |" in out and "lstm" not in out.split("\n\n")[0]
    assert "Failed runs (1):" in out
    assert f"- {sweep / '6'} (cell=lstm, seed=0): CUDA out of memory. Tried X" in out
    assert "Unreadable metrics.json (2):" in out
    assert f"- {sweep / '8' / 'metrics.json'}: JSONDecodeError" in out
    assert f"- {sweep / '9' / 'metrics.json'}: status is 'weird'" in out
    assert out.rstrip().endswith(
        "6 runs aggregated in 2 rows; 1 failed; 1 running (no metrics.json yet); 2 unreadable."
    )
    code, out, err = table(capsys, sweep, "--format", "csv")
    assert len(read_csv(out)) == 2 and "Failed runs (1):" in err  # csv stays parseable


def test_all_runs_failed(tmp_path, capsys):
    write_run(tmp_path / "0", status="failed", error="boom")
    code, out, err = table(capsys, tmp_path)
    assert code == 1
    assert "boom" in out and "no run under the given folders finished successfully" in err


def test_several_folders_dedup_and_default_keys(tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    write_run(a / "0", metrics={"val/loss": 1.0}, extra=["logger=none"])
    write_run(b / "0", metrics={"val/loss": 3.0}, seed=1)
    write_run(b / "1", metrics={"val/loss": 2.0}, data="copy_memory")
    code, out, _ = table(capsys, a, b, a / "0", "--format", "csv")  # a/0 reached twice
    rows = read_csv(out)
    # nothing but seed and logger (bookkeeping) varies within adding; data varies
    assert [(r["data"], r["n"], r["val/loss_mean"]) for r in rows] == [
        ("adding", "2", "2.0"),
        ("copy_memory", "1", "2.0"),
    ]  # val metrics when no test ones
    assert [r["val/loss_best"] for r in rows] == ["", ""]  # one row per dataset: none to beat
    code, out, _ = table(capsys, a, b, a)
    assert "Rows with a seed run more than once" not in out  # the same folder counts once
    write_run(b / "2", metrics={"val/loss": 5.0})
    code, out, _ = table(capsys, a, b)
    assert (
        "Rows with a seed run more than once (each run counts in n):\n- data=adding: seed 0" in out
    )
    code, out, _ = table(capsys, a, "--format", "csv")
    assert list(read_csv(out)[0])[:2] == ["data", "cell"]  # nothing varies: say what it is


def test_key_from_saved_config(tmp_path, capsys):
    write_run(tmp_path / "0", extra=["data.T=50"], metrics={"test/mse": 0.1})
    write_run(tmp_path / "1", metrics={"test/mse": 0.2})  # kept the default T
    (tmp_path / "1" / ".hydra" / "config.yaml").write_text("data:\n  T: 100\n")
    code, out, _ = table(capsys, tmp_path, "--format", "csv")
    assert [r["data.T"] for r in read_csv(out)] == ["50", "100"]


def test_direction_rules_and_overrides(tmp_path, capsys):
    for job, (bleu, speed) in enumerate([(0.2, 5.0), (0.4, 1.0)]):
        write_run(
            tmp_path / str(job),
            cell=["rnn", "gru"][job],
            metrics={"test/bleu": bleu, "test/speed": speed},
        )
    code, out, _ = table(capsys, tmp_path, "--format", "csv")
    rows = read_csv(out)
    assert [r["test/bleu_best"] for r in rows] == ["*", ""]  # gru first; bleu: higher
    assert [r["test/speed_best"] for r in rows] == ["", ""]  # unknown direction: no mark
    code, out, _ = table(
        capsys, tmp_path, "--format", "csv", "--minimize", "test/bleu", "--maximize", "speed"
    )
    rows = read_csv(out)
    assert [r["test/bleu_best"] for r in rows] == ["", "*"]
    assert [r["test/speed_best"] for r in rows] == ["", "*"]


def test_nan_metric_is_not_best(tmp_path, capsys):
    write_run(tmp_path / "0", cell="rnn", metrics={"test/loss": None})  # NaN is stored as null
    write_run(tmp_path / "1", cell="gru", metrics={"test/loss": 2.0})
    write_run(tmp_path / "2", cell="lstm", metrics={"test/loss": 3.0})
    code, out, _ = table(capsys, tmp_path, "--format", "csv")
    rows = {r["cell"]: r for r in read_csv(out)}
    assert rows["rnn"]["test/loss_mean"] == "nan" and rows["gru"]["test/loss_best"] == "*"


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing"], "'{tmp}/missing' does not exist"),
        (["empty"], "no metrics.json found under '{tmp}/empty' (1 run has started)"),
        (["sweep", "--by", "hidden"], "unknown --by key 'hidden'"),
        (["sweep", "--metric", "test/f1"], "unknown --metric 'test/f1'"),
    ],
)
def test_errors(tmp_path, capsys, args, message):
    cell_sweep(tmp_path / "sweep")
    (tmp_path / "empty" / "0" / ".hydra").mkdir(parents=True)
    code, out, err = table(capsys, *[str(tmp_path / args[0]), *args[1:]])
    assert code == 2 and out == ""
    assert err.startswith("error: " + message.format(tmp=tmp_path))
    assert len(err.strip().splitlines()) == 1
    if "--by" in args:
        assert "available: data, cell, direction, logger, seed." in err
    if "--metric" in args:
        assert "available: test/acc, test/loss, val/acc." in err


def test_real_sweep_end_to_end(tmp_path):
    sweep = tmp_path / "sweep"
    run_cli(
        "zoo-train",
        "-m",
        "data=adding",
        "data.n_train=64",
        "data.n_val=32",
        "data.n_test=32",
        "trainer.max_epochs=1",
        "cell=rnn,gru",
        "seed=0,1",
        "logger=none",
        f"hydra.sweep.dir={sweep}",
        cwd=tmp_path,
    )
    out = run_cli("zoo-table", str(sweep), "--format", "csv", cwd=tmp_path).stdout
    rows = read_csv(out)
    assert [(r["cell"], r["n"]) for r in rows] == [("gru", "2"), ("rnn", "2")]
    assert all(float(r["test/mse_std"]) >= 0 and r["params"] for r in rows)
    err = run_cli("zoo-table", str(sweep), "--by", "nope", cwd=tmp_path, check=False)
    assert err.returncode == 2 and err.stderr.startswith("error: unknown --by key 'nope'")


def test_nan_runs_are_listed_apart_and_never_averaged_in(tmp_path, capsys):
    for seed, acc in enumerate([0.5, 0.7, None]):  # seed 2 diverged: NaN stored as null
        write_run(tmp_path / f"rnn{seed}", cell="rnn", seed=seed, metrics={"test/acc": acc})
    write_run(tmp_path / "gru", cell="gru", metrics={"test/acc": 0.8})
    code, out, _ = table(capsys, tmp_path, "--format", "csv")
    rows = {r["cell"]: r for r in read_csv(out)}
    assert float(rows["rnn"]["test/acc_mean"]) == pytest.approx(0.6)
    code, out, _ = table(capsys, tmp_path)
    assert "Runs with NaN metrics, left out of the means (1):" in out
    assert f"- {tmp_path / 'rnn2'} (cell=rnn, seed=2): test/acc" in out


def test_interrupted_runs_are_listed_apart(tmp_path, capsys):
    cell_sweep(tmp_path)
    write_run(tmp_path / "6", cell="lstm", status="interrupted",
              error="stopped by SIGTERM at epoch 3, step 120", metrics={"test/acc": 0.1})
    code, out, _ = table(capsys, tmp_path, "--metric", "test/acc")
    assert code == 0 and "lstm" not in out.split("\n\n")[0]
    assert "Interrupted runs (1):" in out
    assert f"- {tmp_path / '6'} (cell=lstm, seed=0): stopped by SIGTERM at epoch 3" in out
    assert out.rstrip().endswith("1 interrupted.")


def test_pruned_runs_are_listed_apart(tmp_path, capsys):
    cell_sweep(tmp_path)
    write_run(tmp_path / "6", cell="lstm", status="pruned", metrics={"val/loss": 0.9},
              pruned={"epoch": 2, "metric": "val/loss", "value": 0.9})
    code, out, _ = table(capsys, tmp_path, "--metric", "test/acc")
    assert code == 0 and "lstm" not in out.split("\n\n")[0]
    assert "Pruned runs, left out of the means (1):" in out
    assert f"- {tmp_path / '6'} (cell=lstm, seed=0): pruned at epoch 2, val/loss 0.9" in out
    assert out.rstrip().endswith("1 pruned.")


def test_smoke_runs_are_left_out_unless_asked(tmp_path, capsys):
    cell_sweep(tmp_path)
    write_run(tmp_path / "6", cell="gru", seed=3, metrics={"test/acc": 0.12}, smoke=True)
    code, out, _ = table(capsys, tmp_path, "--format", "csv")
    gru = read_csv(out)[0]
    assert (gru["n"], float(gru["test/acc_mean"])) == ("3", pytest.approx(0.85))
    code, out, _ = table(capsys, tmp_path, "--metric", "test/acc")
    assert "1 smoke run left out (--include-smoke)" in out
    code, out, _ = table(capsys, tmp_path, "--format", "csv", "--include-smoke")
    assert read_csv(out)[0]["n"] == "4"
    write_run(tmp_path / "only" / "0", metrics={"test/acc": 0.1}, smoke=True)
    code, out, err = table(capsys, tmp_path / "only")
    assert code == 1 and "pass --include-smoke" in err


def test_by_data_names_the_file_and_marks_best_within_a_dataset(tmp_path, capsys):
    results = {("airline.csv", "rnn"): 0.9, ("airline.csv", "gru"): 0.5,
               ("sales.csv", "rnn"): 0.2, ("sales.csv", "gru"): 0.3}
    for job, ((name, cell), rmse) in enumerate(results.items()):
        write_run(tmp_path / str(job), cell=cell, data="csv",
                  extra=[f"data.path=/files/{name}"], metrics={"test/rmse": rmse})
    split = write_run(tmp_path / "split", data="csv", metrics={"test/rmse": 0.4})
    (split / ".hydra" / "config.yaml").write_text(
        "data:\n  path:\n    train: /files/shop/train.csv\n    val: /files/shop/val.csv\n")
    code, out, _ = table(capsys, tmp_path, "--by", "data,cell", "--format", "csv")
    rows = [(r["data"], r["cell"], r["test/rmse_best"]) for r in read_csv(out)]
    assert rows == [
        ("csv (airline.csv)", "gru", "*"),
        ("csv (airline.csv)", "rnn", ""),
        ("csv (sales.csv)", "gru", ""),
        ("csv (sales.csv)", "rnn", "*"),  # 0.2 beats 0.3 here; 0.5 elsewhere does not count
        ("csv (shop)", "rnn", ""),  # alone on its dataset: nothing to beat
    ]
