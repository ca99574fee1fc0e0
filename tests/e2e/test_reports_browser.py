"""The Finanzen page in a real browser on the sample data: make a report and download its PDF."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from zakid_metrics.settings import Settings

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT_S = 60
WAIT_MS = 60_000  # the page computes every KPI on its first run
SAMPLE_GRANT = "03STK0187A"
USER, PASSWORD = "reporter", "correct horse battery staple"


@pytest.fixture(scope="module")
def sample_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the bundled sample delivery loaded by the real CLI."""
    sample = Settings().sample_dir
    assert any(sample.iterdir()), f"{sample} is empty: write it with `python -m pipelines sample`"
    data_dir = tmp_path_factory.mktemp("e2e_reports") / "data"
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", "ingest", str(sample), "--data-dir", str(data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"ingest failed:\n{done.stdout}\n{done.stderr}"
    added = subprocess.run(
        [sys.executable, "-m", "pipelines", "users", "add", USER, "--role", "analyst",
         "--data-dir", str(data_dir)],
        cwd=ROOT,
        env={**os.environ, "ZAKID_NEW_PASSWORD": PASSWORD},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    return data_dir


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(sample_data_dir: Path) -> Iterator[str]:
    """`streamlit run app.py` on a free port against the sample data, until the module ends."""
    port = free_port()
    env = {**os.environ, "ZAKID_DATA_DIR": str(sample_data_dir), "ZAKID_MODE": "internal"}
    env.pop("ZAKID_LANGUAGE", None)
    log_path = sample_data_dir.parent / "streamlit.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server, log_path)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_healthy(url: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"streamlit not healthy after {STARTUP_TIMEOUT_S} s:\n{log_path.read_text()}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, app_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 3000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(app_url)
    # The login gate comes first; a session lives in one browser tab, so navigate within it.
    page.locator("input[autocomplete=username]").fill(USER)
    page.locator("input[type=password]").fill(PASSWORD)
    page.get_by_test_id("stFormSubmitButton").click()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Finanzen").click()
    yield page
    context.close()


def test_make_a_report_and_download_its_pdf(page: Page, sample_data_dir: Path) -> None:
    create = page.get_by_role("button", name="Erstellen")
    expect(create).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_role("combobox", name="Förderkennzeichen")).to_have_value(
        f"{SAMPLE_GRANT} · Stadt Duisburg"
    )
    create.click()
    expect(page.get_by_text("erstellt aus Snapshot 1@")).to_be_visible(timeout=WAIT_MS)
    assert page.get_by_test_id("stException").count() == 0
    SCREENSHOTS.mkdir(exist_ok=True)
    page.get_by_role("heading", name="Nachweis erstellen").scroll_into_view_if_needed()
    page.screenshot(path=SCREENSHOTS / "finance_reports.png")
    with page.expect_download() as download:
        page.get_by_role("button", name="PDF").first.click()
    assert download.value.suggested_filename.startswith(f"zwischennachweis_{SAMPLE_GRANT}_")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    made = sample_data_dir / "reports" / download.value.suggested_filename
    assert made.read_bytes() == pdf
