"""The real app in a real browser, on the real sample delivery: what AppTest cannot see."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import duckdb
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import (
    APP_ADMIN,
    WAIT_MS,
    App,
    assert_no_error_shown,
    choose,
    metric,
    nav_titles,
    open_page,
    screenshot,
    settle,
    title,
)
from zakid_metrics.dashboard.navigation import PAGES
from zakid_metrics.i18n import format_number

pytestmark = pytest.mark.e2e

GRANT = "03STK0187A"  # the city's grant for the centre, in the sample


class Figures(NamedTuple):
    """Key figures the test reads from the warehouse itself, to compare with the page."""

    run_id: int
    records: int
    companies: int
    stale_companies: int
    rejected_rows: int
    rejected_problems: int


@pytest.fixture(scope="module")
def figures(internal_app: App) -> Figures:
    with duckdb.connect(str(internal_app.data_dir / "warehouse.duckdb"), read_only=True) as con:
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


@pytest.fixture
def open_as_admin(open_app: Callable[..., Page], internal_app: App) -> Callable[[str], Page]:
    """Opens the page `url_path` logged in as this module's administrator, settled."""

    def _open(url_path: str) -> Page:
        [spec] = [spec for spec in PAGES if spec.url_path == url_path]
        start = spec == PAGES[0]  # where the login leads
        page = open_app(internal_app.url, APP_ADMIN, path="" if start else url_path)
        settle(page, title(spec, "de"))
        return page

    return _open


def test_data_status_shows_the_sample_figures_in_german(
    open_as_admin: Callable[[str], Page], figures: Figures
) -> None:
    rejected = (
        f"Abgelehnte Zeilen: {format_number(figures.rejected_rows)} · "
        f"Beanstandungen: {format_number(figures.rejected_problems)}"
    )
    page = open_as_admin("data-status")
    expect(page.get_by_text(rejected)).to_have_count(2)  # open problems, and the run's
    screenshot(page, "data_status_de")
    assert_no_error_shown(page)
    assert metric(page, "Datensätze") == format_number(figures.records, "de")
    # One load run: its rejected rows are the open problems.
    assert metric(page, "Offene Probleme") == format_number(figures.rejected_rows, "de")
    expect(page.get_by_text(f"Ladelauf {figures.run_id}, veröffentlicht am")).to_be_visible()

    # The grid is drawn on a canvas; its accessible table holds the values. The second
    # table: the first lists the open problems.
    companies = page.get_by_test_id("stDataFrame").nth(1).locator("tr", has_text="Unternehmen")
    assert companies.locator("td").nth(1).inner_text() == str(figures.companies)

    with page.expect_download() as download:
        page.get_by_role("button", name="CSV").nth(1).click()
    assert download.value.suggested_filename == "data_status_entities.csv"
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    rows = {row["Datenart"]: row for row in csv.DictReader(io.StringIO(text), delimiter=";")}
    assert rows["Unternehmen"]["Datensätze"] == str(figures.companies)
    assert rows["Unternehmen"]["davon veraltet"] == str(figures.stale_companies)
    assert rows["Unternehmen"]["Aktualität"] == "aktuell"


def test_switching_to_english_relabels_the_page(
    open_as_admin: Callable[[str], Page], figures: Figures
) -> None:
    page = open_as_admin("data-status")
    page.get_by_text("English", exact=True).click()
    settle(page, "Data quality")
    expect(
        page.get_by_text(f"Rejected rows: {format_number(figures.rejected_rows, 'en')}")
    ).to_have_count(2)  # open problems, and the run's
    screenshot(page, "data_status_en")
    assert_no_error_shown(page)
    assert metric(page, "Records") == format_number(figures.records, "en")
    # The choices, not only their labels, follow the language (Streamlit keeps label texts).
    run_choice = page.get_by_role("combobox", name="Load run for files and rejected rows")
    expect(run_choice).to_have_value(re.compile(rf"^Run {figures.run_id} · "))
    expect(page.get_by_role("combobox", name="Data type")).to_have_value("All data types")
    expect(
        page.get_by_role("heading", name=f"Rejected rows of run {figures.run_id}")
    ).to_be_visible()


# --- Every page on the sample data ---------------------------------------------------------------
def shown_as_of(page: Page) -> dt.date:
    """The as-of date the page says it shows (its caption `Stichtag 25.11.2026 · …`)."""
    caption = page.get_by_text(re.compile(r"^Stichtag \d\d\.\d\d\.\d{4} · Zeitraum")).inner_text()
    return dt.datetime.strptime(caption.split()[1], "%d.%m.%Y").date()


def query(data_dir: Path, sql: str, *params: object) -> object:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql, list(params)).fetchone()[0]


def test_every_page_renders_without_error(open_as_admin: Callable[[str], Page]) -> None:
    """Every declared page an administrator sees, each counted only once it has settled."""
    page = open_as_admin(PAGES[0].url_path)
    assert nav_titles(page) == [title(spec, "de") for spec in PAGES]
    screenshot(page, PAGES[0].url_path)
    for spec in (*PAGES[1:], PAGES[0]):  # the start page is open: back to it last
        open_page(page, title(spec, "de"))
        assert_no_error_shown(page)
        screenshot(page, spec.url_path)


