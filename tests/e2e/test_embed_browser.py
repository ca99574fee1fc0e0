"""The public dashboard as the city embeds it and portals harvest it: every tile readable at
1 000 px and 390 px, the jobs path on the overview, and every open-data file at its stable
address with its content type and the checksum its catalogue gives."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page

from tests.e2e.browser import App, open_page, screenshot, settle, title
from zakid_metrics.dashboard.navigation import PUBLIC_PAGES
from zakid_metrics.i18n import t
from zakid_metrics.open_data.spec import METADATA_FILE, media_type

pytestmark = pytest.mark.e2e

# Every tile's name, its text, and whether any part of it is cut off (wider than its box, or
# ending in an ellipsis), with the page's own width.
TILE_NAMES = """() => [...document.querySelectorAll('[data-testid="stMetricLabel"]')].map(label => {
  const inner = [label, ...label.querySelectorAll('*')];
  return {
    text: label.innerText.trim(),
    cut: inner.some(e => e.scrollWidth > e.clientWidth + 1
                         || getComputedStyle(e).textOverflow === 'ellipsis'
                            && getComputedStyle(e).overflow === 'hidden'),
    right: label.getBoundingClientRect().right,
  };
})"""


@pytest.mark.parametrize("width", [1000, 390])
def test_every_tile_name_is_whole_at_embedded_and_phone_widths(
    width: int, open_app: Callable[..., Page], public_app: App
) -> None:
    page = open_app(f"{public_app.url}", path="?embed=true")
    page.set_viewport_size({"width": width, "height": 3000})
    heading = t("public.overview.title", "de")
    settle(page, heading)
    tiles = page.evaluate(TILE_NAMES)
    assert len(tiles) >= 16  # the overview's key figures and the funding sums
    assert [tile["text"] for tile in tiles if tile["cut"]] == []
    assert [tile["text"] for tile in tiles if tile["right"] > width] == []
    names = {tile["text"] for tile in tiles}
    assert {"Externe Arbeitsplätze geschaffen", "Bewilligte Fördermittel"} <= names
    assert not any(text.endswith("…") for text in names)
    screenshot(page, f"public_overview_{width}px")


def test_the_overview_shows_the_jobs_path_with_progress_and_trend(
    open_app: Callable[..., Page], public_app: App
) -> None:
    page = open_app(public_app.url)
    settle(page, t("public.overview.title", "de"))
    charts = page.get_by_test_id("stPlotlyChart")
    assert charts.count() == 2
    captions = page.get_by_test_id("stCaptionContainer").all_inner_texts()
    external = next(c for c in captions if "Weg zum Ziel – Extern" in c)
    assert "Stand: 268 von 500 (54 %)" in external
    assert "neue Arbeitsplätze je Monat seit" in external
    # Actual and target path drawn in each panel.
    assert page.locator(".js-plotly-plot .scatterlayer .trace").count() == 4


def test_every_open_data_file_is_served_at_its_stable_address(public_app: App) -> None:
    """As a portal harvests: the catalogue at /open-data/, then each file it lists, checked
    against the checksum and size the catalogue gives."""
    with httpx.Client(base_url=public_app.url, timeout=60) as client:
        folder = client.get("/open-data/")
        assert folder.status_code == 307
        assert folder.headers["location"].endswith(f"/open-data/{METADATA_FILE}")
        answer = client.get(f"/open-data/{METADATA_FILE}")
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "application/ld+json"
        assert answer.headers["access-control-allow-origin"] == "*"
        catalogue = answer.json()
        distributions = [d for dataset in catalogue["dataset"] for d in dataset["distribution"]]
        assert len(distributions) == 3 * len(catalogue["dataset"])
        for dist in distributions:
            url = urlsplit(dist["downloadURL"])
            assert url.scheme in ("http", "https") and url.path.startswith("/open-data/")
            name = url.path.rsplit("/", 1)[1]
            served = client.get(url.path)
            assert served.status_code == 200, name
            assert served.headers["content-type"] == media_type(name)
            assert len(served.content) == dist["byteSize"]
            assert hashlib.sha256(served.content).hexdigest() == (dist["checksum"]["checksumValue"])
            assert served.headers["etag"] == f'"{dist["checksum"]["checksumValue"]}"'
        assert client.get("/open-data/warehouse.duckdb").status_code == 404
        assert client.get("/fleet.csv").headers["content-type"].startswith("text/html")


def test_the_open_data_page_names_every_address(
    open_app: Callable[..., Page], public_app: App
) -> None:
    page = open_app(public_app.url)
    settle(page, t("public.overview.title", "de"))
    spec = next(p for p in PUBLIC_PAGES if p.url_path == "open-data")
    open_page(page, title(spec, "de"))
    text = page.locator("body").inner_text()
    assert f"/open-data/{METADATA_FILE}" in text
