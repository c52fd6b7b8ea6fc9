"""zoo-table --significance: Welch p-values against the best row, best marked only where
distinguishable, a footnote naming the test."""

from __future__ import annotations

import pytest
from conftest import read_csv, table, write_run

from zoo.report.significance import welch_p

pytest.importorskip("scipy")

# gru vs rnn: means 0.85 and 0.60, variances 0.0025 and 0.01, n = 3 each: Welch's
# t = 0.25 / sqrt(0.0025/3 + 0.01/3) = 3.873, df = 2.941, two-sided p = 0.0316
FAR = {"gru": [0.80, 0.90, 0.85], "rnn": [0.50, 0.60, 0.70]}
# lstm overlaps gru: t = 0.49, df = 4, p = 0.650
CLOSE = {"gru": [0.80, 0.90, 0.85], "lstm": [0.78, 0.88, 0.83]}


def sweep(root, groups: dict[str, list[float]]):
    job = 0
    for cell, accs in groups.items():
        for seed, acc in enumerate(accs):
            write_run(root / str(job), cell=cell, seed=seed, metrics={"test/acc": acc})
            job += 1
    return root


def test_welch_p_matches_the_hand_computed_value():
    assert welch_p(FAR["gru"], FAR["rnn"]) == pytest.approx(0.031562, abs=1e-6)
    assert welch_p(CLOSE["gru"], CLOSE["lstm"]) == pytest.approx(0.64986, abs=1e-5)
    assert welch_p([0.8], FAR["rnn"]) is None  # one value: no variance to test with
    assert welch_p([0.5, 0.5], [0.5, 0.5]) is None  # undefined


def test_a_distinguishable_best_is_marked_with_p_values_and_footnote(tmp_path, capsys):
    code, out, _ = table(capsys, sweep(tmp_path, FAR), "--significance", "--by", "cell")
    assert code == 0
    assert "| cell | test/acc | test/acc p | n |" in out
    assert "| gru | **0.8500** ± 0.0500 | ref | 3 |" in out
    assert "| rnn | 0.6000 ± 0.1000 | 0.032 | 3 |" in out
    assert "Welch t-test" in out and "p < 0.05" in out


def test_an_indistinguishable_best_is_not_marked(tmp_path, capsys):
    code, out, _ = table(capsys, sweep(tmp_path, {**FAR, **CLOSE}), "--significance")
    assert code == 0
    assert "**" not in out  # gru has the best mean, but lstm is within noise of it
    assert "| lstm | 0.8300 ± 0.0500 | 0.65 | 3 |" in out
    code, out, _ = table(capsys, tmp_path)
    assert "**0.8500**" in out  # without the test the best mean is marked


def test_csv_has_the_p_column_and_a_single_seed_row_gets_none(tmp_path, capsys):
    sweep(tmp_path, {**FAR, "lstm": [0.1]})
    code, out, err = table(capsys, tmp_path, "--significance", "--format", "csv")
    rows = {row["cell"]: row for row in read_csv(out)}
    assert rows["gru"]["test/acc_p"] == "ref" and rows["gru"]["test/acc_best"] == ""
    assert float(rows["rnn"]["test/acc_p"]) == pytest.approx(0.031562, abs=1e-6)
    assert rows["lstm"]["test/acc_p"] == "" and rows["lstm"]["n"] == "1"
    assert "Welch t-test" in err
