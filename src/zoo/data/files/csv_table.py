"""Reading delimited files (CSV/TSV) with line numbers: delimiter, header, columns, numbers.

Python's `csv` module does the quoting; this adds what the datamodules share:

- the delimiter: `data.delimiter` if given (one character, or `tab`/`\\t`), else a tab for
  .tsv/.tab files and a comma for .csv files, else sniffed (`csv.Sniffer`) from the first
  lines among `,` tab `;` `|` (a comma when none fits);
- the header (`data.header`: true, false or auto): with `auto`, columns named by their header
  need one; with columns given by index the first row is a header only when it does not
  parse like the rows below it: no number in it, and text in a column where most of the
  rows below hold numbers;
- quotes (`data.quoting`): `minimal`, read strictly, so a quote that closes before the end
  of its field or is never closed is refused; or `none`, quotes as plain characters;
- a quoted field over several lines only with `data.multiline: true` (else every such field
  is named by its lines: a stray quote swallowing rows is silent otherwise);
- columns named or indexed, numbers that fit float32;
- errors naming the file and line (the lines, when a quoted field runs over several), and,
  for a row with too few fields, the delimiter and header choice it was read with.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import torch

from zoo.data.files.text_file import bad_line, read_text
from zoo.errors import ZooError

TAB_SUFFIXES = (".tsv", ".tab")
SNIFFED = ",\t;|"
SAMPLE_LINES = 50  # what the header rule and the sniffer look at
QUOTING = {"minimal": csv.QUOTE_MINIMAL, "none": csv.QUOTE_NONE}  # data.quoting
QUOTE_ADVICE = (
    "if quotes are plain characters in this file, set data.quoting=none; else close the "
    'quote where its field ends, and double a quote that is part of the text ("")'
)
FLOAT32_MAX = float(torch.finfo(torch.float32).max)


def number_problem(field: str) -> str | None:
    """Why `field` is not a number the models can take (None when it is one)."""
    try:
        value = float(field)
    except ValueError:
        return "is not a number"
    if not math.isfinite(value):
        return "is not a finite number"
    if abs(value) > FLOAT32_MAX:
        return f"overflows float32 (whose largest value is {FLOAT32_MAX:.3g})"
    return None


def is_number(field: str) -> bool:
    return number_problem(field) is None


def is_name(key) -> bool:
    """Whether a column key is a header name rather than a 0-based index."""
    return isinstance(key, str) and not key.lstrip("-").isdigit()


@dataclass
class DelimitedRows:
    path: Path
    header: list[str] | None
    rows: list[tuple[int, list[str]]]  # (first line number, fields), blank rows left out
    how: str  # the delimiter and header choice it was read with, for messages
    ends: dict[int, int]  # first -> last line of a row that a quoted field spreads over
    delimiter: str

    def column(self, key, option: str) -> int:
        """The 0-based index of column `key` (a header name or an index, negative from the end)."""
        width = len(self.header) if self.header else max(len(r) for _, r in self.rows)
        if is_name(key):
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

    def name(self, index: int) -> str:
        """How messages name a column: its 0-based index, and its header name if any."""
        if self.header and index < len(self.header):
            return f"{index} ({self.header[index]!r})"
        return str(index)

    def where(self, line: int) -> str:
        """`<file>, line <n>`, or `<file>, lines <a>-<b>` for a row a quoted field spread."""
        if line in self.ends:
            return f"{self.path}, lines {line}-{self.ends[line]}"
        return f"{self.path}, line {line}"

    def bad_row(self, line: int, problem: str) -> ZooError:
        if line not in self.ends:
            return bad_line(self.path, line, problem)
        return ZooError(
            f"{self.where(line)}: {problem}; a quoted field runs over these lines: close its "
            'quote, or double a quote that is part of the text ("").'
        )

    def too_few(self, line: int, problem: str, fields: list[str]) -> ZooError:
        """A row with too few fields, saying how the file was read and how to change it: the
        delimiter to set when the row holds another one, else the options that change it."""
        found = [d for d in SNIFFED if d != self.delimiter and any(d in f for f in fields)]
        if found:
            shown = "a tab" if found[0] == "\t" else repr(found[0])
            return self.bad_row(
                line,
                f"{problem}; it was read with {self.how}, but the row holds {shown}: if that "
                f"separates its fields, set {delimiter_override(found[0])}",
            )
        return self.bad_row(
            line,
            f"{problem}; it was read with {self.how}: if that is wrong, set "
            "data.delimiter=<one character, or tab> or data.header=true|false",
        )


def delimiter_override(delimiter: str) -> str:
    """The command-line override that sets `delimiter`, as typed in a shell: Hydra's grammar
    takes `;` and `,` only quoted, and the shell keeps the quotes inside single quotes."""
    return "data.delimiter=tab" if delimiter == "\t" else f"'data.delimiter=\"{delimiter}\"'"


def delimiter_of(path: Path, text: str, delimiter) -> tuple[str, str]:
    """(the delimiter, how it was chosen)."""
    if delimiter is not None:
        delimiter = "\t" if delimiter in ("\\t", "tab") else str(delimiter)
        if len(delimiter) != 1:
            raise ZooError(
                f"data.delimiter={delimiter!r} must be one character (or tab); "
                f"set it to the character between the fields of {path}."
            )
        return delimiter, "data.delimiter"
    suffix = path.suffix.lower()
    if suffix in TAB_SUFFIXES or suffix == ".csv":
        return ("\t" if suffix in TAB_SUFFIXES else ","), f"its {suffix} extension"
    sample = "\n".join(text.split("\n", SAMPLE_LINES)[:SAMPLE_LINES])
    try:
        return csv.Sniffer().sniff(sample, delimiters=SNIFFED).delimiter, "sniffed"
    except csv.Error:
        return ",", "the default; no delimiter could be sniffed"


def header_of(rows: list[tuple[int, list[str]]], header, columns) -> tuple[bool, str]:
    """(whether the first row is a header, why)."""
    if header in (True, False):
        return header, f"data.header={str(header).lower()}"
    if header != "auto":
        raise ZooError(f"data.header={header!r} must be true, false or auto.")
    if any(is_name(c) for c in columns):
        return True, "data.header=auto, as columns are named"
    first, below = rows[0][1], [fields for _, fields in rows[1:SAMPLE_LINES]]
    if not any(is_number(value) for value in first):
        for c in range(len(first)):
            column = [f[c] for f in below if c < len(f) and f[c].strip()]
            if sum(map(is_number, column)) > len(column) / 2:
                return True, "data.header=auto, as it has text where the rows below have numbers"
    return False, "data.header=auto, as the first row parses like the others"


def read_table(path: Path, delimiter=None, header="auto", columns=(), multiline=False,
               quoting="minimal") -> DelimitedRows:
    """Every non-blank row of a delimited file. `columns` are the keys the caller will look
    up (header names or indices), for the header rule. A quoted field over several lines is
    refused unless `multiline`; `quoting="none"` reads quotes as plain characters."""
    if quoting not in QUOTING:
        raise ZooError(f"data.quoting={quoting!r} must be one of {', '.join(QUOTING)}.")
    text = read_text(path)
    delimiter, chosen = delimiter_of(path, text, delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True,
                        quoting=QUOTING[quoting])
    rows, ends, last = [], {}, 0
    try:
        for fields in reader:
            if reader.line_num > last + 1:
                ends[last + 1] = reader.line_num
            if any(f.strip() for f in fields):
                rows.append((last + 1, fields))
            last = reader.line_num
    except csv.Error as exc:
        raise _quote_error(path, last + 1, reader.line_num, exc) from None
    if ends and not multiline:
        spans = [f"{a}-{b}" for a, b in ends.items()]
        others = f" (as do those at lines {_listed(spans[1:])})" if len(spans) > 1 else ""
        raise ZooError(
            f"{path}, lines {spans[0]}: a quoted field runs over several lines{others}; if "
            f"fields of this file may span lines, set data.multiline=true, else {QUOTE_ADVICE}."
        )
    if not rows:
        raise ZooError(f"{path} holds no rows; check data.path.")
    has_header, why = header_of(rows, header, columns)
    names = [f.strip() for f in rows.pop(0)[1]] if has_header else None
    if not rows:
        raise ZooError(f"{path} holds a header but no data rows; check data.path.")
    shown = "tab" if delimiter == "\t" else repr(delimiter)
    first = "a header" if has_header else "data, not a header"
    how = f"delimiter {shown} ({chosen}) and the first row as {first} ({why})"
    return DelimitedRows(path, names, rows, how, ends, delimiter)


def _listed(spans: list[str], most: int = 5) -> str:
    more = f" and {len(spans) - most} more" if len(spans) > most else ""
    return ", ".join(spans[:most]) + more


def _quote_error(path: Path, start: int, line: int, exc: csv.Error) -> ZooError:
    """The strict reader's error for the row from line `start`, stopped at `line`."""
    span = f"lines {start}-{line}" if line > start else f"line {line}"
    if "unexpected end of data" in str(exc):
        return ZooError(
            f"{path}, {span}: a quoted field opened on line {start} is never closed and "
            f"swallows every line after it; {QUOTE_ADVICE}."
        )
    if "expected after" in str(exc):
        opened = f"opened on line {start} closes on line {line}" if line > start else "closes"
        return ZooError(
            f"{path}, {span}: a quoted field {opened} with more text after its closing quote; "
            f"{QUOTE_ADVICE}."
        )
    return bad_line(path, line, f"is not valid delimited text ({exc})")


def number(table: DelimitedRows, line: int, field: str, column: int, what: str) -> float:
    """`field` as a float that fits float32, or the error naming the file, line and column."""
    problem = number_problem(field)
    if problem is None:
        return float(field)
    shown = field if len(field) <= 40 else field[:37] + "..."
    raise table.bad_row(
        line, f"{shown!r} in column {table.name(column)} {problem}, but {what} must be numeric"
    )


def class_names(labels) -> list[str]:
    """The distinct labels, numerically sorted when all are numbers, else alphabetically."""
    found = set(labels)
    if all(is_number(x) for x in found):
        return sorted(found, key=float)
    return sorted(found)
