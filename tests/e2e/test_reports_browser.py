"""The Finanzen page in a real browser on the sample data: make a report and download its PDF."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, expect

if TYPE_CHECKING:
    from tests.e2e.conftest import StartApp

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
WAIT_MS = 60_000  # the page computes every KPI on its first run
SAMPLE_GRANT = "03STK0187A"
USER, PASSWORD = "reporter", "correct horse battery staple"


@pytest.fixture(scope="module")
def sample_data_dir(
    tmp_path_factory: pytest.TempPathFactory, load_sample: Callable[..., Path]
) -> Path:
    """A data directory with the bundled sample delivery loaded by the real CLI."""
    return load_sample(
        tmp_path_factory.mktemp("e2e_reports") / "data",
        user=USER,
        role="analyst",
        password=PASSWORD,
    )


@pytest.fixture(scope="module")
def app_url(sample_data_dir: Path, start_app: StartApp) -> Iterator[str]:
    """`streamlit run app.py` on a free port against the sample data, until the module ends."""
    log_path = sample_data_dir.parent / "streamlit.log"
    with start_app(sample_data_dir, "internal", log_path) as url:
        yield url


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
