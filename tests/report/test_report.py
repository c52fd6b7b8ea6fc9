"""zoo-report: one self-contained HTML page with zoo-table's cells, zoo-plot's figure, the
config that differs, the runs left out of the table and each run's curves; its errors."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from conftest import table, write_run

from zoo.cli.report import main

pytest.importorskip("matplotlib")

# cell -> test/mse of seeds 0 and 1; val/mse after epochs 0, 1, 2 of each
RUNS = {"rnn": ([0.30, 0.40], [0.5, 0.4, 0.35]), "gru": ([0.10, 0.20], [0.4, 0.2, 0.15])}


class Tables(HTMLParser):
    """The text of each cell of the page's tables, by the table's id: [header, *rows]."""

    def __init__(self, page: str):
        super().__init__()
        self.tables, self.current, self.cell = {}, None, None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.current = self.tables.setdefault(dict(attrs).get("id"), [])
        elif tag == "tr" and self.current is not None:
            self.current.append([])
        elif tag in ("td", "th") and self.current is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.current[-1].append(self.cell)
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def write_log(folder, values):
    lines = ["epoch,step,train/loss_epoch,train/mse,val/loss,val/mse"]
    lines += [f"{e},{10 * e + 9},{v + 0.1},{v + 0.1},{v},{v}" for e, v in enumerate(values)]
    (folder / "csv").mkdir()
    (folder / "csv" / "metrics.csv").write_text("\n".join(lines) + "\n")


def config(folder, cell, hidden=16):
    (folder / ".hydra" / "config.yaml").write_text(
        f"optimized_metric: val/mse\ncell:\n  kind: {cell}\n  hidden_size: {hidden}\n"
        f"paths:\n  output_dir: {folder}\n"
    )


def sweep(root):
    """cell=rnn,gru x seed=0,1 with CSV logs, and one run of each other kind."""
    job = 0
    for cell, (finals, curve) in RUNS.items():
        for seed, final in enumerate(finals):
            folder = write_run(
                root / str(job),
                cell=cell,
                seed=seed,
                metrics={"val/mse": min(curve), "test/mse": final},
            )
            config(folder, cell)
            write_log(folder, [v + seed / 100 for v in curve])
            job += 1
    failed = write_run(
        root / "4",
        cell="lstm",
        status="failed",
        error="RuntimeError: the loss diverged at epoch 1 <nan>",
    )
    config(failed, "lstm", hidden=64)
    write_log(failed, [0.9])
    write_run(root / "5", cell="lstm", status="interrupted", error="stopped by SIGTERM")
    write_run(
        root / "6",
        cell="lstm",
        status="pruned",
        pruned={"epoch": 2, "metric": "val/mse", "value": 0.7},
    )
    write_run(root / "7", cell="gru", seed=3, metrics={"test/mse": 0.01}, smoke=True)
    (root / "8" / ".hydra").mkdir(parents=True)  # started, no metrics.json yet
    return root


def report(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_page_shows_zoo_tables_cells_and_the_runs_apart(tmp_path, capsys):
    sweep(tmp_path / "sweep")
    page = tmp_path / "out" / "report.html"
    code, out, err = report(capsys, tmp_path / "sweep", "-o", page)
    assert code == 0 and out == f"wrote {page}\n"
    text = page.read_text()
    tables = Tables(text).tables
    _, md, notes = table(capsys, tmp_path / "sweep")
    expected = [
        [c.strip().replace("**", "") for c in line.strip("|").split(" | ")]
        for line in md.splitlines()
        if line.startswith("|")
    ]
    assert tables["table"] == [expected[0], *expected[2:]]  # zoo-table's cells, bold dropped
    assert tables["table"][1][:2] == ["gru", "0.1500 ± 0.0707"]
    assert "<strong>0.1500</strong>" in text  # the best mean marked
    assert err.strip() == md.split("\n\n", 1)[1].strip()  # zoo-table's notes on stderr...
    assert "Failed runs (1):" in text and "1 smoke run left out" in text  # ...and on the page
    apart = tables["apart"][1:]
    assert [(row[0], row[1]) for row in apart] == [
        (str(tmp_path / "sweep" / "4"), "failed"),
        (str(tmp_path / "sweep" / "5"), "interrupted"),
        (str(tmp_path / "sweep" / "6"), "pruned"),
        (str(tmp_path / "sweep" / "7"), "ok (smoke)"),
        (str(tmp_path / "sweep" / "8"), "running"),
    ]
    assert apart[0][3] == "RuntimeError: the loss diverged at epoch 1 <nan>"  # escaped, shown
    assert apart[2][3] == "pruned at epoch 2, val/mse 0.7"
    assert "&lt;nan&gt;" in text


def test_config_that_differs_and_each_runs_curves(tmp_path, capsys):
    sweep(tmp_path / "sweep")
    page = tmp_path / "report.html"
    assert report(capsys, tmp_path / "sweep", "-o", page)[0] == 0
    text = page.read_text()
    config_table = Tables(text).tables["config"]
    # the choice, the seed, then the saved config's keys that differ (paths are bookkeeping)
    assert config_table[0] == ["run", "status", "cell", "seed", "cell.hidden_size", "cell.kind"]
    assert [row[1:] for row in config_table[1:]] == [
        ["ok", "rnn", "0", "16", "rnn"],
        ["ok", "rnn", "1", "16", "rnn"],
        ["ok", "gru", "0", "16", "gru"],
        ["ok", "gru", "1", "16", "gru"],
        ["failed", "lstm", "0", "64", "lstm"],
        ["interrupted", "lstm", "0", "-", "-"],
        ["pruned", "lstm", "0", "-", "-"],
        ["ok (smoke)", "gru", "3", "-", "-"],
    ]
    cards = re.findall(r'<div class="run status-(\w+)"><h3>([^<]+)</h3>', text)
    assert [(status, title.split()[0]) for status, title in cards] == [
        *[("ok", str(tmp_path / "sweep" / str(job))) for job in range(4)],
        ("failed", str(tmp_path / "sweep" / "4")),
    ]  # the runs with a CSV log
    curves = text[text.index('id="curves"') :]
    assert curves.count("<svg") == 5
    assert "train/loss_epoch" not in curves  # the loss equals the mse here: one panel
    assert "train/mse" in curves and "val/mse" in curves
    figure = text[text.index('id="figure"') : text.index('id="config-title"')]
    assert "cell=gru (best) (n=2)" in figure and "test/mse per group" in figure


def test_page_fetches_nothing_when_opened(tmp_path, capsys):
    sweep(tmp_path / "sweep")
    page = tmp_path / "report.html"
    report(capsys, tmp_path / "sweep", "-o", page)
    text = page.read_text()
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert not re.findall(r"url\((?!#)", text)
    # every reference is to the page itself (#id in an SVG) or inline data
    assert not re.findall(r"""(?:src|href)\s*=\s*["'](?!#|data:)""", text)


