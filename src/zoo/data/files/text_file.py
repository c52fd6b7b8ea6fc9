"""UTF-8 text, and errors that name the file and line: the one place the zoo decodes text.

A leading byte-order mark (as spreadsheets and Notepad write) is dropped; an undecodable byte
is reported with the line it is on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from zoo.errors import ZooError


def bad_line(where, line: int | str, problem: str) -> ZooError:
    """The error for a malformed line: `<file>, line <n>: <problem>.`"""
    return ZooError(f"{where}, line {line}: {problem}.")


def decode_text(data: bytes, where) -> str:
    """`data` (the bytes of the file or archive member `where`) as text."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise bad_line(where, line, "is not valid UTF-8; save the file as UTF-8") from None


def read_text(path: Path) -> str:
    """A whole UTF-8 file."""
    return decode_text(Path(path).read_bytes(), path)


def numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number from 1, line without its line break) for every line of a UTF-8 file;
    only \\n (or \\r\\n) ends a line, as editors count them."""
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        yield number, line.removesuffix("\r")
