"""The login gate in a real browser: the first administrator on localhost, nothing but the login
before it, and the roles' pages. The tests run in file order on one server and data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, expect

from zakid_metrics.audit import read_audit
from zakid_metrics.auth import list_users

if TYPE_CHECKING:
    from tests.e2e.conftest import StartApp

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 30_000
ADMIN, VIEWER, PASSWORD = "admin.erste", "vera.viewer", "correct horse battery staple"
ADMIN_PAGES = ("Lieferung hochladen", "Gerätezugänge")


@pytest.fixture(scope="module")
def sample_data_dir(
    tmp_path_factory: pytest.TempPathFactory, load_sample: Callable[..., Path]
) -> Path:
    """The sample delivery loaded by the real CLI, and no account yet."""
    return load_sample(tmp_path_factory.mktemp("e2e_login") / "data")


@pytest.fixture(scope="module")
def app_url(sample_data_dir: Path, start_app: StartApp) -> Iterator[str]:
    """`streamlit run app.py` (internal mode) on a free port, until the module ends."""
    log_path = sample_data_dir.parent / "streamlit.log"
    with start_app(sample_data_dir, "internal", log_path) as url:
        yield url


@pytest.fixture
def page(browser: Browser, app_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 2000})
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(app_url)
    yield page
    context.close()


def log_in(page: Page, name: str) -> None:
    page.locator("input[autocomplete=username]").fill(name)
    page.locator("input[type=password]").fill(PASSWORD)
    page.get_by_test_id("stFormSubmitButton").click()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=WAIT_MS)


def nav_titles(page: Page) -> list[str]:
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    return [text.strip().splitlines()[-1] for text in links.all_inner_texts()]  # after the icon


def test_localhost_offers_to_create_the_first_admin(page: Page, sample_data_dir: Path) -> None:
    expect(page.get_by_role("heading", name="Erstes Administrationskonto anlegen")).to_be_visible()
    assert page.get_by_test_id("stSidebarNav").count() == 0
    fields = page.locator("input[type=password]")
    expect(fields).to_have_count(2)
    page.locator("input[autocomplete=username]").fill(ADMIN)
    fields.nth(0).fill(PASSWORD)
    fields.nth(1).fill(PASSWORD)
    page.get_by_test_id("stFormSubmitButton").click()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=WAIT_MS)
    assert set(ADMIN_PAGES) <= set(nav_titles(page))
    [user] = list_users(data_dir=sample_data_dir)
    assert (user.name, user.role) == (ADMIN, "admin")


def test_nothing_but_the_login_before_login(page: Page) -> None:
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    body = page.locator("body").inner_text()
    assert page.get_by_test_id("stSidebarNav").count() == 0
    assert page.get_by_test_id("stMetric").count() == 0
    assert page.get_by_test_id("stDataFrame").count() == 0
    assert "Erstes Administrationskonto" not in body, "an account exists now"
    # A page's address does not get past the login either.
    page.goto(page.url.rstrip("/") + "/upload")
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    assert page.get_by_test_id("stFileUploader").count() == 0


def test_a_viewer_does_not_see_the_admin_pages(page: Page, sample_data_dir: Path) -> None:
    added = subprocess.run(
        [sys.executable, "-m", "pipelines", "users", "add", VIEWER, "--role", "viewer",
         "--data-dir", str(sample_data_dir)],
        cwd=ROOT, env={**os.environ, "ZAKID_NEW_PASSWORD": PASSWORD},
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    log_in(page, VIEWER)
    titles = nav_titles(page)
    assert "Übersicht" in titles and "Datenqualität" in titles
    assert not set(ADMIN_PAGES) & set(titles)
    expect(page.get_by_text(f"Angemeldet als {VIEWER} (Lesen)")).to_be_visible()

    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    log_in(page, ADMIN)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Lieferung hochladen").click()
    expect(page.get_by_test_id("stFileUploader")).to_be_visible(timeout=WAIT_MS)
    logged = [(r.event, r.user) for r in read_audit(data_dir=sample_data_dir)]
    assert ("login_ok", VIEWER) in logged and ("logout", VIEWER) in logged
    assert logged[-1] == ("login_ok", ADMIN)