def test_no_finished_run_still_writes_the_page_of_the_others(tmp_path, capsys):
    write_run(tmp_path / "sweep" / "0", status="failed", error="ValueError: bad")
    page = tmp_path / "report.html"
    code, out, err = report(capsys, tmp_path / "sweep", "-o", page)
    assert code == 1 and out == ""
    assert err.strip().endswith(
        f"error: no run under the given folders finished "
        f"successfully; {page} lists the runs that did not."
    )
    tables = Tables(page.read_text()).tables
    assert "table" not in tables and tables["apart"][1][:2] == [
        str(tmp_path / "sweep" / "0"),
        "failed",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["sweep", "-o", "out"],
            "-o {tmp}/out is a folder; name the page's file, e.g. -o {tmp}/out/zoo-report.html.",
        ),
        (
            ["sweep", "-o", "report.png"],
            "-o {tmp}/report.png: the report is one HTML page; name a file ending in .html.",
        ),
        (["nowhere"], "'{tmp}/nowhere' does not exist; pass a run or sweep folder"),
        (["sweep", "--by", "nope"], "unknown --by key 'nope'"),
        (
            ["sweep", "--plot-metric", "test/nope"],
            "unknown --plot-metric 'test/nope': no finished "
            "run recorded it; available: test/mse, val/mse.",
        ),
        (["sweep", "--digits", "0"], "argument --digits: '0' is not a whole number from 1 to 17"),
    ],
)
def test_errors(tmp_path, capsys, args, message):
    sweep(tmp_path / "sweep")
    (tmp_path / "out").mkdir()
    args = [
        str(tmp_path / a) if a in ("sweep", "out", "nowhere", "report.png") else a for a in args
    ]
    code, out, err = report(capsys, *args, *(["-o", tmp_path / "r.html"] * ("-o" not in args)))
    assert code == 2 and out == ""
    assert err.startswith("error: " + message.format(tmp=tmp_path))
    assert len(err.strip().splitlines()) == 1


def test_no_recorded_objective_asks_for_plot_metric(tmp_path, capsys):
    write_run(tmp_path / "sweep" / "0", metrics={"test/mse": 0.1})
    code, _, err = report(capsys, tmp_path / "sweep", "-o", tmp_path / "r.html")
    assert code == 2 and "pass --plot-metric NAME, one of test/mse." in err
    assert "--metric" not in err.replace("--plot-metric", "")
