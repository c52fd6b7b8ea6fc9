"""Reading delimited files (CSV/TSV) with line numbers: delimiter, header, columns, numbers.

Python's `csv` module does the quoting; this adds what the datamodules share: the delimiter
from the file's extension, the header rule (`auto`: the first row is a header when none of
its fields is a number), columns named or indexed, and errors naming the file and line.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

from zoo.data.local_files import bad_line, read_text
from zoo.errors import ZooError

TAB_SUFFIXES = (".tsv", ".tab")


def is_number(field: str) -> bool:
    try:
        return math.isfinite(float(field))
    except ValueError:
        return False


@dataclass
class Table:
    path: Path
    header: list[str] | None
    rows: list[tuple[int, list[str]]]  # (line number, fields), blank rows left out

    def column(self, key, option: str) -> int:
        """The 0-based index of column `key` (a header name or an index, negative from the end)."""
        width = len(self.header) if self.header else max(len(r) for _, r in self.rows)
        if isinstance(key, str) and not key.lstrip("-").isdigit():
            if not self.header or key not in self.header:
                found = f"its header is {self.header}" if self.header else "it has no header"
                raise ZooError(
                    f"data.{option}={key!r} is not a column of {self.path} ({found}); "
                    "name a header column or give a 0-based index."
                )
            return self.header.index(key)
        index = int(key)
        if not -width <= index < width:
            raise ZooError(
                f"data.{option}={index} is outside the {width} columns of {self.path}; "
                "give a 0-based index (negative counts from the end)."
            )
        return index % width

    def title(self, index: int) -> str:
        """The column's header name, or its index when there is no header."""
        return self.header[index] if self.header and index < len(self.header) else str(index)

    def name(self, index: int) -> str:
        """How messages name a column: its 0-based index, and its header name if any."""
        if self.header and index < len(self.header):
            return f"{index} ({self.header[index]!r})"
        return str(index)


def read_table(path: Path, delimiter: str | None = None, header="auto") -> Table:
    """Every non-blank row of a delimited file; the delimiter is a tab for .tsv/.tab, else a
    comma, unless given; `header` is true, false, or auto."""
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() in TAB_SUFFIXES else ","
    delimiter = "\t" if delimiter in ("\\t", "tab") else delimiter
    reader = csv.reader(io.StringIO(read_text(path), newline=""), delimiter=delimiter)
    rows = []
    try:
        for fields in reader:
            if any(f.strip() for f in fields):
                rows.append((reader.line_num, fields))
    except csv.Error as exc:
        raise bad_line(path, reader.line_num, f"is not valid delimited text ({exc})") from None
    if not rows:
        raise ZooError(f"{path} holds no rows; check data.path.")
    if header == "auto":
        header = not any(is_number(f) for f in rows[0][1])
    if header not in (True, False):
        raise ZooError(f"data.header={header!r} must be true, false or auto.")
    names = [f.strip() for f in rows.pop(0)[1]] if header else None
    if not rows:
        raise ZooError(f"{path} holds a header but no data rows; check data.path.")
    return Table(path, names, rows)


def number(table: Table, line: int, field: str, column: int, what: str) -> float:
    """`field` as a finite float, or the error naming the file, line and column."""
    if is_number(field):
        return float(field)
    raise bad_line(
        table.path,
        line,
        f"{field!r} in column {table.name(column)} is not a number, but {what} must be numeric",
    )


def class_names(labels) -> list[str]:
    """The distinct labels, numerically sorted when all are numbers, else alphabetically."""
    found = set(labels)
    if all(is_number(x) for x in found):
        return sorted(found, key=float)
    return sorted(found)
