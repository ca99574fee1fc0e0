"""Browser-test fixtures: one chromium, and one server per data set for the whole session.

- `internal_app`: the internal app on the loaded sample with the accounts of
  browser.INTERNAL_ACCOUNTS, shared by every test that leaves its data as it is (what they do
  write: audit lines of their own accounts' logins, and the reports test's report file under
  reports/, which no other test reads).
- `public_app`: the public app on nothing but the sample's open-data export.
- `live_app`: `python -m pipelines serve` (collector, simulator, app) on a copy of the sample.
- `own_app`: a server of a test's own on a fresh copy, for a test that changes the data (an
  upload, the first account); it stops when the test ends.

Each data directory is a copy of the session's loaded sample (tests/conftest.py), so the
sample is loaded once. Each test opens its own browser context (its own Streamlit session) and
logs in with its own account; no test depends on another having run, in any order.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.browser import (
    INTERNAL_ACCOUNTS,
    LIVE_VIEWER,
    PASSWORD,
    WAIT_MS,
    Account,
    App,
    log_in,
)
from tests.waits import wait_until
from zakid_metrics.auth import add_user

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags chromium keeps dialling out into a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT_S = 180  # a server starts in seconds; only a broken one waits this long
SERVE_READY = "serve: dashboard http://localhost:"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str, server: subprocess.Popen[bytes], log_path: Path) -> bool:
    assert server.poll() is None, f"exited with {server.returncode}:\n{log_path.read_text()}"
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as answer:
            return answer.read() == b"ok"
    except OSError:
        return False


@contextmanager
def streamlit_app(data_dir: Path, mode: str) -> Iterator[str]:
    """`streamlit run app.py` on a free port against `data_dir`; yields its URL. Its log is
    `data_dir`/../streamlit.log."""
    port = free_port()
    env = {**os.environ, "ZAKID_DATA_DIR": str(data_dir), "ZAKID_MODE": mode}
    env.pop("ZAKID_LANGUAGE", None)
    log_path = data_dir.parent / "streamlit.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: _healthy(url, server, log_path),
            timeout_s=STARTUP_TIMEOUT_S,
            what=f"streamlit to be healthy:\n{log_path}",
        )
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert "Traceback" not in log_path.read_text(), log_path.read_text()


def sample_copy(sample_warehouse: Path, parent: Path, accounts: tuple[Account, ...]) -> Path:
    """A copy of the loaded sample in `parent`/data with `accounts` (password PASSWORD)."""
    data_dir = Path(shutil.copytree(sample_warehouse, parent / "data"))
    for account in accounts:
        add_user(account.name, account.role, PASSWORD, by="e2e", data_dir=data_dir)
    return data_dir


def cli(*args: str) -> None:
    """Run `python -m pipelines ARGS` as operations would; fail the test with its output."""
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"pipelines {args[0]} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="session", autouse=True)
def generous_assertions() -> None:
    """Playwright's assertions give up after 5 s by default: too soon on a busy machine. They
    wait WAIT_MS like every other wait (actions: the page's default timeout, see open_app)."""
    expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_app(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Opens the page `path` of the app at `url` in a browser context of its own (a Streamlit
    session of its own); with an `account`, it logs in on the start page first and then
    follows the navigation link to `path` at once. The contexts close when the test ends."""
    with ExitStack() as contexts:

        def _open(
            url: str, account: Account | None = None, *, path: str = "", height: int = 3000
        ) -> Page:
            context = browser.new_context(
                viewport={"width": 1440, "height": height},  # Streamlit scrolls inside itself
                accept_downloads=True,
            )
            contexts.callback(context.close)
            page = context.new_page()
            page.set_default_timeout(WAIT_MS)
            if account is None:
                page.goto(f"{url}/{path}")
                return page
            page.goto(url)
            log_in(page, account)
            if path:
                page.get_by_test_id("stSidebarNav").locator(f'a[href$="/{path}"]').click()
            return page

        yield _open


@pytest.fixture(scope="session")
def internal_app(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The internal app on a copy of the sample with INTERNAL_ACCOUNTS, for the session."""
    data_dir = sample_copy(sample_warehouse, tmp_path_factory.mktemp("internal"), INTERNAL_ACCOUNTS)
    with streamlit_app(data_dir, "internal") as url:
        yield App(url, data_dir)


@pytest.fixture
def own_app(sample_warehouse: Path, tmp_path: Path) -> Iterator[Callable[..., App]]:
    """Starts the internal app on a fresh copy of the sample with the given accounts."""
    with ExitStack() as servers:

        def _start(*accounts: Account) -> App:
            data_dir = sample_copy(sample_warehouse, tmp_path / "own", accounts)
            return App(servers.enter_context(streamlit_app(data_dir, "internal")), data_dir)

        yield _start


@pytest.fixture(scope="session")
def public_app(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The public app on a data directory that holds only the export of the sample, as the
    department publishes it with the real CLI. `data_dir` is the internal one it came from
    (warehouse and public/), for the tests to compare with."""
    internal = Path(shutil.copytree(sample_warehouse, tmp_path_factory.mktemp("public") / "data"))
    cli("export", "--data-dir", str(internal))
    public_only = tmp_path_factory.mktemp("public_only") / "data"
    shutil.copytree(internal / "public", public_only / "public")
    with streamlit_app(public_only, "public") as url:
        yield App(url, internal)


@pytest.fixture(scope="session")
def live_app(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """`python -m pipelines serve` on a copy of the sample: collector, simulator and app."""
    data_dir = sample_copy(sample_warehouse, tmp_path_factory.mktemp("live"), (LIVE_VIEWER,))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZAKID_")}
    port = free_port()
    log = data_dir.parent / "serve.log"
    with log.open("w") as out:
        serve = subprocess.Popen(
            [sys.executable, "-m", "pipelines", "serve", "--data-dir", str(data_dir),
             "--port", str(port), "--collector-port", str(free_port())],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def ready() -> bool:
        assert serve.poll() is None, log.read_text()
        return SERVE_READY in log.read_text()

    try:
        wait_until(ready, timeout_s=STARTUP_TIMEOUT_S, what=f"serve to be ready:\n{log}")
        yield App(f"http://127.0.0.1:{port}", data_dir)
    finally:
        serve.send_signal(signal.SIGINT)
        try:
            serve.wait(timeout=120)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait()
