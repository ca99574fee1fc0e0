"""The live fleet in a real browser: collector, simulator and app on the sample, as `serve`
runs them; the page shows the devices the store says are online and updates by itself."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import duckdb
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from zakid_metrics.telemetry_store import (
    batches_to_table,
    logged_batches,
    segment_files,
    telemetry_dir,
)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
READY = "serve: dashboard http://localhost:"
USER, PASSWORD = "live.admin", "Live-Flotte-2026!"


class Served(NamedTuple):
    url: str
    data_dir: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`python -m pipelines serve` on the sample, free ports and a fresh data directory."""
    data_dir = tmp_path_factory.mktemp("e2e_live") / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZAKID_")}
    added = subprocess.run(
        [sys.executable, "-m", "pipelines", "users", "add", USER, "--role", "viewer",
         "--data-dir", str(data_dir)],
        cwd=ROOT,
        env={**env, "ZAKID_NEW_PASSWORD": PASSWORD},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    port = free_port()
    log = data_dir.parent / "serve.log"
    with log.open("w") as out:
        serve = subprocess.Popen(
            [sys.executable, "-m", "pipelines", "serve", "--data-dir", str(data_dir),
             "--port", str(port), "--collector-port", str(free_port())],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while READY not in log.read_text():
            assert serve.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        yield Served(f"http://127.0.0.1:{port}", data_dir)
    finally:
        serve.send_signal(signal.SIGINT)
        try:
            serve.wait(timeout=120)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, served: Served) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 3200})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(served.url)
    page.locator("input[autocomplete=username]").fill(USER)
    page.locator("input[type=password]").fill(PASSWORD)
    page.get_by_test_id("stFormSubmitButton").click()
    page.get_by_test_id("stSidebarNav").get_by_text("Eingebettete KI", exact=True).click()
    yield page
    context.close()


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
    caption = page.get_by_text(re.compile(r"^Stand \d{2}:\d{2}:\d{2} · ")).inner_text()
    return caption.split(" · ")[0]


def test_the_page_shows_the_devices_online_and_updates_itself(page: Page, served: Served) -> None:
    expect(page.get_by_text("Live-Betrieb der Geräteflotte", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stMetricLabel").get_by_text("Geräte online")).to_be_visible()
    # The page and the test look at the store a moment apart: equal within a few refreshes.
    deadline = time.monotonic() + 60
    while True:
        shown = int(tile(page, "Geräte online").replace(".", ""))
        expected = devices_online_in_the_store(served.data_dir)
        if shown == expected or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert shown == expected > 0
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "live_fleet_de.png", full_page=True)
    assert page.get_by_test_id("stException").count() == 0
    assert "Traceback" not in page.locator("body").inner_text()
    # Updates without a reload: a mark left in the page survives while the figures change.
    page.evaluate("window.__still_the_same_page = true")
    url, first = page.url, as_of(page)
    expect(page.get_by_text(re.compile(r"^Stand \d{2}:\d{2}:\d{2} · "))).not_to_have_text(
        re.compile(f"^{re.escape(first)} · "), timeout=20_000
    )
    assert page.evaluate("window.__still_the_same_page") is True
    assert page.url == url
    # Paused, it stays as it is.
    page.get_by_text("Aktualisierung pausieren", exact=True).click()
    expect(page.get_by_text(re.compile(r" · pausiert$"))).to_be_visible()
    paused = as_of(page)
    time.sleep(7)
    assert as_of(page) == paused
