"""The real app in a real browser, on the real sample delivery: what AppTest cannot see."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import duckdb
import pytest
from playwright.sync_api import Browser, Page, expect

from zakid_metrics.i18n import format_number

if TYPE_CHECKING:
    from tests.e2e.conftest import StartApp

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
USER, PASSWORD = "e2e.admin", "correct horse battery staple"


class Figures(NamedTuple):
    """Key figures the test reads from the warehouse itself, to compare with the page."""

    run_id: int
    records: int
    companies: int
    stale_companies: int
    rejected_rows: int
    rejected_problems: int


@pytest.fixture(scope="module")
def sample_data_dir(
    tmp_path_factory: pytest.TempPathFactory, load_sample: Callable[..., Path]
) -> Path:
    """A data directory with the bundled sample delivery loaded by the real CLI."""
    return load_sample(
        tmp_path_factory.mktemp("e2e") / "data", user=USER, role="admin", password=PASSWORD
    )


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


@pytest.fixture(scope="module")
def app_url(sample_data_dir: Path, start_app: StartApp) -> Iterator[str]:
    """`streamlit run app.py` on a free port against the sample data, until the module ends."""
    log_path = sample_data_dir.parent / "streamlit.log"
    with start_app(sample_data_dir, "internal", log_path) as url:
        yield url


@pytest.fixture
def page(browser: Browser, app_url: str) -> Iterator[Page]:
    # Tall enough for the whole page: Streamlit scrolls inside its own container.
    context = browser.new_context(viewport={"width": 1440, "height": 3000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app_url)
    # Nothing but the login comes first (test_login_browser.py); log in through the real form.
    page.locator("input[autocomplete=username]").fill(USER)
    page.locator("input[type=password]").fill(PASSWORD)
    page.get_by_test_id("stFormSubmitButton").click()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
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
    open_page(page, "Datenqualität")
    wait_for_page(page, f"Abgelehnte Zeilen von Lauf {figures.run_id}")
    expect(page.get_by_text(rejected)).to_have_count(2)  # open problems, and the run's
    screenshot(page, "data_status_de")
    assert_no_error_shown(page)
    expect(page.get_by_role("heading", name="Datenqualität", exact=True)).to_be_visible()
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


def test_switching_to_english_relabels_the_page(page: Page, figures: Figures) -> None:
    open_page(page, "Datenqualität")
    wait_for_page(page, "Offene Probleme aus allen Ladeläufen")
    page.get_by_text("English", exact=True).click()
    wait_for_page(page, "Open problems of all load runs")
    expect(
        page.get_by_text(f"Rejected rows: {format_number(figures.rejected_rows, 'en')}")
    ).to_have_count(2)
    screenshot(page, "data_status_en")
    assert_no_error_shown(page)
    expect(page.get_by_role("heading", name="Data quality", exact=True)).to_be_visible()
    assert metric(page, "Records") == format_number(figures.records, "en")
    # The choices, not only their labels, follow the language (Streamlit keeps label texts).
    run_choice = page.get_by_role("combobox", name="Load run for files and rejected rows")
    expect(run_choice).to_have_value(re.compile(rf"^Run {figures.run_id} · "))
    expect(page.get_by_role("combobox", name="Data type")).to_have_value("All data types")
    expect(
        page.get_by_role("heading", name=f"Rejected rows of run {figures.run_id}")
    ).to_be_visible()


# --- Every page on the sample data ---------------------------------------------------------------
SETTLE_MS = 30_000  # a page with a dozen KPIs, tables and charts on a busy 2-core machine
# The tests below run in file order on one server; the upload test comes last because it loads
# a new snapshot of courses into the module's data directory.


def settle(page: Page, heading: str) -> None:
    """Wait until the page titled `heading` has run to its end and drawn tables and charts."""
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=SETTLE_MS)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=SETTLE_MS)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=SETTLE_MS)
    tables = page.get_by_test_id("stDataFrame").count()
    expect(page.get_by_test_id("data-grid-canvas")).to_have_count(tables, timeout=SETTLE_MS)
    if page.get_by_test_id("stPlotlyChart").count():
        expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=SETTLE_MS)


def open_page(page: Page, title: str) -> None:
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    links.filter(has=page.get_by_text(title, exact=True)).click()
    settle(page, title)


def shown_as_of(page: Page) -> dt.date:
    """The as-of date the page says it shows (its caption `Stichtag 25.11.2026 · …`)."""
    caption = page.get_by_text(re.compile(r"^Stichtag \d\d\.\d\d\.\d{4} · Zeitraum")).inner_text()
    return dt.datetime.strptime(caption.split()[1], "%d.%m.%Y").date()


def query(data_dir: Path, sql: str, *params: object) -> object:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql, list(params)).fetchone()[0]


PAGE_TITLES = {
    "overview": "Übersicht",
    "jobs": "Arbeitsplätze",
    "companies": "Unternehmen & Projekte",
    "embedded-ai": "Eingebettete KI",
    "sdgs": "Nachhaltigkeit",
    "education": "Bildung",
    "finance": "Finanzen",
    "data-status": "Datenqualität",
    "upload": "Lieferung hochladen",
}


def test_every_page_renders_without_error(page: Page) -> None:
    settle(page, "Übersicht")
    for url_path, title in PAGE_TITLES.items():
        open_page(page, title)
        assert_no_error_shown(page)
        screenshot(page, url_path)


def test_overview_shows_the_jobs_the_warehouse_holds(page: Page, sample_data_dir: Path) -> None:
    settle(page, "Übersicht")
    as_of = shown_as_of(page)
    external = query(
        sample_data_dir,
        "SELECT count(*) FROM jobs WHERE category = 'external' AND created_on <= ?",
        as_of,
    )
    related = query(
        sample_data_dir,
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


def test_sustainability_counts_the_verified_goals(page: Page, sample_data_dir: Path) -> None:
    settle(page, "Übersicht")
    as_of = shown_as_of(page)
    open_page(page, "Nachhaltigkeit")
    covered = query(
        sample_data_dir,
        "SELECT count(DISTINCT sdg_goal) FROM sdg_contributions "
        "WHERE verified AND reported_on <= ?",
        as_of,
    )
    assert metric(page, "Abgedeckte Nachhaltigkeitsziele (SDGs)") == f"{covered} von 17"
    expect(page.locator('.sdg-tile[data-coverage="verified"]')).to_have_count(covered)
    expect(page.locator(".sdg-tile")).to_have_count(17)


def test_finance_shows_the_approved_total_in_german(page: Page, sample_data_dir: Path) -> None:
    settle(page, "Übersicht")
    as_of = shown_as_of(page)
    open_page(page, "Finanzen")
    approved = query(
        sample_data_dir, "SELECT sum(approved_eur) FROM grants WHERE decided_on <= ?", as_of
    )
    assert metric(page, "Bewilligte Zuwendung") == f"{format_number(approved, 'de')} €"
    expect(page.get_by_role("heading", name="Fällige Nachweise")).to_be_visible()


def test_upload_loads_a_file_and_shows_its_result(
    page: Page, sample_data_dir: Path, tmp_path: Path
) -> None:
    settle(page, "Übersicht")
    open_page(page, "Lieferung hochladen")
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
        timeout=120_000
    )
    settle(page, "Lieferung hochladen")
    assert_no_error_shown(page)
    run_id = query(sample_data_dir, "SELECT max(run_id) FROM load_runs")
    expect(
        page.get_by_text(f"Ladelauf {run_id}: 1 von 1 Dateien geladen, 1 Zeilen abgelehnt.")
    ).to_be_visible()
    screenshot(page, "upload_result")
    # The grid is drawn on a canvas; its accessible table holds the values once it is drawn.
    result = page.get_by_test_id("stDataFrame").first.locator("tr", has_text="courses_2026-11.csv")
    expect(result.locator("td")).to_have_text(
        ["courses_2026-11.csv", "Lehrveranstaltungen", "geladen", "3", "2", "1", ""],
        timeout=SETTLE_MS,
    )
    page.get_by_role("link", name="Die 1 abgelehnten Zeilen ansehen (Datenqualität)").click()
    settle(page, "Datenqualität")
    expect(page.get_by_role("heading", name=f"Abgelehnte Zeilen von Lauf {run_id}")).to_be_visible()
