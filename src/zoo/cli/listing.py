"""`zoo-train --list`: the options of the main config groups, each with the first sentence of
its own config file's leading comment (so the description lives beside the config it names)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from zoo.config.conf_dir import config_dir

GROUPS = {
    "experiment": "presets (zoo-train experiment=NAME; sweeps run with -m)",
    "data": "datasets and tasks (data=NAME)",
    "cell": "recurrent cells (cell=NAME)",
    "direction": "directions (direction=NAME)",
    "topology": "topologies (topology=NAME)",
}
_SENTENCE_END = re.compile(r"\.(?=\s+[A-Z(\"'`])")


def description(path: Path) -> str:
    """The first sentence of the file's first comment block (`# @package` lines skipped); the
    block ends at a blank or uncommented line or an indented example line (`#   zoo-train`)."""
    words = []
    for line in path.read_text().splitlines():
        if line.startswith("# @package"):
            continue
        if not line.startswith("#") or line.startswith("#  ") or not line[1:].strip():
            break
        words.append(line[1:].strip())
    text = " ".join(words)
    first = _SENTENCE_END.split(text, maxsplit=1)[0].rstrip(":").strip()
    return first if first.endswith(".") or not first else first + "."


def options(group: str) -> dict[str, str]:
    folder = Path(config_dir()) / group
    return {path.stem: description(path) for path in sorted(folder.glob("*.yaml"))}


def listing(columns: int = 110) -> str:
    """Every option of `GROUPS`, one a line, descriptions shortened to fit `columns`."""
    lines = []
    for group, title in GROUPS.items():
        found = options(group)
        width = max(map(len, found))
        lines += [f"{group}: {title}"]
        room = max(columns - width - 4, 40)
        lines += [
            f"  {name.ljust(width)}  {textwrap.shorten(text, room, placeholder=' ...')}"
            for name, text in found.items()
        ]
        lines.append("")
    return "\n".join(lines)
