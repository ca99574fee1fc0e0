"""Accessibility (BITV 2.0 / WCAG 2.1 AA) of every page, internal (for an administrator, who
sees them all) and public, in both languages: no axe-core violation of impact serious or
critical, `<html lang>` in the page's language, and a title of its own for each page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import serious_violations
from tests.e2e.browser import A11Y_ADMIN, App, log_in, settle
from zakid_metrics.dashboard.components.document import page_title
from zakid_metrics.dashboard.navigation import PAGES, PUBLIC_PAGES, PageSpec
from zakid_metrics.i18n import t

pytestmark = pytest.mark.e2e

# The heading of a page whose title differs from its navigation link's.
HEADING_KEYS = {"zakid_metrics/dashboard/public_pages/overview.py": "public.overview.title"}


def heading(spec: PageSpec, lang: str) -> str:
    return t(HEADING_KEYS.get(spec.script, spec.title_key), lang)


def wait_for_page(page: Page, title: str) -> None:
    """Wait until the page whose h1 is `title` has run to its end and drawn everything (its
    sections may carry another page's title, so the h1 it is)."""
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    settle(page, title)


def open_page(page: Page, index: int, spec: PageSpec, lang: str) -> None:
    """Follow the `index`-th navigation link (the page `spec`) and wait until it is drawn; the
    first page is open already (a click would rerun it, and axe would meet its faded stale
    elements)."""
    if index:
        page.get_by_test_id("stSidebarNav").get_by_role("link").nth(index).click()
        expect(page).to_have_url(re.compile(rf"/{spec.url_path}(\?|$)"))
    wait_for_page(page, heading(spec, lang))


def switch_language(page: Page, lang: str, title_key: str) -> None:
    """Choose `lang` and wait until the page (whose h1 is `title_key`) is drawn in it."""
    if lang == "en":
        page.get_by_text("English", exact=True).click()
    wait_for_page(page, t(title_key, lang))


def expect_language(page: Page, lang: str) -> None:
    """`<html lang>` is `lang` (set by a script of the run, drawn with the sidebar)."""
    expect(page.locator("html")).to_have_attribute("lang", lang)


def check_pages(page: Page, pages: tuple[PageSpec, ...], lang: str, mode: str) -> None:
    """Every page of `pages` in `lang`: axe, `<html lang>`, and a title of its own."""
    failures: list[str] = []
    titles: dict[str, str] = {}
    for index, spec in enumerate(pages):
        open_page(page, index, spec, lang)
        expect_language(page, lang)
        failures += serious_violations(page, f"{mode} /{spec.url_path} ({lang})")
        expect(page).to_have_title(page_title(heading(spec, lang), lang))
        titles[spec.url_path] = page.title()
    assert failures == [], "\n".join(failures)
    assert len(set(titles.values())) == len(pages), titles


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_internal_page(open_app: Callable[..., Page], internal_app: App, lang: str) -> None:
    page = open_app(internal_app.url)
    # The login form is the first page everyone sees: the same checks.
    switch_language(page, lang, "app.title")
    expect_language(page, lang)
    assert serious_violations(page, f"internal login ({lang})") == []
    expect(page).to_have_title(page_title(t("login.title", lang), lang))
    log_in(page, A11Y_ADMIN)
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link")).to_have_count(len(PAGES))
    check_pages(page, PAGES, lang, "internal")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_public_page(open_app: Callable[..., Page], public_app: App, lang: str) -> None:
    page = open_app(public_app.url)
    switch_language(page, lang, HEADING_KEYS[PUBLIC_PAGES[0].script])
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link")).to_have_count(len(PUBLIC_PAGES))
    check_pages(page, PUBLIC_PAGES, lang, "public")
