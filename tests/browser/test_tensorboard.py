"""TensorBoard on a sweep folder: the HParams tab lists each run with its cell and the final
metrics of its metrics.json."""

from __future__ import annotations

import pytest

from .conftest import cell, record, screenshot, shown, shows

pytestmark = pytest.mark.browser


def test_hparams_lists_each_run_with_its_cell_and_final_metric(sweep, serve, browser):
    pytest.importorskip("tensorboard")
    url = serve(["tensorboard", "--logdir", str(sweep), "--host", "127.0.0.1", "--port", "{port}"])
    browser.get(f"{url}/#hparams")
    runs = {f"{job.name}/tensorboard": record(job) for job in sorted(sweep.glob("[0-9]*"))}
    assert len(runs) == 4
    names = {name: shows(browser, name)[0] for name in runs}  # the table's Trial ID column
    # as a user would: hide the first columns (BLEU settings), show the cell's kind
    for label, wanted in (("bleu", False), ("bleu_beam", False), ("cell.kind", True)):
        [box] = [e for e in shows(browser, label) if e.tag_name == "paper-checkbox"]
        if (box.get_attribute("aria-checked") == "true") != wanted:
            box.click()
    [kind] = [e for e in shows(browser, "cell.kind") if e.tag_name != "paper-checkbox"]
    [loss] = [e for e in shows(browser, "val/loss") if e.tag_name != "paper-checkbox"]
    assert not [e for e in shown(browser, "bleu") if e.tag_name != "paper-checkbox"]
    for name, run in runs.items():
        names[name] = shows(browser, name)[0]  # the table was redrawn
        assert cell(browser, names[name], kind) == run["choices"]["cell"]
        # TensorBoard shows 5 significant digits, as JavaScript's toPrecision(5)
        assert cell(browser, names[name], loss) == f"{run['metrics']['val/loss']:#.5g}"
    screenshot(browser, "tensorboard_hparams")
