"""optuna-dashboard on a study's SQLite file: each trial with its cell and its value, the
run's optimized metric as its metrics.json records it."""

from __future__ import annotations

import pytest

from .conftest import record, screenshot, shows

pytestmark = pytest.mark.browser


def test_trials_show_their_cell_and_value(browser, study, serve):
    pytest.importorskip("optuna_dashboard", reason="pip install 'zoo[browser]'")
    url = serve(
        [
            "optuna-dashboard",
            f"sqlite:///{study / 'optuna.db'}",
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
        ]
    )
    trials = {int(job.name): record(job) for job in sorted(study.glob("[0-9]*"))}
    assert sorted(trials) == [0, 1, 2, 3]
    numbers = ",".join(map(str, trials))
    browser.get(f"{url}/dashboard/studies/1/trials?numbers={numbers}")  # the only study
    shows(browser, "4 Trials")
    for number in trials:
        shows(browser, f"Trial {number}")  # the list of trials
    text = browser.find_element("tag name", "body").text
    cards = text.split("(trial_id=")[1:]  # each selected trial's card, in order
    assert len(cards) == 4, text
    for number, run in trials.items():
        card = cards[number]
        assert f"Value\n{run['metrics']['val/loss']!r}" in card, card  # the value in full
        assert f"Parameter\ncell {run['choices']['cell']}" in card, card
    screenshot(browser, "optuna_dashboard")
