"""zoo-report's page in a browser: its table shows zoo-table's numbers, and the four runs by
name with their cell."""

from __future__ import annotations

import pytest
from conftest import run_cli

from .conftest import screenshot, shows

pytestmark = pytest.mark.browser


def markdown_cells(text: str) -> list[list[str]]:
    """The header and rows of zoo-table's markdown table, bold marks dropped."""
    lines = [line for line in text.splitlines() if line.startswith("|")]
    rows = [
        [c.strip().replace("**", "").replace(r"\|", "|") for c in line.strip("|").split(" | ")]
        for line in lines
    ]
    return [rows[0], *rows[2:]]


def test_report_table_equals_zoo_table(browser, sweep):
    where = sweep.parent  # as a user runs it beside the sweep: the page names it `sweep`
    run_cli("zoo-report", sweep.name, "-o", "report.html", cwd=where)
    expected = markdown_cells(run_cli("zoo-table", sweep.name, cwd=where).stdout)
    page = where / "report.html"
    browser.get(page.as_uri())
    shows(browser, "cell")
    table = browser.find_element("id", "table")
    header = [th.text for th in table.find_elements("css selector", "thead th")]
    rows = [
        [td.text for td in tr.find_elements("tag name", "td")]
        for tr in table.find_elements("css selector", "tbody tr")
    ]
    assert [header, *rows] == expected
    config = browser.find_element("id", "config")
    columns = [th.text for th in config.find_elements("css selector", "thead th")]
    runs = [
        dict(zip(columns, [td.text for td in tr.find_elements("tag name", "td")], strict=True))
        for tr in config.find_elements("css selector", "tbody tr")
    ]
    assert [(r["run"], r["cell"], r["seed"]) for r in runs] == [
        ("sweep/0", "rnn", "0"),
        ("sweep/1", "rnn", "1"),
        ("sweep/2", "gru", "0"),
        ("sweep/3", "gru", "1"),
    ]
    assert len(browser.find_elements("css selector", "#curves .run svg")) == 4
    screenshot(browser, "zoo_report")
