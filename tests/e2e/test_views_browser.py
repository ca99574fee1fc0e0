"""Internal views that tell the truth, in a real browser on the sample: the open problems of
data quality across load runs, the live fleet's grouped offline notice and its jump to the
last reading, and the drill-down by a click on a chart."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import (
    Account,
    App,
    assert_no_error_shown,
    metric,
    screenshot,
    settle,
    title,
)
from tests.e2e.conftest import cli
from zakid_metrics.dashboard.navigation import PAGES
from zakid_metrics.i18n import t

pytestmark = pytest.mark.e2e

ANALYST = Account("e2e.views.analyst", "analyst")
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def open_internal(open_app: Callable[..., Page], app: App, url_path: str) -> Page:
    spec = next(spec for spec in PAGES if spec.url_path == url_path)
    page = open_app(app.url, ANALYST, path=url_path, height=3200)
    settle(page, title(spec, "de"))
    return page


def click_bar(page: Page, chart_index: int, bar: int) -> None:
    """Click the middle of a bar as a user does (Plotly's drag layer lies above the bars)."""
    chart = page.get_by_test_id("stPlotlyChart").nth(chart_index)
    box = chart.locator(".bars .point path").nth(bar).bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_open_problems_count_across_runs(
    open_app: Callable[..., Page], own_app: Callable[..., App], tmp_path: Path
) -> None:
    """The sample's 11 rejected rows stay open after an unchanged re-upload (which rejects
    nothing new); a delivery that fixes the two companies' rows leaves 9."""
    app = own_app(ANALYST)
    page = open_internal(open_app, app, "data-status")
    assert metric(page, "Offene Probleme") == "11"
    assert_no_error_shown(page)

    delivery = tmp_path / "delivery"
    delivery.mkdir()
    for name in ("companies.csv", "projects.csv"):
        (delivery / name).write_bytes((SAMPLE / name).read_bytes())
    cli("ingest", str(delivery), "--data-dir", str(app.data_dir))  # unchanged: nothing new
    page = open_internal(open_app, app, "data-status")  # a new session sees the new snapshot
    expect(page.get_by_text("Ladelauf 2, veröffentlicht am")).to_be_visible()
    assert metric(page, "Offene Probleme") == "11"

    fixed = (SAMPLE / "companies.csv").read_bytes()
    fixed = fixed.replace(b";4725;21.04.2025", b";47259;21.04.2025")
    fixed = fixed.replace(b";31.02.2025", b";28.02.2025")
    (delivery / "companies.csv").write_bytes(fixed)
    (delivery / "projects.csv").unlink()
    cli("ingest", str(delivery), "--data-dir", str(app.data_dir))
    page = open_internal(open_app, app, "data-status")
    expect(page.get_by_text("Ladelauf 3, veröffentlicht am")).to_be_visible()
    assert metric(page, "Offene Probleme") == "9"
    expect(page.get_by_text("Abgelehnte Zeilen: 9 · Beanstandungen: 9")).to_be_visible()
    screenshot(page, "data_status_open_problems")


def test_offline_devices_are_one_notice_and_the_view_jumps_to_the_last_reading(
    open_app: Callable[..., Page], own_app: Callable[..., App]
) -> None:
    """Without a collector the sample's telemetry week lies in the past: the live hour has no
    reading, every device seen is offline, in one notice with a table; the jump shows the hour
    up to the last reading, with its devices online."""
    app = own_app(ANALYST)
    page = open_internal(open_app, app, "embedded-ai")
    notice = page.get_by_test_id("stAlertContentWarning").filter(
        has_text="Geräte der Flotte offline:"
    )
    expect(notice).to_have_count(1)
    offline = int(notice.inner_text().split("offline: ", 1)[1].split(".", 1)[0])
    assert offline > 100
    assert page.get_by_test_id("stAlertContentWarning").count() <= 3  # one per kind at most
    expect(page.get_by_text("Im gewählten Zeitfenster kam kein Messwert.")).to_be_visible()
    screenshot(page, "fleet_offline_notice")
    page.get_by_role("button", name="Zur letzten Meldung springen").click()
    expect(page.get_by_text("Ansicht bis zur letzten Meldung am")).to_be_visible()
    settle(page, title(next(s for s in PAGES if s.url_path == "embedded-ai"), "de"))
    assert int(metric(page, "Geräte online").replace(".", "")) > 100
    assert_no_error_shown(page)
    page.get_by_role("button", name="Zurück zur Live-Ansicht").click()
    expect(page.get_by_text("Im gewählten Zeitfenster kam kein Messwert.")).to_be_visible()


def test_a_click_on_a_bar_drills_down(
    open_app: Callable[..., Page], own_app: Callable[..., App]
) -> None:
    app = own_app(ANALYST)
    page = open_internal(open_app, app, "companies")
    segment = page.get_by_role("combobox", name=t("companies.segment", "de"))
    first = f"{t('segment.size_class', 'de')}: {t('size_class.micro', 'de')}"
    expect(segment).to_have_value(first)
    click_bar(page, 0, 2)  # companies by size class: medium-sized
    chosen = f"{t('segment.size_class', 'de')}: {t('size_class.medium', 'de')}"
    expect(segment).to_have_value(chosen)
    settle(page, title(next(s for s in PAGES if s.url_path == "companies"), "de"))
    assert_no_error_shown(page)
    screenshot(page, "companies_drilldown_click")
    # The jobs page: a bar of the qualification chart chooses its jobs.
    page.get_by_test_id("stSidebarNav").locator('a[href$="/jobs"]').click()
    settle(page, title(next(s for s in PAGES if s.url_path == "jobs"), "de"))
    jobs_segment = page.get_by_role("combobox", name=t("jobs.segment", "de"))
    click_bar(page, 1, 1)  # by category and qualification: vocational, project-related
    chosen = f"{t('column.qualification', 'de')}: {t('qualification.vocational', 'de')}"
    expect(jobs_segment).to_have_value(chosen)
    expect(page.get_by_text("Geschaffene Arbeitsplätze im Segment:")).to_be_visible()
    assert_no_error_shown(page)
