"""TensorBoard on a sweep folder: the HParams tab lists each run with its cell and the final
metrics of its metrics.json."""

from __future__ import annotations

import pytest

from .conftest import record, screenshot, shown, shows, text_at

pytestmark = pytest.mark.browser


def is_checkbox(element) -> bool:  # in the pane that picks the table's columns
    return element.tag_name == "paper-checkbox"


def in_table(element) -> bool:
    return not is_checkbox(element)


def test_hparams_lists_each_run_with_its_cell_and_final_metric(browser, sweep, serve):
    pytest.importorskip("tensorboard")
    url = serve(["tensorboard", "--logdir", str(sweep), "--host", "127.0.0.1", "--port", "{port}"])
    browser.get(f"{url}/#hparams")
    runs = {f"{job.name}/tensorboard": record(job) for job in sorted(sweep.glob("[0-9]*"))}
    assert len(runs) == 4
    for name in runs:  # the table's Trial ID column
        shows(browser, name)
    # as a user would: hide the first columns (BLEU settings), show the cell chosen
    for label, wanted in (("bleu", False), ("bleu_beam", False), ("cell", True)):
        [box] = shows(browser, label, is_checkbox)
        if (box.get_attribute("aria-checked") == "true") != wanted:
            box.click()
    [cell] = shows(browser, "cell", in_table)  # its column's header
    [loss] = shows(browser, "val/loss", in_table)
    assert not [e for e in shown(browser, "bleu") if in_table(e)]
    for name, run in runs.items():
        [row] = shows(browser, name)  # as the table was redrawn
        assert text_at(browser, row, cell) == run["choices"]["cell"]
        # TensorBoard shows 5 significant digits, as JavaScript's toPrecision(5)
        assert text_at(browser, row, loss) == f"{run['metrics']['val/loss']:#.5g}"
    screenshot(browser, "tensorboard_hparams")
