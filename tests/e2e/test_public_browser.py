"""The public app in a real browser, served from a data directory that holds only the open-data
export of the sample: every page in both languages, no confidential value, downloads, embedding."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest
from playwright.sync_api import Browser, Page, expect

from zakid_metrics.i18n import format_number
from zakid_metrics.settings import Settings

if TYPE_CHECKING:
    from tests.e2e.conftest import StartApp

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
WAIT_MS = 30_000  # the machine is shared: a page may take a while to draw
PAGES = {
    "de": ["Übersicht", "Arbeitsplätze", "Unternehmen & Projekte", "Eingebettete KI",
           "Nachhaltigkeit", "Bildung", "Offene Daten"],
    "en": ["Overview", "Jobs", "Companies & projects", "Embedded AI", "Sustainability",
           "Education", "Open data"],
}  # fmt: skip
HEADINGS = {
    "Übersicht": "ZaKI.D – was das Zentrum bewirkt",
    "Overview": "ZaKI.D – what the centre achieves",
}


def cli(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"{args[0]} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def internal_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample delivery loaded and published by the real CLI (as the department would)."""
    data_dir = tmp_path_factory.mktemp("e2e_public") / "internal"
    cli("ingest", str(Settings().sample_dir), "--data-dir", str(data_dir))
    cli("publish", "--data-dir", str(data_dir))
    return data_dir


@pytest.fixture(scope="module")
def public_only(internal_dir: Path) -> Path:
    """What the public server gets: a copy of public/ and nothing else."""
    data_dir = internal_dir.parent / "public_only"
    data_dir.mkdir()
    shutil.copytree(internal_dir / "public", data_dir / "public")
    return data_dir


@pytest.fixture(scope="module")
def secrets(internal_dir: Path) -> list[str]:
    with duckdb.connect(str(internal_dir / "warehouse.duckdb"), read_only=True) as con:
        names = con.execute("SELECT name FROM companies WHERE NOT public_name_consent").fetchall()
        salaries = con.execute(
            "SELECT DISTINCT annual_gross_salary_eur FROM jobs "
            "WHERE annual_gross_salary_eur IS NOT NULL"
        ).fetchall()
    spelled = {
        text
        for (salary,) in salaries
        for text in (str(salary), format_number(Decimal(salary), "de"), format_number(salary, "en"))
    }
    return [name for (name,) in names] + sorted(spelled)


@pytest.fixture(scope="module")
def app_url(public_only: Path, start_app: StartApp) -> Iterator[str]:
    """`streamlit run app.py` in public mode on a free port, until the module ends."""
    log_path = public_only.parent / "streamlit_public.log"
    with start_app(public_only, "public", log_path) as url:
        yield url
    assert "Traceback" not in log_path.read_text(), log_path.read_text()


@pytest.fixture
def page(browser: Browser, app_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 3000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(app_url)
    yield page
    context.close()


def settle(page: Page, heading: str) -> None:
    """Wait until the page titled `heading` has run to its end and drawn its charts."""
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=WAIT_MS)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=WAIT_MS)
    # The previous page's charts may still be in the DOM for a moment: wait until every chart
    # container of this page holds exactly one drawn plot.
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"]').length === "
        "document.querySelectorAll('.js-plotly-plot').length",
        timeout=WAIT_MS,
    )
    charts = page.get_by_test_id("stPlotlyChart").count()
    plots = page.locator(".js-plotly-plot")
    for index in range(charts):
        expect(plots.nth(index).locator(".main-svg").first).to_be_visible(timeout=WAIT_MS)


def open_page(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    settle(page, HEADINGS.get(title, title))


def assert_nothing_confidential(page: Page, secrets: list[str]) -> None:
    text = page.locator("body").inner_text()
    assert "Traceback" not in text
    assert page.get_by_test_id("stException").count() == 0
    assert page.get_by_test_id("stAlertContentError").count() == 0
    assert [secret for secret in secrets if secret in text] == []


def test_every_page_in_both_languages_without_a_secret(page: Page, secrets: list[str]) -> None:
    settle(page, HEADINGS["Übersicht"])
    for title in PAGES["de"]:
        open_page(page, title)
        assert_nothing_confidential(page, secrets)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "public_open_data_de.png", full_page=True)
    page.get_by_text("English", exact=True).click()
    settle(page, "Open data")
    for title in PAGES["en"]:
        open_page(page, title)
        assert_nothing_confidential(page, secrets)
    page.screenshot(path=SCREENSHOTS / "public_overview_en.png", full_page=True)


def test_downloads_are_the_published_files(page: Page, internal_dir: Path) -> None:
    settle(page, HEADINGS["Übersicht"])
    open_page(page, "Offene Daten")
    metadata = json.loads((internal_dir / "public" / "metadata.json").read_text())
    jobs = next(d for d in metadata["dataset"] if d["identifier"] == "jobs")
    csv_checksum = jobs["distribution"][0]["checksum"]["checksumValue"]
    with page.expect_download() as download:
        page.get_by_role("button", name="CSV").nth(2).click()  # key_figures, targets, jobs
    assert download.value.suggested_filename == "jobs.csv"
    data = Path(download.value.path()).read_bytes()
    assert hashlib.sha256(data).hexdigest() == csv_checksum
    with page.expect_download() as download:
        page.get_by_role("button", name="metadata.json").click()
    assert json.loads(Path(download.value.path()).read_bytes())["license"] == metadata["license"]


def test_charts_have_a_text_summary_and_suppressed_cells_a_dot(page: Page) -> None:
    settle(page, HEADINGS["Übersicht"])
    open_page(page, "Unternehmen & Projekte")
    # Two charts (size classes, project status), each with its sentence.
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(2, timeout=WAIT_MS)
    summaries = page.get_by_test_id("stCaptionContainer").filter(has_text="Das Diagramm „")
    expect(summaries).to_have_count(2, timeout=WAIT_MS)
    table = page.get_by_test_id("stTable").first
    expect(table.get_by_role("cell", name=".", exact=True).first).to_be_visible()
    expect(page.get_by_text("„.“ = Zahlenwert geheim zu halten").first).to_be_visible()


def test_a_page_embeds_in_an_iframe_layout(browser: Browser, app_url: str) -> None:
    """`?embed=true` (README: embedding) switches Streamlit to its embedded layout."""
    context = browser.new_context(viewport={"width": 1000, "height": 2000})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{app_url}/jobs")
    settle(page, "Arbeitsplätze")
    expect(page.get_by_test_id("stApp")).not_to_have_class(re.compile("streamlit-embedded"))
    page.goto(f"{app_url}/jobs?embed=true")
    settle(page, "Arbeitsplätze")
    expect(page.get_by_test_id("stApp")).to_have_class(re.compile("streamlit-embedded"))
    expect(page.get_by_text("English", exact=True)).to_be_visible()
    context.close()


def test_keyboard_reaches_the_navigation(page: Page) -> None:
    settle(page, HEADINGS["Übersicht"])
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    expect(links).to_have_count(len(PAGES["de"]))
    links.nth(1).focus()
    page.keyboard.press("Enter")
    settle(page, "Arbeitsplätze")