def test_overview_shows_the_jobs_the_warehouse_holds(
    open_as_admin: Callable[[str], Page], internal_app: App
) -> None:
    page = open_as_admin("overview")
    as_of = shown_as_of(page)
    external = query(
        internal_app.data_dir,
        "SELECT count(*) FROM jobs WHERE category = 'external' AND created_on <= ?",
        as_of,
    )
    related = query(
        internal_app.data_dir,
        "SELECT count(*) FROM jobs WHERE category = 'project_related' AND created_on <= ?",
        as_of,
    )
    assert metric(page, "Externe Arbeitsplätze geschaffen") == format_number(external, "de")
    assert metric(page, "Projektbezogene Arbeitsplätze geschaffen") == format_number(related)
    expect(page.get_by_text("Ziel: 500 bis 31.05.2028", exact=False)).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(1)

    # A tile opens its definition and source rows: one row per external job created.
    page.get_by_role("button", name="Definition und Daten").nth(1).click()
    popover = page.get_by_test_id("stPopoverBody")
    expect(popover.get_by_text("Zahl der externen Arbeitsplätze", exact=False)).to_be_visible()
    expect(popover.get_by_test_id("stDataFrame")).to_have_count(1)
    with page.expect_download() as download:
        popover.get_by_role("button", name="CSV").click()
    assert download.value.suggested_filename == f"jobs_external_created_{as_of}.csv"
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(text), delimiter=";"))) == external
    page.keyboard.press("Escape")

    page.get_by_text("English", exact=True).click()
    settle(page, "Overview")
    assert_no_error_shown(page)
    assert metric(page, "External jobs created") == format_number(external, "en")
    expect(page.get_by_text("Target: 500 by 2028-05-31", exact=False)).to_be_visible()
    screenshot(page, "overview_en")


def test_sustainability_counts_the_verified_goals(
    open_as_admin: Callable[[str], Page], internal_app: App
) -> None:
    page = open_as_admin("sdgs")
    as_of = shown_as_of(page)
    covered = query(
        internal_app.data_dir,
        "SELECT count(DISTINCT sdg_goal) FROM sdg_contributions "
        "WHERE verified AND reported_on <= ?",
        as_of,
    )
    assert metric(page, "Abgedeckte Nachhaltigkeitsziele (SDGs)") == f"{covered} von 17"
    expect(page.locator('.sdg-tile[data-coverage="verified"]')).to_have_count(covered)
    expect(page.locator(".sdg-tile")).to_have_count(17)


def test_finance_shows_a_grants_approved_sum_in_german(
    open_as_admin: Callable[[str], Page], internal_app: App
) -> None:
    page = open_as_admin("finance")
    recipient = query(
        internal_app.data_dir, "SELECT recipient FROM grants WHERE grant_id = ?", GRANT
    )
    approved = query(
        internal_app.data_dir, "SELECT approved_eur FROM grants WHERE grant_id = ?", GRANT
    )
    choose(page, "Zuwendung", f"{GRANT} · {recipient}")
    settle(page, "Finanzen")
    expect(page.get_by_text(f"Bewilligt: {format_number(approved, 'de', 2)} €")).to_be_visible()
    expect(page.get_by_role("heading", name="Fällige Nachweise")).to_be_visible()


def test_upload_loads_a_file_and_shows_its_result(
    open_app: Callable[..., Page], own_app: Callable[..., App], tmp_path: Path
) -> None:
    """On a server of its own: the upload publishes a new snapshot."""
    app = own_app(APP_ADMIN)
    page = open_app(app.url, APP_ADMIN, path="upload")
    settle(page, "Lieferung hochladen")
    delivery = tmp_path / "courses_2026-11.csv"
    delivery.write_text(
        "course_id;title;institution;semester;enrolled;completed\r\n"
        "E1;Embedded ML;UDE;WS 2026/27;40;\r\n"
        "E2;TinyML Labor;UDE;WS 2026/27;-5;\r\n"
        "E3;Edge AI Praxis;UDE;SS 2026;25;20\r\n",
        encoding="utf-8",
    )
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(delivery)
    expect(page.get_by_text("courses_2026-11.csv")).to_be_visible()
    page.get_by_role("button", name="Hochladen und laden").click()
    expect(page.get_by_role("heading", name=re.compile("^Ergebnis der Lieferung"))).to_be_visible(
        timeout=2 * WAIT_MS
    )
    settle(page, "Lieferung hochladen")
    assert_no_error_shown(page)
    run_id = query(app.data_dir, "SELECT max(run_id) FROM load_runs")
    expect(
        page.get_by_text(f"Ladelauf {run_id}: 1 von 1 Dateien geladen, 1 Zeilen abgelehnt.")
    ).to_be_visible()
    screenshot(page, "upload_result")
    # The grid is drawn on a canvas; its accessible table holds the values once it is drawn.
    result = page.get_by_test_id("stDataFrame").first.locator("tr", has_text="courses_2026-11.csv")
    expect(result.locator("td")).to_have_text(
        ["courses_2026-11.csv", "Lehrveranstaltungen", "geladen", "3", "2", "1", "", ""]
    )
    page.get_by_role("link", name="Die 1 abgelehnten Zeilen ansehen (Datenqualität)").click()
    settle(page, "Datenqualität")
    expect(page.get_by_role("heading", name=f"Abgelehnte Zeilen von Lauf {run_id}")).to_be_visible()
