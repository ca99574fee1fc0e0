"""The live fleet in a real browser: collector, simulator and app on the sample, as `serve`
runs them; the page shows the devices the store says are online and updates by itself."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import LIVE_VIEWER, App, screenshot, settle, title
from zakid_metrics.dashboard.components.fleet import REFRESH_S
from zakid_metrics.dashboard.navigation import PAGES
from zakid_metrics.telemetry_store import (
    batches_to_table,
    logged_batches,
    segment_files,
    telemetry_dir,
)

pytestmark = pytest.mark.e2e

FLEET_PAGE = next(spec for spec in PAGES if spec.url_path == "embedded-ai")
AS_OF = re.compile(r"^Stand (\d{2}):(\d{2}):(\d{2}) · ")
# True once the page's `Stand HH:MM:SS` lies at least `gap` seconds after `start` (seconds of
# the day; across midnight too).
_STAND_AT_LEAST = """({start, gap}) => {
  const stand = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
    .map(caption => caption.innerText.match(/^Stand (\\d{2}):(\\d{2}):(\\d{2}) · /))
    .find(Boolean);
  if (!stand) return false;
  const seconds = (+stand[1]) * 3600 + (+stand[2]) * 60 + (+stand[3]);
  const later = (seconds - start + 86400) % 86400;
  return later >= gap && later < 43200;
}"""


def fleet_page(open_app: Callable[..., Page], app: App) -> Page:
    """The live fleet (page Eingebettete KI) in a session of its own, logged in."""
    page = open_app(app.url, LIVE_VIEWER, path=FLEET_PAGE.url_path, height=3200)
    settle(page, title(FLEET_PAGE, "de"))
    expect(page.get_by_text(AS_OF)).to_be_visible()
    return page


def devices_online_in_the_store(data_dir: Path) -> int:
    """Devices online now, computed from the store's raw readings and the warehouse, without
    the read side: a reading (ts) within three report intervals, fleet devices only."""
    tdir = telemetry_dir(data_dir)
    con = duckdb.connect()
    con.register("logged", batches_to_table(logged_batches(tdir)).select(["device_id", "ts"]))
    files = [str(p) for p in segment_files(tdir)]
    con.execute(f"ATTACH '{data_dir / 'warehouse.duckdb'}' AS w (READ_ONLY)")
    ((online,),) = con.execute(
        "WITH seen AS (SELECT device_id, max(ts) AS last FROM ("
        "  SELECT device_id, ts FROM read_parquet(?) UNION ALL SELECT * FROM logged"
        ") GROUP BY device_id) "
        "SELECT count(*) FROM w.devices v JOIN seen s USING (device_id) "
        "WHERE (v.removed_on IS NULL OR v.removed_on > current_date) "
        "AND (v.installed_on IS NULL OR v.installed_on <= current_date) "
        "AND s.last >= ?::TIMESTAMPTZ - to_seconds(3 * v.report_interval_s)",
        [files, dt.datetime.now(dt.UTC)],
    ).fetchall()
    con.close()
    return online


def tile(page: Page, label: str) -> str:
    name = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    return (
        page.get_by_test_id("stMetric")
        .filter(has=name)
        .get_by_test_id("stMetricValue")
        .inner_text()
    )


def as_of(page: Page) -> str:
    """`Stand HH:MM:SS`, the time the shown figures were computed."""
    return page.get_by_text(AS_OF).inner_text().split(" · ")[0]


def next_refresh(page: Page) -> None:
    """Wait until the fleet has refreshed itself once more."""
    expect(page.get_by_text(AS_OF)).not_to_have_text(re.compile(f"^{as_of(page)} · "))


def test_the_page_shows_the_devices_online_updates_itself_and_pauses(
    open_app: Callable[..., Page], live_app: App
) -> None:
    page = fleet_page(open_app, live_app)
    expect(page.get_by_text("Live-Betrieb der Geräteflotte", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stMetricLabel").get_by_text("Geräte online")).to_be_visible()
    # The page and the test look at the store a moment apart: equal within a few refreshes.
    for _refresh in range(12):
        shown = int(tile(page, "Geräte online").replace(".", ""))
        expected = devices_online_in_the_store(live_app.data_dir)
        if shown == expected:
            break
        next_refresh(page)
    assert shown == expected > 0
    screenshot(page, "live_fleet_de")
    assert page.get_by_test_id("stException").count() == 0
    assert "Traceback" not in page.locator("body").inner_text()
    # Updates without a reload: a mark left in the page survives while the figures change.
    page.evaluate("window.__still_the_same_page = true")
    url = page.url
    next_refresh(page)
    assert page.evaluate("window.__still_the_same_page") is True
    assert page.url == url

    # Paused in a second session, it stays as it is. The first one goes on refreshing and is
    # the clock: once it shows figures computed two refresh periods after the paused ones,
    # the paused page would have refreshed twice.
    paused_page = fleet_page(open_app, live_app)
    paused_page.get_by_text("Aktualisierung pausieren", exact=True).click()
    expect(paused_page.get_by_text(re.compile(r" · pausiert$"))).to_be_visible()
    settle(paused_page, title(FLEET_PAGE, "de"))  # the run the switch started is over
    paused = as_of(paused_page)
    hours, minutes, seconds = (int(part) for part in AS_OF.match(f"{paused} · ").groups())
    page.wait_for_function(
        _STAND_AT_LEAST,
        arg={"start": hours * 3600 + minutes * 60 + seconds, "gap": 2 * REFRESH_S},
    )
    assert as_of(paused_page) == paused
    expect(paused_page.get_by_text(re.compile(r" · pausiert$"))).to_be_visible()
