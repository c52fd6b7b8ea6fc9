"""Delimited files as they come: sniffed delimiters, the header rule, and errors that say how
the file was read (zoo.data.files.csv_table), through the datamodules that read them."""

from __future__ import annotations

import re

import pytest
from conftest import datamodule

from zoo.data.files.csv_table import read_table
from zoo.errors import ZooError

SMS = [  # as in the SMS Spam Collection: label<TAB>text, commas only inside the texts
    ("ham", "Go until jurong point, crazy"),
    ("ham", "Ok lar"),
    ("spam", "Free entry in 2 a wkly comp, to win, FA Cup final"),
] * 5


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "sep"), [("sms", "\t"), ("data.txt", ";"), ("d.dat", "|")])
def test_delimiter_is_sniffed_when_the_extension_does_not_say(tmp_path, name, sep):
    path = write(tmp_path / name, "".join(f"{a}{sep}{b}\n" for a, b in SMS))
    table = read_table(path, columns=[1, 0])
    assert [fields for _, fields in table.rows] == [list(pair) for pair in SMS]
    assert "sniffed" in table.how


def test_extension_and_option_win_over_sniffing(tmp_path):
    path = write(tmp_path / "a.csv", "x;y,1\nz;w,2\n")
    assert read_table(path, columns=[0]).rows[0][1] == ["x;y", "1"]
    assert read_table(path, ";", columns=[0]).rows[0][1] == ["x", "y,1"]
    assert read_table(path, "tab", columns=[0]).rows[0][1] == ["x;y,1"]
    with pytest.raises(ZooError, match=r"data\.delimiter=';;' must be one character"):
        read_table(path, ";;")


def test_an_extensionless_tsv_with_index_columns_keeps_its_first_row(tmp_path):
    path = write(tmp_path / "SMSSpamCollection", "".join(f"{a}\t{b}\n" for a, b in SMS))
    dm = datamodule("text_classification", path=str(path), text_column=1, label_column=0, seed=0)
    dm.setup()
    assert sum(len(d) for d in dm.splits.values()) == len(SMS)  # no row taken for a header
    assert dm.spec.target_vocab == ["ham", "spam"]


def test_header_rule_with_index_columns(tmp_path):
    numbers = "".join(f"{i},{i + 1}\n" for i in range(5))
    headed = read_table(write(tmp_path / "h.csv", "a,b\n" + numbers), columns=[0])
    assert headed.header == ["a", "b"] and len(headed.rows) == 5
    plain = read_table(write(tmp_path / "p.csv", numbers), columns=[0])
    assert plain.header is None and len(plain.rows) == 5
    texts = read_table(write(tmp_path / "t.csv", "a,b\nc,d\n"), columns=[0])
    assert texts.header is None and len(texts.rows) == 2  # parses like the others
    named = read_table(write(tmp_path / "n.csv", "a,b\nc,d\n"), columns=["b"])
    assert named.header == ["a", "b"] and len(named.rows) == 1
    forced = read_table(write(tmp_path / "f.csv", "a,b\nc,d\n"), header=True, columns=[0])
    assert forced.header == ["a", "b"]


def test_too_few_fields_says_how_the_file_was_read_and_what_to_set(tmp_path):
    path = write(tmp_path / "sms.csv", "".join(f"{a}\t{b}\n" for a, b in SMS))
    dm = datamodule("text_classification", path=str(path), text_column=1, label_column=0, seed=0)
    with pytest.raises(ZooError) as caught:
        dm.setup()
    message = str(caught.value)
    assert "sms.csv, line 2: has 1 field, too few" in message
    assert "delimiter ',' (its .csv extension)" in message
    assert "the first row as data" in message
    assert "but the row holds a tab: if that separates its fields, set data.delimiter=tab" in (
        message)
    dm = datamodule("text_classification", path=str(path), text_column=1, label_column=0, seed=0,
                    delimiter="tab")
    dm.setup()  # the advised fix
    assert sum(len(d) for d in dm.splits.values()) == len(SMS)


def test_too_few_fields_without_another_delimiter_names_the_options(tmp_path):
    path = write(tmp_path / "t.csv", "text,label\ngood,pos\njust some text\n")
    with pytest.raises(ZooError) as caught:
        datamodule("text_classification", path=str(path), seed=0).setup()
    assert "line 3: has 1 field, too few" in str(caught.value)
    assert "data.delimiter=" in str(caught.value) and "data.header=" in str(caught.value)


def test_a_quote_that_is_never_closed_names_the_lines_it_swallowed(tmp_path):
    path = write(tmp_path / "t.csv", 'text,label\ngood,pos\n"bad,neg\nfine,pos\nok,neg\n')
    with pytest.raises(ZooError, match=r"t\.csv, lines 3-5: a quoted field opened on line 3"):
        datamodule("text_classification", path=str(path), seed=0).setup()


def test_a_quote_that_swallows_lines_until_another_names_its_lines(tmp_path):
    rows = 'a,b,label\n1,2,x\n1,"2,x\n3,4,y\n5",6,z\n' + "7,8,y\n" * 5
    path = write(tmp_path / "q.csv", rows)
    with pytest.raises(ZooError, match=r"q\.csv, lines 3-5: a quoted field runs over several"):
        datamodule("csv", path=str(path), seed=0).setup()
    with pytest.raises(ZooError, match=r"q\.csv, lines 3-5: .* a quoted field runs over these"):
        datamodule("csv", path=str(path), seed=0, multiline=True).setup()


def test_quoted_text_over_several_lines_is_one_example_when_multiline(tmp_path):
    path = write(tmp_path / "t.csv", 'text,label\n"two\nlines",pos\n' + "one,neg\n" * 9)
    with pytest.raises(ZooError, match=r"t\.csv, lines 2-3: .* set data\.multiline=true"):
        datamodule("text_classification", path=str(path), seed=0).setup()
    dm = datamodule("text_classification", path=str(path), seed=0, multiline=True)
    dm.setup()
    assert sum(len(d) for d in dm.splits.values()) == 10


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("1e39", "'1e39' in column 1 ('b') overflows float32"),
        ("-1e39", "'-1e39' in column 1 ('b') overflows float32"),
        ("nan", "'nan' in column 1 ('b') is not a finite number"),
        ("inf", "'inf' in column 1 ('b') is not a finite number"),
    ],
)
def test_numbers_that_float32_cannot_hold_are_refused_with_file_and_line(tmp_path, cell, words):
    path = write(tmp_path / "n.csv", f"a,b,label\n1,2,x\n3,{cell},y\n" + "5,6,x\n" * 8)
    with pytest.raises(ZooError, match=rf"n\.csv, line 3: {re.escape(words)}"):
        datamodule("csv", path=str(path), seed=0).setup()
    series = write(tmp_path / "s.csv", "t,b\n" + "1,2\n" * 3 + f"2,{cell}\n" + "3,4\n" * 30)
    with pytest.raises(ZooError, match=rf"s\.csv, line 5: {re.escape(words)}"):
        datamodule("csv", path=str(series), format="series", look_back=2, seed=0).setup()


def test_the_largest_float32_is_accepted(tmp_path):
    path = write(tmp_path / "n.csv", "a,b,label\n" + "1,3.4e38,x\n2,-3.4e38,y\n" * 5)
    dm = datamodule("csv", path=str(path), scale="none", seed=0)
    dm.setup()
    assert dm.splits["train"].tensors["x"].abs().max() == pytest.approx(3.4e38)
