"""MLflow's UI on the sweep's SQLite database: the sweep is one experiment listing its four
runs by name; the compare page has the `cell` parameter of each; each run's page shows its
final metric as its metrics.json records it."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from .conftest import WAIT_S, record, screenshot, shows

pytestmark = pytest.mark.browser


def test_the_sweep_is_one_experiment_of_its_runs(browser, sweep, serve):
    mlflow = pytest.importorskip("mlflow", reason="pip install 'zoo[mlflow]'")
    from selenium.webdriver.support.ui import WebDriverWait  # (browser: Selenium is there)
    database = f"sqlite:///{sweep / 'mlflow.db'}"
    client = mlflow.MlflowClient(tracking_uri=database)
    [experiment] = [e for e in client.search_experiments() if e.name != "Default"]
    runs = client.search_runs([experiment.experiment_id])
    by_folder = {run.data.tags["run_folder"]: run for run in runs}
    jobs = {str(job): record(job) for job in sorted(sweep.glob("[0-9]*"))}
    assert sorted(by_folder) == sorted(jobs)
    url = serve(["mlflow", "ui", "--backend-store-uri", database, "--host", "127.0.0.1",
                 "--port", "{port}"])
    home = f"{url}/#/experiments/{experiment.experiment_id}"

    browser.get(f"{home}/runs")
    for run in by_folder.values():
        shows(browser, run.info.run_name)

    ids = [by_folder[folder].info.run_id for folder in jobs]
    browser.get(f"{url}/#/compare-runs?runs={quote(json.dumps(ids))}"
                f"&experiments={quote(json.dumps([experiment.experiment_id]))}")
    cells = " ".join(job["choices"]["cell"] for job in jobs.values())
    row = f"cell {cells}"  # the Parameters table's row: one column per run
    WebDriverWait(browser, WAIT_S, poll_frequency=0.5).until(
        lambda d: row in d.find_element("tag name", "body").text.splitlines(),
        message=f"the compare page never showed the row {row!r}",
    )
    for toggle in shows(browser, "Show diff only"):  # as a user would: what tells runs apart
        toggle.click()
    [parameters] = shows(browser, "Parameters")
    browser.execute_script("arguments[0].scrollIntoView()", parameters)
    screenshot(browser, "mlflow_compare")

    for folder, job in jobs.items():
        browser.get(f"{home}/runs/{by_folder[folder].info.run_id}")
        shows(browser, repr(job["metrics"]["val/loss"]))  # the value in full, as recorded
        shows(browser, job["choices"]["cell"])
