"""The Finanzen page in a real browser on the sample data: make a report and download its PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import REPORTER, App, choose, screenshot, settle

pytestmark = pytest.mark.e2e

SAMPLE_GRANT = "03STK0187A"


def test_make_a_report_and_download_its_pdf(
    open_app: Callable[..., Page], internal_app: App
) -> None:
    """Writes the report into the shared app's reports/ folder: the one write to it."""
    page = open_app(internal_app.url, REPORTER, path="finance")
    settle(page, "Finanzen")
    choose(page, "Förderkennzeichen", f"{SAMPLE_GRANT} · Stadt Duisburg")
    page.get_by_role("button", name="Erstellen").click()
    expect(page.get_by_text("erstellt aus dem Datenstand von Ladelauf 1,")).to_be_visible()
    assert page.get_by_test_id("stException").count() == 0
    page.get_by_role("heading", name="Nachweis erstellen").scroll_into_view_if_needed()
    screenshot(page, "finance_reports", full_page=False)
    with page.expect_download() as download:
        page.get_by_role("button", name="PDF").first.click()
    assert download.value.suggested_filename.startswith(f"zwischennachweis_{SAMPLE_GRANT}_")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    made = internal_app.data_dir / "reports" / download.value.suggested_filename
    assert made.read_bytes() == pdf
