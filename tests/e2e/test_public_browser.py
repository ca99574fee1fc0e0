"""The public app in a real browser, served from a data directory that holds only the open-data
export of the sample: every page in both languages, no confidential value, downloads, embedding."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import App, nav_titles, open_page, screenshot, settle, title
from zakid_metrics.dashboard.navigation import PUBLIC_PAGES, PageSpec
from zakid_metrics.i18n import format_number, t

pytestmark = pytest.mark.e2e

# The public start page is headed by the centre's claim rather than its title.
HEADING_KEYS = {"overview": "public.overview.title"}


def heading(spec: PageSpec, lang: str) -> str:
    return t(HEADING_KEYS.get(spec.url_path, spec.title_key), lang)


@pytest.fixture(scope="module")
def secrets(public_app: App) -> list[str]:
    with duckdb.connect(str(public_app.data_dir / "warehouse.duckdb"), read_only=True) as con:
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


@pytest.fixture
def page(open_app: Callable[..., Page], public_app: App) -> Page:
    """The public start page, settled; no login."""
    page = open_app(public_app.url)
    settle(page, heading(PUBLIC_PAGES[0], "de"))
    return page


def visit(page: Page, spec: PageSpec, lang: str) -> None:
    open_page(page, title(spec, lang), heading(spec, lang))


def assert_nothing_confidential(page: Page, secrets: list[str]) -> None:
    text = page.locator("body").inner_text()
    assert "Traceback" not in text
    assert page.get_by_test_id("stException").count() == 0
    assert page.get_by_test_id("stAlertContentError").count() == 0
    assert [secret for secret in secrets if secret in text] == []


def test_every_page_in_both_languages_without_a_secret(page: Page, secrets: list[str]) -> None:
    """Every declared public page, each checked only once it has settled."""
    assert nav_titles(page) == [title(spec, "de") for spec in PUBLIC_PAGES]
    assert_nothing_confidential(page, secrets)
    for spec in (*PUBLIC_PAGES[1:], PUBLIC_PAGES[0]):  # the start page is open: back to it last
        visit(page, spec, "de")
        assert_nothing_confidential(page, secrets)
    screenshot(page, "public_overview_de")
    page.get_by_text("English", exact=True).click()
    settle(page, heading(PUBLIC_PAGES[0], "en"))
    assert nav_titles(page) == [title(spec, "en") for spec in PUBLIC_PAGES]
    assert_nothing_confidential(page, secrets)
    for spec in (*PUBLIC_PAGES[1:], PUBLIC_PAGES[0]):
        visit(page, spec, "en")
        assert_nothing_confidential(page, secrets)
    screenshot(page, "public_overview_en")


def visit_directly(open_app: Callable[..., Page], app: App, url_path: str) -> Page:
    """A fresh session on the page `url_path`, settled."""
    [spec] = [spec for spec in PUBLIC_PAGES if spec.url_path == url_path]
    page = open_app(app.url, path=url_path)
    settle(page, heading(spec, "de"))
    return page


def test_downloads_are_the_published_files(open_app: Callable[..., Page], public_app: App) -> None:
    page = visit_directly(open_app, public_app, "open-data")
    metadata = json.loads((public_app.data_dir / "public" / "metadata.json").read_text())
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


def test_charts_have_a_text_summary_and_suppressed_cells_a_dot(
    open_app: Callable[..., Page], public_app: App
) -> None:
    page = visit_directly(open_app, public_app, "companies")
    # Two charts (size classes, project status), each with its sentence.
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(2)
    summaries = page.get_by_test_id("stCaptionContainer").filter(has_text="Das Diagramm „")
    expect(summaries).to_have_count(2)
    table = page.get_by_test_id("stTable").first
    expect(table.get_by_role("cell", name=".", exact=True).first).to_be_visible()
    expect(page.get_by_text("„.“ = Zahlenwert geheim zu halten").first).to_be_visible()


def test_a_page_embeds_in_an_iframe_layout(open_app: Callable[..., Page], public_app: App) -> None:
    """`?embed=true` (README: embedding) switches Streamlit to its embedded layout."""
    page = open_app(public_app.url, path="jobs", height=2000)
    settle(page, "Arbeitsplätze")
    expect(page.get_by_test_id("stApp")).not_to_have_class(re.compile("streamlit-embedded"))
    page.goto(f"{public_app.url}/jobs?embed=true")
    settle(page, "Arbeitsplätze")
    expect(page.get_by_test_id("stApp")).to_have_class(re.compile("streamlit-embedded"))
    expect(page.get_by_text("English", exact=True)).to_be_visible()


def test_keyboard_reaches_the_navigation(page: Page) -> None:
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    expect(links).to_have_count(len(PUBLIC_PAGES))
    links.nth(1).focus()
    page.keyboard.press("Enter")
    settle(page, heading(PUBLIC_PAGES[1], "de"))
