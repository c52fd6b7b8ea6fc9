"""`zoo-train --list`: every option of the main groups, described by its config's own comment."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli

from zoo.cli.listing import GROUPS, description
from zoo.config.conf_dir import config_dir


def test_list_names_every_option_with_a_description(tmp_path):
    out = run_cli("zoo-train", "--list", cwd=tmp_path).stdout
    assert not list(tmp_path.iterdir())  # nothing trained, no run folder
    lines = out.splitlines()
    for group in GROUPS:
        start = lines.index(next(line for line in lines if line.startswith(f"{group}: ")))
        for path in sorted((Path(config_dir()) / group).glob("*.yaml")):
            [line] = [x for x in lines[start:] if x.split()[:1] == [path.stem]][:1]
            assert len(line.split(maxsplit=1)) == 2, f"{group}/{path.name} has no description"
    assert "gradient_lab" in out and "adding problem" in out


def test_description_is_the_first_sentence_of_the_leading_comment(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(
        "# @package _global_\n"
        "# The adding problem (Le et al. 2015) over\n"
        "# two lines. More detail here.\n"
        "#   zoo-train data=adding\n"
        "T: 100\n"
    )
    assert description(path) == "The adding problem (Le et al. 2015) over two lines."
    path.write_text("# a sweep over cells:\n#   zoo-train -m x\nkey: 1\n")
    assert description(path) == "a sweep over cells."
    path.write_text("key: 1\n")
    assert description(path) == ""
