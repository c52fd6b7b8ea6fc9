"""Messages that point at the real cause (issue 19, sections 4 and 7, and section 6's rows
that vanish in a delimited file): each row is an input and the sentence it must give, and
each test then tries the fix the sentence advises.

- The outside world: an unreadable data file, an output folder that cannot be made or
  written, a full disk while a checkpoint or the record is written: one sentence naming the
  path and the cause, no traceback, and metrics.json records it wherever it can be written.
- Causes named right: a symbolic link loop, a row that holds only a label, a series or a
  text too short, an override Hydra cannot lex, a YAML error, `zoo-table RUN/metrics.json`.
- Quotes in delimited files: every quoted field over several lines is named unless
  `data.multiline=true`; `data.quoting=none` reads quotes as plain characters.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shlex
from pathlib import Path

import pytest
from conftest import QUICK, datamodule

from zoo.data.split import assign_splits
from zoo.errors import ZooError

from .conftest import run_in_process, says

TINY = ["data.n_train=32", "data.n_val=16", "data.n_test=16", "data.T=6", "cell.hidden_size=8",
        "trainer.max_epochs=1"]
ROWS = "".join(f"{i % 3},{i % 5},{'x' if i % 2 else 'y'}\n" for i in range(12))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def refused(**options) -> str:
    with pytest.raises(ZooError) as caught:
        datamodule(options.pop("data"), **options).setup()
    return str(caught.value)


def loads(**options) -> int:
    """How many examples the datamodule reads (the advised fix works)."""
    dm = datamodule(options.pop("data"), **options)
    dm.setup()
    return sum(len(split) for split in dm.splits.values())


def record(run: Path) -> dict:
    return json.loads((run / "metrics.json").read_text())


# --- section 7: each message names what is wrong, and the fix it advises works --------------

def _loop(tmp):
    os.symlink(tmp / "loop", tmp / "loop")
    return {"data": "csv", "path": str(tmp / "loop")}


def _label_only(tmp):
    return {"data": "csv", "path": str(write(tmp / "labels.csv", "x\ny\n" * 6))}


def _one_field_row(tmp):
    return {"data": "csv", "path": str(write(tmp / "d.csv", ROWS[:36] + "5\n" + ROWS[36:]))}


def _short_series(tmp):
    return {"data": "csv", "path": str(write(tmp / "s.csv", "t,v\n" + "1,2\n" * 5)),
            "format": "series", "look_back": 3}


def _empty_text(tmp):
    return {"data": "text_lm", "path": str(write(tmp / "book.txt", ""))}


def _fix_loop(tmp, options):
    os.unlink(tmp / "loop")
    os.symlink(write(tmp / "real.csv", ROWS), tmp / "loop")  # the link points at a file
    return options


def _fix_rows(tmp, options):
    write(Path(options["path"]), ROWS)  # every row holds its values and a label
    return options


@pytest.mark.parametrize(("make", "patterns", "fix"), [
    (_loop, [r"data\.path: \S+/loop leads into a loop of symbolic links",
             r"point data\.path at your csv file"], _fix_loop),
    (_label_only, [r"labels\.csv, line 1: has 1 field, which data\.label_column=-1 takes as the "
                   r"label, and no values"], _fix_rows),
    (_one_field_row, [r"d\.csv, line 7: has 1 field, which data\.label_column=-1 takes as the "
                      r"label, and no values"], _fix_rows),
    (_short_series, [r"the train part of the series has 3 rows, too few for one window of "
                     r"look_back=3 and horizon=1; lower data\.look_back"],
     lambda tmp, options: {**options, "look_back": 2}),
    (_empty_text, [r"data\.path: \S+book\.txt holds no text \(no char tokens\)"],
     lambda tmp, options: (write(tmp / "book.txt", "some text to read " * 20), options)[1]),
], ids=["symlink-loop", "label-only", "one-field-row", "short-series", "empty-text"])
def test_data_messages_name_the_cause_and_their_fix_works(tmp_path, make, patterns, fix):
    options = make(tmp_path)
    sentence = refused(**dict(options))
    says(sentence, *patterns)
    assert "does not exist" not in sentence and "features_per_step" not in sentence
    assert "train_size" not in sentence  # no such option
    assert loads(**fix(tmp_path, dict(options))) > 0


def test_no_examples_at_all_is_not_blamed_on_a_split_size():
    with pytest.raises(ZooError, match=r"^data=x: data\.path holds no examples; point it at your "
                                       r"data\.$"):
        assign_splits("x", {"all": []}, 0.1, 0.1, 0)


def test_a_semicolon_csv_names_its_delimiter_and_the_advised_override_trains(tmp_path, refusal,
                                                                             monkeypatch):
    data = write(tmp_path / "semi.csv", ROWS.replace(",", ";"))
    args = ["data=csv", f"data.path={data}", "topology=many_to_one", *QUICK,
            "trainer.max_epochs=1", "cell.hidden_size=8"]
    sentence = refusal("zoo-train", *args, f"hydra.run.dir={tmp_path / 'a'}")
    says(sentence, r"semi\.csv, line 1: has 1 field, which data\.label_column=-1 takes as the "
                   r"label, and no values", r"delimiter ',' \(its \.csv extension\)",
         r"but the row holds ';'")
    assert "features_per_step" not in sentence
    advised = re.search(r"set (.+)\.$", sentence).group(1)
    assert advised == """'data.delimiter=";"'"""
    code, _, err = run_in_process("zoo-train", *args, *shlex.split(advised),
                                  f"hydra.run.dir={tmp_path / 'b'}", monkeypatch=monkeypatch)
    assert code == 0, err[-2000:]
    assert record(tmp_path / "b")["status"] == "ok"


@pytest.mark.parametrize(("value", "reserved"), [(";", "';'"), (",", "','"), ("#", "'#'")])
def test_an_override_hydra_cannot_lex_advises_quoting_that_works(value, reserved, refusal,
                                                                 monkeypatch):
    sentence = refusal("zoo-train", "data=csv", f"data.delimiter={value}", "--cfg", "job")
    says(sentence, rf"cannot parse the override 'data\.delimiter={re.escape(value)}'",
         f"reserves {reserved} in a value")
    advised = re.search(r"as ('[^']+')", sentence).group(1)
    code, out, _ = run_in_process("zoo-train", "data=csv", *shlex.split(advised), "--cfg", "job",
                                  monkeypatch=monkeypatch)
    assert code == 0 and re.search(rf"delimiter: '?{re.escape(value)}'?$", out, flags=re.M), out


def test_a_yaml_error_names_its_file_and_lines(tmp_path, refusal, monkeypatch):
    bad = tmp_path / "conf" / "experiment" / "mine.yaml"
    bad.parent.mkdir(parents=True)
    write(bad, "# @package _global_\ncell:\n  hidden_size: [8, 16\n")
    args = ["--config-dir", str(tmp_path / "conf"), "experiment=mine", "--cfg", "job"]
    sentence = refusal("zoo-train", *args)
    says(sentence, rf"^{re.escape(str(bad))}, line 4 is not valid YAML", r"began on line 3",
         r"fix the file there\.$")
    write(bad, "# @package _global_\ncell:\n  hidden_size: 16\n")  # fixed where it said
    code, out, err = run_in_process("zoo-train", *args, monkeypatch=monkeypatch)
    assert code == 0 and "hidden_size: 16" in out, err[-2000:]


def _finished_run(folder: Path) -> Path:
    (folder / ".hydra").mkdir(parents=True)
    metrics = {"status": "ok", "metrics": {"test/acc": 0.5}, "seed": 0,
               "choices": {"data": "xor", "cell": "rnn"}, "overrides": []}
    return write(folder / "metrics.json", json.dumps(metrics))


def test_zoo_table_reads_a_runs_metrics_json_and_names_any_other_file(tmp_path, refusal,
                                                                      monkeypatch):
    record_file = _finished_run(tmp_path / "run")
    code, out, err = run_in_process("zoo-table", str(record_file), "--format", "csv",
                                    monkeypatch=monkeypatch)
    assert code == 0 and "0.5" in out, err
    other = write(tmp_path / "run" / "notes.txt", "")
    sentence = refusal("zoo-table", str(other))
    says(sentence, rf"'{re.escape(str(other))}' is a file, not a folder",
         r"pass a run or sweep folder")
    assert "does not exist" not in sentence
    code, out, _ = run_in_process("zoo-table", str(other.parent), "--format", "csv",
                                  monkeypatch=monkeypatch)
    assert code == 0 and "0.5" in out


# --- section 6: rows that vanish in a delimited file -----------------------------------------

SMS = "ham\tGo until jurong point\nham\tOk lar\nspam\tFree entry, to win\n" * 4
# line 5 opens a quote that a later message closes: read leniently, lines 6-8 would vanish
SWALLOWING = SMS + 'ham\t"Hi there\nspam\tok\nham\tsaid "bye" now\nham\tlast\n'
QUOTED_TEXT = 'ham\t"Quoted" he said\n' + SMS  # leniently: the quotes silently stripped
SPREAD = 'text,label\n"two\nlines",pos\n' + "one,neg\n" * 9 + '"a\nb\nc",pos\n'


@pytest.mark.parametrize(("name", "text", "patterns"), [
    ("sms.tsv", SWALLOWING,
     [r"sms\.tsv, lines 13-15: a quoted field opened on line 13 closes on line 15 with more "
      r"text after its closing quote", r"set data\.quoting=none"]),
    ("sms.tsv", QUOTED_TEXT,
     [r"sms\.tsv, line 1: a quoted field closes with more text after its closing quote",
      r"set data\.quoting=none"]),
    ("t.csv", SPREAD,
     [r"t\.csv, lines 2-3: a quoted field runs over several lines \(as do those at lines "
      r"13-15\)", r"set data\.multiline=true", r"set data\.quoting=none"]),
], ids=["quote-swallows-lines", "quote-inside-text", "every-multiline-field"])
def test_a_quote_never_takes_rows_or_characters_silently(tmp_path, name, text, patterns):
    path = write(tmp_path / name, text)
    columns = {"text_column": 1, "label_column": 0} if name.endswith(".tsv") else {}
    sentence = refused(data="text_classification", path=str(path), **columns)
    says(sentence, *patterns)


def test_quoting_none_reads_every_row_with_its_quotes(tmp_path):
    path = write(tmp_path / "sms.tsv", SWALLOWING)
    dm = datamodule("text_classification", path=str(path), text_column=1, label_column=0,
                    quoting="none", level="char", lowercase=False)
    dm.setup()
    assert sum(len(split) for split in dm.splits.values()) == SWALLOWING.count("\n")
    assert '"' in dm.spec.input_vocab  # the quotes are characters of the texts


def test_multiline_reads_a_field_over_several_lines_as_one(tmp_path):
    path = write(tmp_path / "t.csv", SPREAD)
    assert loads(data="text_classification", path=str(path), multiline=True) == 11


# --- section 4: the outside world fails in one sentence, and the record survives -------------

def _data_args(tmp: Path) -> tuple[Path, list[str]]:
    data = write(tmp / "data.csv", ROWS)
    return data, ["data=csv", f"data.path={data}", "topology=many_to_one", *QUICK,
                  "trainer.max_epochs=1", "cell.hidden_size=8"]


def _refuse_reading(monkeypatch, path: Path) -> None:
    """`path` unreadable, as chmod 000 makes it for anyone but root."""
    read_bytes = Path.read_bytes

    def guarded(self):
        if Path(self) == path:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", guarded)


@pytest.mark.parametrize("how", ["monkeypatched", "chmod"])
def test_an_unreadable_data_file_is_one_sentence_and_recorded(tmp_path, refusal, monkeypatch,
                                                             how):
    data, args = _data_args(tmp_path)
    if how == "chmod":
        if os.geteuid() == 0:
            pytest.skip("root reads a file whatever its mode")
        data.chmod(0)
    else:
        _refuse_reading(monkeypatch, data)
    run = tmp_path / "run"
    sentence = refusal("zoo-train", *args, f"hydra.run.dir={run}")
    says(sentence, rf"^{re.escape(str(data))}: Permission denied \(EACCES\)",
         r"change its permissions")
    assert record(run)["status"] == "failed" and record(run)["error"] == sentence


def _mkdir_refused(monkeypatch, folder: Path, code: int) -> None:
    mkdir = Path.mkdir

    def guarded(self, *args, **kwargs):
        if Path(self) == folder:
            raise OSError(code, os.strerror(code), str(folder))
        return mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", guarded)


@pytest.mark.parametrize(("where", "code", "patterns"), [
    ("/proc/zoo_issue_19/run", None,
     [r"^/proc/zoo_issue_19: No such file or directory \(ENOENT\)"]),
    ("a_file/run", None, [r"a_file/run: Not a directory \(ENOTDIR\)",
                          r"a part of it is a file, not a folder"]),
    ("unwritable/run", errno.EACCES, [r"unwritable/run: Permission denied \(EACCES\)"]),
    ("readonly/run", errno.EROFS, [r"readonly/run: Read-only file system \(EROFS\)",
                                   r"it is on a read-only file system"]),
], ids=["proc", "under-a-file", "unwritable-parent", "read-only-file-system"])
def test_an_output_folder_that_cannot_be_made_is_one_sentence(tmp_path, refusal, monkeypatch,
                                                             where, code, patterns):
    write(tmp_path / "a_file", "")
    run = Path(where) if where.startswith("/") else tmp_path / where
    if code is not None:
        _mkdir_refused(monkeypatch, run, code)
    sentence = refusal("zoo-train", *QUICK, *TINY, f"hydra.run.dir={run}")
    says(sentence, *patterns, r"hydra\.run\.dir=")
    code, _, _ = run_in_process("zoo-train", *QUICK, *TINY,  # the advised fix: another folder
                                f"hydra.run.dir={tmp_path / 'elsewhere'}", monkeypatch=monkeypatch)
    assert code == 0 and record(tmp_path / "elsewhere")["status"] == "ok"


def _disk_full(monkeypatch, when) -> None:
    """Writing a file for which `when(name)` holds fails as on a full disk (fsync is where a
    buffered write meets the disk)."""
    import zoo.atomic_file

    fsync = os.fsync

    def full(fd):
        if when(os.readlink(f"/proc/self/fd/{fd}")):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return fsync(fd)

    monkeypatch.setattr(zoo.atomic_file.os, "fsync", full)


def test_a_full_disk_while_checkpointing_is_one_sentence_and_recorded(tmp_path, refusal,
                                                                     monkeypatch):
    _disk_full(monkeypatch, lambda name: ".ckpt." in name)
    run = tmp_path / "run"
    sentence = refusal("zoo-train", *QUICK, *TINY, f"hydra.run.dir={run}")
    says(sentence, rf"^{re.escape(str(run))}/\S+\.ckpt: No space left on device \(ENOSPC\)",
         r"the disk is full")
    assert record(run)["status"] == "failed" and record(run)["error"] == sentence
    assert not list(run.rglob("*.tmp"))  # no half-written file left behind


def test_a_full_disk_for_the_record_too_still_says_one_sentence(tmp_path, refusal,
                                                               monkeypatch):
    _disk_full(monkeypatch, lambda name: ".ckpt." in name or "metrics.json" in name)
    run = tmp_path / "run"
    sentence = refusal("zoo-train", *QUICK, *TINY, f"hydra.run.dir={run}")
    says(sentence, r"\.ckpt: No space left on device \(ENOSPC\)",
         r"; its record was not written either: \S+metrics\.json: No space left on device")
    assert not (run / "metrics.json").exists()
