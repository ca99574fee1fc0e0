"""What the browser tests share besides fixtures: the accounts, logging in, and waiting until a
page has run to its end and drawn everything, so that nothing is counted before it is there."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from playwright.sync_api import Page, expect

from zakid_metrics.auth import Role
from zakid_metrics.dashboard.navigation import PageSpec
from zakid_metrics.i18n import t

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# Every wait of the browser tests (conftest.py sets it for actions and assertions). Generous:
# a wait ends as soon as its condition holds, so only a failing test waits this long. On the
# shared two-core machine at a load of 20, one page took 40 s to log in and render.
WAIT_MS = 180_000
PASSWORD = "correct horse battery staple"


class App(NamedTuple):
    """A running app: its URL and the data directory it reads."""

    url: str
    data_dir: Path


class Account(NamedTuple):
    name: str
    role: Role


# One account per test module on the shared internal app: no test sees another's logins.
APP_ADMIN = Account("e2e.admin", "admin")  # test_app_browser
REPORTER = Account("e2e.reporter", "analyst")  # test_reports_browser
LOGIN_ADMIN = Account("e2e.login.admin", "admin")  # test_login_browser
LOGIN_VIEWER = Account("e2e.login.viewer", "viewer")  # test_login_browser
A11Y_ADMIN = Account("e2e.a11y.admin", "admin")  # test_accessibility_browser
INTERNAL_ACCOUNTS = (APP_ADMIN, REPORTER, LOGIN_ADMIN, LOGIN_VIEWER, A11Y_ADMIN)
LIVE_VIEWER = Account("e2e.live.viewer", "viewer")  # test_live_browser, on the served system

# Every table of the page holds its drawn grid, every chart its drawn plot, no skeleton is left.
_DRAWN = """() =>
  document.querySelectorAll('[data-testid="stSkeleton"]').length === 0
  && [...document.querySelectorAll('[data-testid="stDataFrame"]')]
       .every(table => table.querySelector('[data-testid="data-grid-canvas"]'))
  && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
       .every(chart => chart.querySelectorAll('.js-plotly-plot').length === 1
                       && chart.querySelector('.js-plotly-plot .main-svg'))"""


def log_in(page: Page, account: Account) -> None:
    """Log in through the real form; done when the navigation shows."""
    page.locator("input[autocomplete=username]").fill(account.name)
    page.locator("input[type=password]").fill(PASSWORD)
    page.get_by_test_id("stFormSubmitButton").click()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()


def settle(page: Page, heading: str) -> None:
    """Wait until the page titled `heading` has run to its end and drawn every table and chart.

    The heading appears only once this page's run has begun; the app's script state then says
    when the run is over (elements of an earlier page are gone by then); tables and charts draw
    themselves after that.
    """
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning")
    page.wait_for_function(_DRAWN, polling=100)


def title(spec: PageSpec, lang: str) -> str:
    """The page's title in the navigation."""
    return t(spec.title_key, lang)


def nav_titles(page: Page) -> list[str]:
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    return [text.strip().splitlines()[-1] for text in links.all_inner_texts()]  # after the icon


def open_page(page: Page, link: str, heading: str | None = None) -> None:
    """Follow the navigation link `link` and wait until the page (titled `heading`, by default
    the link's text) has settled."""
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    links.filter(has=page.get_by_text(link, exact=True)).click()
    settle(page, heading or link)


def assert_no_error_shown(page: Page) -> None:
    assert page.get_by_test_id("stException").count() == 0
    assert page.get_by_test_id("stAlertContentError").count() == 0
    assert "Traceback" not in page.locator("body").inner_text()


def metric(page: Page, label: str) -> str:
    """The value of the tile labelled `label`."""
    label_ = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    tile = page.get_by_test_id("stMetric").filter(has=label_)
    return tile.get_by_test_id("stMetricValue").inner_text()


def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)
