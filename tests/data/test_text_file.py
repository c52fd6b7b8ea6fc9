"""zoo.data.files.text_file: the one UTF-8 reader, naming the file and line of a bad byte."""

from __future__ import annotations

import pytest

from zoo.data.files.text_file import decode_text, numbered_lines, read_text
from zoo.errors import ZooError


def test_a_bad_byte_is_named_with_its_file_and_line(tmp_path):
    path = tmp_path / "book.txt"
    path.write_bytes(b"one\r\ntwo\nth\xffree\n")
    with pytest.raises(ZooError, match=r"book\.txt, line 3: is not valid UTF-8"):
        read_text(path)
    with pytest.raises(ZooError, match=r"data\.zip:names/Greek\.txt, line 2: is not valid"):
        decode_text(b"a\n\xce", "data.zip:names/Greek.txt")


def test_a_byte_order_mark_is_dropped_and_lines_are_counted_as_editors_do(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_bytes("\ufeffa,b\r\nc\u2028d\n".encode())
    assert list(numbered_lines(path)) == [(1, "a,b"), (2, "c\u2028d"), (3, "")]
