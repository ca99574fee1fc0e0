"""Accessibility (BITV 2.0 / WCAG 2.1 AA) of every page, internal (for an administrator, who
sees them all) and public, in both languages: no axe-core violation of impact serious or
critical, `<html lang>` in the page's language, and a title of its own for each page."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.axe import serious_violations
from tests.e2e.conftest import cli
from zakid_metrics.dashboard.components.document import page_title
from zakid_metrics.dashboard.navigation import PAGES, PUBLIC_PAGES, PageSpec
from zakid_metrics.i18n import t

if TYPE_CHECKING:
    from tests.e2e.conftest import StartApp

pytestmark = pytest.mark.e2e

ADMIN, PASSWORD = "e2e.a11y.admin", "correct horse battery staple"
# The heading of a page whose title differs from its navigation link's.
HEADING_KEYS = {"zakid_metrics/dashboard/public_pages/overview.py": "public.overview.title"}
WAIT_MS = 60_000  # a wait ends as soon as its condition holds; only a failing test waits this
# Every table of the page holds its drawn grid, every chart its drawn plot, no skeleton is left.
DRAWN = """() =>
  document.querySelectorAll('[data-testid="stSkeleton"]').length === 0
  && [...document.querySelectorAll('[data-testid="stDataFrame"]')]
       .every(table => table.querySelector('[data-testid="data-grid-canvas"]'))
  && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
       .every(chart => chart.querySelectorAll('.js-plotly-plot').length === 1
                       && chart.querySelector('.js-plotly-plot .main-svg'))"""


@pytest.fixture(scope="module")
def internal_url(
    tmp_path_factory: pytest.TempPathFactory,
    load_sample: Callable[..., Path],
    start_app: StartApp,
) -> Iterator[str]:
    data_dir = load_sample(
        tmp_path_factory.mktemp("a11y") / "data", user=ADMIN, role="admin", password=PASSWORD
    )
    with start_app(data_dir, "internal", data_dir.parent / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def public_url(
    tmp_path_factory: pytest.TempPathFactory,
    load_sample: Callable[..., Path],
    start_app: StartApp,
) -> Iterator[str]:
    internal = load_sample(tmp_path_factory.mktemp("a11y_public") / "internal")
    cli("export", "--data-dir", str(internal))
    public_only = internal.parent / "public_only"
    shutil.copytree(internal / "public", public_only / "public")
    with start_app(public_only, "public", internal.parent / "streamlit.log") as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 3000})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()


def settle(page: Page) -> None:
    """Wait until the script has run to its end and the browser has drawn every element."""
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=WAIT_MS
    )
    page.wait_for_function(DRAWN, polling=100, timeout=WAIT_MS)


def heading(spec: PageSpec, lang: str) -> str:
    return t(HEADING_KEYS.get(spec.script, spec.title_key), lang)


def open_page(page: Page, index: int, spec: PageSpec, lang: str) -> None:
    """Follow the `index`-th navigation link (the page `spec`) and wait until it is drawn; the
    first page is open already (a click would rerun it, and axe would meet its faded stale
    elements)."""
    if index:
        page.get_by_test_id("stSidebarNav").get_by_role("link").nth(index).click()
    expect(page).to_have_url(re.compile(f"/{spec.url_path}$" if index else r"/$"))
    # The page's own heading, not the one of the page before it.
    expect(page.get_by_role("heading", level=1)).to_have_text(heading(spec, lang), timeout=WAIT_MS)
    settle(page)


def switch_language(page: Page, lang: str, heading_key: str) -> None:
    """Choose `lang` and wait until the page is drawn in it (its heading `heading_key`)."""
    if lang == "en":
        page.get_by_text("English", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            t(heading_key, lang), timeout=WAIT_MS
        )
        settle(page)


def expect_language(page: Page, lang: str) -> None:
    """`<html lang>` is `lang` (set by the run's script, drawn with the sidebar)."""
    expect(page.locator("html")).to_have_attribute("lang", lang, timeout=WAIT_MS)


def check_pages(page: Page, pages: tuple[PageSpec, ...], lang: str, mode: str) -> None:
    """Every page of `pages` in `lang`: axe, `<html lang>`, and a title of its own."""
    failures: list[str] = []
    titles: dict[str, str] = {}
    for index, spec in enumerate(pages):
        open_page(page, index, spec, lang)
        where = f"{mode} /{spec.url_path} ({lang})"
        expect_language(page, lang)
        failures += serious_violations(page, where)
        expect(page).to_have_title(page_title(heading(spec, lang), lang))
        titles[spec.url_path] = page.title()
    assert failures == [], "\n".join(failures)
    assert len(set(titles.values())) == len(pages), titles


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_internal_page(page: Page, internal_url: str, lang: str) -> None:
    page.goto(internal_url)
    expect(page.locator("input[autocomplete=username]")).to_be_visible()
    settle(page)
    # The login form is the first page everyone sees: the same checks.
    switch_language(page, lang, "app.title")
    expect_language(page, lang)
    assert serious_violations(page, f"internal login ({lang})") == []
    expect(page).to_have_title(page_title(t("login.title", lang), lang))
    page.locator("input[autocomplete=username]").fill(ADMIN)
    page.locator("input[type=password]").fill(PASSWORD)
    page.get_by_test_id("stFormSubmitButton").click()
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link")).to_have_count(len(PAGES))
    check_pages(page, PAGES, lang, "internal")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_public_page(page: Page, public_url: str, lang: str) -> None:
    page.goto(public_url)
    settle(page)
    switch_language(page, lang, HEADING_KEYS[PUBLIC_PAGES[0].script])
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link")).to_have_count(len(PUBLIC_PAGES))
    check_pages(page, PUBLIC_PAGES, lang, "public")
