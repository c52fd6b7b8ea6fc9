"""What a dashboard test needs: headless Chromium driven by Selenium (`browser`), a dashboard
server on 127.0.0.1 stopped by its pid (`serve`), a small trained sweep (`sweep`, 2 cells x 2
seeds with `logger=many`) and an Optuna study (`study`), and `screenshot` of each page (into
the temporary folder; `ZOO_SCREENSHOTS=docs/figures` retakes the committed ones).

A dashboard's test is one small file: start the server on the sweep's files with `serve`, open
it with `browser`, wait for the text a user must see (`shows`), compare it with the runs'
metrics.json and take the screenshot. Each file says `pytestmark = pytest.mark.browser`: they
run with `python -m pytest -m browser` (.ci/run); the default run leaves them out. A test asks
for `browser` first, so that it skips before any training when Chromium cannot be had.

MLflow, say, is one more file: `serve(["mlflow", "ui", "--backend-store-uri",
f"sqlite:///{sweep / 'mlflow.db'}", "--host", "127.0.0.1", "--port", "{port}"])`, then `shows`
each run and `screenshot(browser, "mlflow")`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from conftest import cli, cli_env, run_cli

# where screenshots go: ZOO_SCREENSHOTS=docs/figures retakes README's (relative to the checkout)
FIGURES = Path(__file__).resolve().parents[2] / os.environ.get(
    "ZOO_SCREENSHOTS", Path(tempfile.gettempdir()) / "zoo-screenshots"
)
WAIT_S = 180  # a dashboard's first page on 2 busy cores (TensorBoard's HParams is the slowest)

# a tiny run of the default task (the adding problem): seconds each
TINY = [
    "data.n_train=64",
    "data.n_val=32",
    "data.n_test=32",
    "data.T=20",
    "trainer.max_epochs=3",
    "cell.hidden_size=16",
    "cell.num_layers=1",
    "cell.dropout=0",
    "optimizer.lr=3e-3",
    "trainer.enable_progress_bar=false",
]
CELLS, SEEDS = ("rnn", "gru"), (0, 1)


@pytest.fixture(scope="session")
def sweep(tmp_path_factory) -> Path:
    """`zoo-train -m cell=rnn,gru seed=0,1 logger=many`: job folders 0 to 3, each with its CSV
    log, TensorBoard events (HParams included) and every other logger `many` holds."""
    folder = tmp_path_factory.mktemp("dashboards") / "sweep"
    run_cli(
        "zoo-train",
        "-m",
        f"cell={','.join(CELLS)}",
        f"seed={','.join(map(str, SEEDS))}",
        *TINY,
        "logger=many",
        f"hydra.sweep.dir={folder}",
        cwd=folder.parent,
    )
    return folder


@pytest.fixture(scope="session")
def study(tmp_path_factory) -> Path:
    """`zoo-train -m hparams_search=optuna cell=rnn,gru` with 4 trials: their folders 0 to 3
    and the study in optuna.db."""
    folder = tmp_path_factory.mktemp("dashboards") / "study"
    run_cli(
        "zoo-train",
        "-m",
        "hparams_search=optuna",
        f"cell={','.join(CELLS)}",
        *TINY,
        "logger=csv",
        "hydra.sweeper.n_trials=4",
        f"hydra.sweep.dir={folder}",
        cwd=folder.parent,
    )
    return folder


def record(run: Path) -> dict:
    return json.loads((run / "metrics.json").read_text())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def serve(tmp_path):
    """`serve([command, ..., "{port}"])` starts a server (a console script of this environment)
    with a free port on 127.0.0.1 put in its arguments, and returns its URL once the port
    answers. Each one started is stopped when the test ends: its process group (the server and
    any process it started, nothing else) by the server's pid."""
    started = []

    def start(command: list[str]) -> str:
        port = free_port()
        log = tmp_path / f"{command[0]}.log"
        with log.open("w") as out:
            proc = subprocess.Popen(
                [cli(command[0]), *(a.format(port=port) for a in command[1:])],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=cli_env(),
                start_new_session=True,
            )
        started.append(proc)
        deadline = time.monotonic() + WAIT_S
        while not _answers(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    f"{command[0]} did not answer on 127.0.0.1:{port} "
                    f"(exit status {proc.poll()}):\n{log.read_text()[-3000:]}"
                )
            time.sleep(0.2)
        return f"http://127.0.0.1:{port}"

    yield start
    for proc in started:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)  # the group start_new_session made: its id is the pid
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue


