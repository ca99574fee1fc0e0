"""The real app in a real browser, on the real sample delivery: what AppTest cannot see."""

from __future__ import annotations

import csv
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import duckdb
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from zakid_metrics.i18n import format_number
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


class Figures(NamedTuple):
    """Key figures the test reads from the warehouse itself, to compare with the page."""

    run_id: int
    records: int
    companies: int
    stale_companies: int
    rejected_rows: int
    rejected_problems: int


@pytest.fixture(scope="module")
def sample_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the bundled sample delivery loaded by the real CLI."""
    sample = Settings().sample_dir  # data/sample unless ZAKID_SAMPLE_DIR says otherwise
    assert any(sample.iterdir()), f"{sample} is empty: write it with `python -m pipelines sample`"
    data_dir = tmp_path_factory.mktemp("e2e") / "data"
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", "ingest", str(sample), "--data-dir", str(data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"ingest failed:\n{done.stdout}\n{done.stderr}"
    return data_dir


@pytest.fixture(scope="module")
def figures(sample_data_dir: Path) -> Figures:
    with duckdb.connect(str(sample_data_dir / "warehouse.duckdb"), read_only=True) as con:
        run_id = int(con.execute("SELECT max(run_id) FROM load_runs").fetchone()[0])
        records, companies, stale = con.execute(
            "SELECT sum(rows), sum(rows) FILTER (WHERE entity = 'companies'), "
            "sum(stale_rows) FILTER (WHERE entity = 'companies') FROM entity_status"
        ).fetchone()
        rows, problems = con.execute(
            "SELECT count(DISTINCT (file, line)), count(*) FROM rejected_rows WHERE run_id = ?",
            [run_id],
        ).fetchone()
    return Figures(run_id, int(records), int(companies), int(stale), int(rows), int(problems))


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
    # Tall enough for the whole page: Streamlit scrolls inside its own container.
    context = browser.new_context(viewport={"width": 1440, "height": 3000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app_url)
    yield page
    context.close()


def wait_for_page(page: Page, last_text: str) -> None:
    """Wait until the script has run to the end and the browser has drawn every element."""
    expect(page.get_by_text(last_text)).to_be_visible()
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    tables = page.get_by_test_id("stDataFrame").count()
    expect(page.get_by_test_id("data-grid-canvas")).to_have_count(tables)


def assert_no_error_shown(page: Page) -> None:
    assert page.get_by_test_id("stException").count() == 0
    assert page.get_by_test_id("stAlertContentError").count() == 0
    assert "Traceback" not in page.locator("body").inner_text()


def metric(page: Page, label: str) -> str:
    label_ = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    tile = page.get_by_test_id("stMetric").filter(has=label_)
    return tile.get_by_test_id("stMetricValue").inner_text()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def test_data_status_shows_the_sample_figures_in_german(page: Page, figures: Figures) -> None:
    rejected = (
        f"Abgelehnte Zeilen: {format_number(figures.rejected_rows)} · "
        f"Beanstandungen: {format_number(figures.rejected_problems)}"
    )
    wait_for_page(page, rejected)
    screenshot(page, "data_status_de")
    assert_no_error_shown(page)
    expect(page.get_by_role("heading", name="Datenstand", exact=True)).to_be_visible()
    assert metric(page, "Datensätze") == format_number(figures.records, "de")
    assert metric(page, "Abgelehnte Zeilen") == format_number(figures.rejected_rows, "de")
    expect(page.get_by_text(f"Ladelauf {figures.run_id}, veröffentlicht am")).to_be_visible()

    # The grid is drawn on a canvas; its accessible table holds the values.
    companies = page.get_by_test_id("stDataFrame").first.locator("tr", has_text="Unternehmen")
    assert companies.locator("td").nth(1).inner_text() == str(figures.companies)

    with page.expect_download() as download:
        page.get_by_role("button", name="CSV").first.click()
    assert download.value.suggested_filename == "data_status_entities.csv"
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    rows = {row["Datenart"]: row for row in csv.DictReader(io.StringIO(text), delimiter=";")}
    assert rows["Unternehmen"]["Datensätze"] == str(figures.companies)
    assert rows["Unternehmen"]["davon veraltet"] == str(figures.stale_companies)
    assert rows["Unternehmen"]["Aktualität"] == "aktuell"


def test_switching_to_english_relabels_the_page(page: Page, figures: Figures) -> None:
    wait_for_page(page, "Abgelehnte Zeilen:")
    page.get_by_text("English", exact=True).click()
    wait_for_page(page, f"Rejected rows: {format_number(figures.rejected_rows, 'en')}")
    screenshot(page, "data_status_en")
    assert_no_error_shown(page)
    expect(page.get_by_role("heading", name="Data status", exact=True)).to_be_visible()
    assert metric(page, "Records") == format_number(figures.records, "en")
    # The choices, not only their labels, follow the language (Streamlit keeps label texts).
    run_choice = page.get_by_role("combobox", name="Load run for files and rejected rows")
    expect(run_choice).to_have_value(re.compile(rf"^Run {figures.run_id} · "))
    expect(page.get_by_role("combobox", name="Data type")).to_have_value("All data types")
    expect(
        page.get_by_role("heading", name=f"Rejected rows of run {figures.run_id}")
    ).to_be_visible()
