"""The login gate in a real browser: the first administrator on localhost, nothing but the login
before it, and the roles' pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import (
    LOGIN_ADMIN,
    LOGIN_VIEWER,
    PASSWORD,
    App,
    log_in,
    nav_titles,
    title,
)
from zakid_metrics.audit import read_audit
from zakid_metrics.auth import list_users
from zakid_metrics.dashboard.navigation import PAGES

pytestmark = pytest.mark.e2e

FIRST_ADMIN = "admin.erste"
ADMIN_PAGES = [title(spec, "de") for spec in PAGES if spec.role == "admin"]


def test_localhost_offers_to_create_the_first_admin(
    open_app: Callable[..., Page], own_app: Callable[..., App]
) -> None:
    """On a server of its own without any account: the form creates the first one."""
    app = own_app()
    page = open_app(app.url, height=2000)
    expect(page.get_by_role("heading", name="Erstes Administrationskonto anlegen")).to_be_visible()
    assert page.get_by_test_id("stSidebarNav").count() == 0
    fields = page.locator("input[type=password]")
    expect(fields).to_have_count(2)
    page.locator("input[autocomplete=username]").fill(FIRST_ADMIN)
    fields.nth(0).fill(PASSWORD)
    fields.nth(1).fill(PASSWORD)
    page.get_by_test_id("stFormSubmitButton").click()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    assert set(ADMIN_PAGES) <= set(nav_titles(page))
    [user] = list_users(data_dir=app.data_dir)
    assert (user.name, user.role) == (FIRST_ADMIN, "admin")


def test_nothing_but_the_login_before_login(
    open_app: Callable[..., Page], internal_app: App
) -> None:
    page = open_app(internal_app.url, height=2000)
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    body = page.locator("body").inner_text()
    assert page.get_by_test_id("stSidebarNav").count() == 0
    assert page.get_by_test_id("stMetric").count() == 0
    assert page.get_by_test_id("stDataFrame").count() == 0
    assert "Erstes Administrationskonto" not in body, "accounts exist"
    # A page's address does not get past the login either.
    page.goto(page.url.rstrip("/") + "/upload")
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    assert page.get_by_test_id("stFileUploader").count() == 0


def test_a_viewer_does_not_see_the_admin_pages(
    open_app: Callable[..., Page], internal_app: App
) -> None:
    page = open_app(internal_app.url, LOGIN_VIEWER, height=2000)
    assert nav_titles(page) == [title(spec, "de") for spec in PAGES if spec.role == "viewer"]
    assert not set(ADMIN_PAGES) & set(nav_titles(page))
    expect(page.get_by_text(f"Angemeldet als {LOGIN_VIEWER.name} (Lesen)")).to_be_visible()

    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    log_in(page, LOGIN_ADMIN)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Lieferung hochladen").click()
    expect(page.get_by_test_id("stFileUploader")).to_be_visible()
    mine = {LOGIN_VIEWER.name, LOGIN_ADMIN.name}  # other tests log in on this server too
    logged = [(r.event, r.user) for r in read_audit(data_dir=internal_app.data_dir)]
    assert [entry for entry in logged if entry[1] in mine] == [
        ("login_ok", LOGIN_VIEWER.name),
        ("logout", LOGIN_VIEWER.name),
        ("login_ok", LOGIN_ADMIN.name),
    ]