def _chromium() -> tuple[str, str]:
    """(chromium, chromedriver): Debian's packages, installed here when missing and root."""
    found = shutil.which("chromium"), shutil.which("chromedriver")
    if all(found):
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip(
            "headless Chromium is missing: install Debian's chromium and "
            "chromium-driver (apt-get install chromium chromium-driver, as root)"
        )
    install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium", "chromium-driver"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if subprocess.run(install, capture_output=True, env=env).returncode != 0:
        subprocess.run(["apt-get", "update"], capture_output=True, env=env, check=True)
        subprocess.run(install, capture_output=True, env=env, check=True)
    return shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium through Selenium, 1600x1000: the system's browser and driver, never a
    downloaded one."""
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason="needs Selenium: pip install 'zoo[browser]'"
    )
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = _chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1600,1000",
        "--hide-scrollbars",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    yield driver
    driver.quit()


# the visible elements whose own text is arguments[0], in the page and in every shadow root
# (TensorBoard's HParams is Polymer: its table lives in shadow DOM, out of XPath's reach)
_FIND = """
const text = arguments[0], found = [];
(function walk(root) {
  for (const el of root.querySelectorAll("*")) {
    if (el.shadowRoot) walk(el.shadowRoot);
    const own = [...el.childNodes].filter(n => n.nodeType === Node.TEXT_NODE)
      .map(n => n.textContent).join(" ").replace(/\\s+/g, " ").trim();
    const box = el.getBoundingClientRect();
    if (own === text && box.width > 0 && box.height > 0
        && getComputedStyle(el).visibility !== "hidden") found.push(el);
  }
})(document);
return found;
"""


def shown(driver, text: str) -> list:
    """The visible elements whose own text is `text` (whitespace collapsed), now."""
    return driver.execute_script(_FIND, text)


def shows(driver, text: str, keep=lambda element: True) -> list:
    """`shown(driver, text)` that `keep` keeps, once the page shows one (WAIT_S at most)."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_S, poll_frequency=0.5).until(
        lambda d: [e for e in shown(d, text) if keep(e)],
        message=f"the page never showed {text!r}",
    )


def text_at(driver, row, column) -> str | None:
    """The text shown where `row` (an element of a table's row, e.g. the run's name) meets
    `column` (its header): the element with text whose box is on both; None if none is."""
    found = driver.execute_script(_AT, row, column)
    return None if found is None else found.strip()


_AT = """
const [row, column] = arguments, r = row.getBoundingClientRect(),
  c = column.getBoundingClientRect(), x = c.left + c.width / 2, y = r.top + r.height / 2;
let best = null;
(function walk(root) {
  for (const el of root.querySelectorAll("*")) {
    if (el.shadowRoot) walk(el.shadowRoot);
    const b = el.getBoundingClientRect(), own = [...el.childNodes]
      .filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join("").trim();
    if (own && b.left <= x && x <= b.right && b.top <= y && y <= b.bottom) best = own;
  }
})(document);
return best;
"""


def screenshot(driver, name: str) -> Path:
    """The browser's window as FIGURES/<name>.png."""
    FIGURES.mkdir(parents=True, exist_ok=True)
    path = FIGURES / f"{name}.png"
    assert driver.save_screenshot(str(path)), f"no screenshot written to {path}"
    return path
