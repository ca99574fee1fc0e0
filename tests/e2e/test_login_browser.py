"""The login gate in a real browser: the first administrator on localhost, nothing but the login
before it, the roles' pages, and sessions that behave like the web (the HttpOnly cookie, reload,
a new tab, deep and shared links, logout in every tab, a disabled account's open session), and
the server's own headers. The tests run in file order on one server and data directory."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import free_port
from zakid_metrics.audit import read_audit
from zakid_metrics.auth import list_users

if TYPE_CHECKING:
    from tests.e2e.conftest import StartApp

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)  # a page on two shared cores may take longer than 5 s
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
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A browser profile of its own (cookies included), as one person's browser."""
    context = browser.new_context(viewport={"width": 1440, "height": 2000})
    context.set_default_timeout(WAIT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext, app_url: str) -> Page:
    page = context.new_page()
    page.goto(app_url)
    return page


def log_in(page: Page, name: str, *, heading: str = "Anmelden") -> None:
    """Log in with the form and wait until the browser holds the session cookie (the page
    exchanges its ticket for it right after the login)."""
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    page.locator("input[autocomplete=username]").fill(name)
    page.locator("input[type=password]").fill(PASSWORD)
    page.get_by_test_id("stFormSubmitButton").click()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=WAIT_MS)
    assert session_cookie(page.context), "no session cookie after the login"


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


# --- Sessions that behave like the web ----------------------------------------------------------

LINK = "/finance?lang=en&as_of=2026-06-30&from=2025-01-01&to=2025-12-31&grant=03STK0187B"


def session_cookie(context: BrowserContext) -> dict | None:
    """The session cookie once the page has exchanged its login ticket for it (None before)."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == "zakid_session"]
        if found:
            return dict(found[0])
        time.sleep(0.1)  # polling a condition, bounded by the deadline
    return None


def expect_login_form(page: Page, note: str | None = None) -> None:
    expect(page.get_by_role("heading", name="Anmelden")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    if note:
        expect(page.get_by_text(note)).to_be_visible()


def test_the_session_cookie_is_httponly_strict_and_a_reload_keeps_the_login(
    context: BrowserContext, page: Page
) -> None:
    log_in(page, VIEWER)
    cookie = session_cookie(context)
    assert cookie is not None
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/")
    assert cookie["expires"] == -1, "it ends with the browser; the server ends it earlier"
    assert page.evaluate("document.cookie").find("zakid_session") == -1, "no script reads it"
    page.reload()
    expect(page.get_by_text(f"Angemeldet als {VIEWER} (Lesen)")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    assert page.get_by_role("heading", name="Anmelden").count() == 0


def test_a_link_in_a_new_tab_opens_its_page_without_a_new_login(
    context: BrowserContext, page: Page, app_url: str
) -> None:
    log_in(page, VIEWER)
    tab = context.new_page()
    tab.goto(app_url + LINK)
    expect(tab.get_by_role("heading", name="Finances", exact=True)).to_be_visible()
    expect(tab.get_by_text(f"Logged in as {VIEWER} (Viewer)")).to_be_visible()
    assert tab.url == app_url + LINK


def test_a_deep_link_opens_its_view_after_the_login(page: Page, app_url: str) -> None:
    page.goto(app_url + LINK)
    log_in(page, VIEWER, heading="Log in")  # in the link's language
    expect(page.get_by_role("heading", name="Finances", exact=True)).to_be_visible()
    assert page.url == app_url + LINK
    expect(page.get_by_text("As of 2026-06-30 · period 2025-01-01 – 2025-12-31")).to_be_visible()
    grant = page.get_by_role("combobox", name="Grant", exact=True)
    expect(grant).to_have_value("03STK0187B · Fraunhofer IMS")


def test_a_copied_link_reproduces_the_view_for_a_colleague(
    browser: Browser, page: Page, app_url: str
) -> None:
    log_in(page, ADMIN)
    page.goto(app_url + "/companies?segment=size_class:micro")
    expect(page.get_by_role("heading", name="Unternehmen & Projekte")).to_be_visible()
    page.get_by_test_id("stSidebar").get_by_text("English").click()
    expect(page.get_by_role("heading", name="Companies & projects")).to_be_visible()
    copied = page.url
    assert "lang=en" in copied and "segment=size_class%3Amicro" in copied.replace(":", "%3A")
    assert "as_of=" in copied and "from=" in copied and "to=" in copied
    colleague = browser.new_context(viewport={"width": 1440, "height": 2000})
    try:
        other = colleague.new_page()
        other.set_default_timeout(WAIT_MS)
        other.goto(copied)
        log_in(other, VIEWER, heading="Log in")
        expect(other.get_by_role("heading", name="Companies & projects")).to_be_visible()
        assert other.url == copied
        segment = other.get_by_role("combobox", name="Segment", exact=True)
        expect(segment).to_have_value(re.compile(r": Micro$"))
    finally:
        colleague.close()


def test_logout_in_one_tab_ends_the_session_in_the_other(
    context: BrowserContext, page: Page, app_url: str
) -> None:
    log_in(page, VIEWER)
    second = context.new_page()
    second.goto(app_url + "/jobs")
    expect(second.get_by_test_id("stSidebarNav")).to_be_visible()
    page.get_by_role("button", name="Abmelden").click()
    expect_login_form(page)
    second.get_by_test_id("stSidebarNav").get_by_role("link", name="Übersicht").click()
    expect_login_form(second, "Ihre Sitzung wurde beendet")
    third = context.new_page()  # the cookie no longer opens anything
    third.goto(app_url)
    expect_login_form(third)


def test_a_disabled_account_loses_its_open_session_even_on_a_refreshing_page(
    page: Page, sample_data_dir: Path
) -> None:
    log_in(page, VIEWER)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Eingebettete KI").click()
    expect(page.get_by_role("heading", name="Eingebettete KI")).to_be_visible()
    stored = json.loads((sample_data_dir / "sessions.json").read_text())["sessions"]
    open_sessions = sum(session["user"] == VIEWER for session in stored)  # earlier tests' too
    users("disable", VIEWER, data_dir=sample_data_dir)
    try:
        # No click: the live fleet's 5-second refresh checks the session and hands over.
        expect_login_form(page, "Ihre Sitzung wurde beendet")
    finally:
        users("enable", VIEWER, data_dir=sample_data_dir)
    disabled = [r for r in read_audit(data_dir=sample_data_dir) if r.event == "user_disabled"]
    assert disabled[-1].details == {"name": VIEWER, "sessions_ended": open_sessions}
    assert not any(
        session["user"] == VIEWER
        for session in json.loads((sample_data_dir / "sessions.json").read_text())["sessions"]
    )


def users(action: str, name: str, *, data_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", "users", action, name, "--data-dir", str(data_dir)],
        cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


# --- The server's own headers and routes ---------------------------------------------------------


def fetch(url: str, *, method: str = "GET", headers: dict[str, str] | None = None,
          body: bytes | None = None) -> tuple[int, dict[str, str]]:  # fmt: skip
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, {k.lower(): v for k, v in answer.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


def test_security_headers_and_no_metrics_for_strangers(app_url: str) -> None:
    for path in ("/", "/finance", "/_stcore/health"):
        status, headers = fetch(app_url + path)
        assert status == 200
        assert headers["content-security-policy"] == "frame-ancestors 'none'"
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
    assert fetch(app_url + "/_stcore/metrics")[0] == 404


def test_the_session_route_takes_only_a_valid_ticket_from_the_app_itself(app_url: str) -> None:
    ticket = b'{"ticket": "made-up"}'
    json_type = {"Content-Type": "application/json"}
    other_site = {**json_type, "Origin": "https://evil.example"}
    same_site = {**json_type, "Origin": app_url}
    session = app_url + "/_zakid/session"
    assert fetch(session, method="POST", headers=json_type, body=ticket)[0] == 403
    assert fetch(session, method="POST", headers=other_site, body=ticket)[0] == 403
    status, headers = fetch(session, method="POST", headers=same_site, body=ticket)
    assert status == 403 and "set-cookie" not in headers


# --- Behind the documented reverse proxy ---------------------------------------------------------

NGINX = Path("/usr/sbin/nginx")
NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    upstream zakid_internal {{ server 127.0.0.1:{app_port}; }}
    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    server {{
        listen 127.0.0.1:{port};
        include {root}/docs/nginx/zakid-internal.conf;
    }}
}}
"""


@pytest.fixture
def proxy_url(app_url: str, tmp_path: Path) -> Iterator[str]:
    """Debian's nginx with docs/nginx/zakid-internal.conf in front of the app."""
    if not NGINX.exists():
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    port = free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(NGINX_CONF.format(
        tmp=tmp_path, app_port=app_url.rsplit(":", 1)[1], port=port, root=ROOT
    ))  # fmt: skip
    checked = subprocess.run([NGINX, "-t", "-c", conf], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen([NGINX, "-c", conf, "-g", "daemon off; user root;"])
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while not answers(url + "/_stcore/health"):
            assert time.monotonic() < deadline, (tmp_path / "error.log").read_text()
            time.sleep(0.1)  # polling a condition, bounded by the deadline
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def answers(url: str) -> bool:
    try:
        return fetch(url)[0] == 200
    except OSError:  # not listening yet
        return False


def test_behind_the_documented_nginx_the_login_and_headers_hold(
    proxy_url: str, context: BrowserContext
) -> None:
    status, headers = fetch(proxy_url + "/")
    assert status == 200
    assert headers["content-security-policy"] == "frame-ancestors 'none'"
    assert headers["strict-transport-security"] == "max-age=31536000"
    assert fetch(proxy_url + "/_stcore/metrics")[0] == 404
    page = context.new_page()
    page.goto(proxy_url + "/jobs")
    log_in(page, ADMIN)
    expect(page.get_by_role("heading", name="Arbeitsplätze", exact=True)).to_be_visible()
    # log_in saw the cookie: the ticket went through the proxy (Host and Origin agree)
    page.reload()
    expect(page.get_by_text(f"Angemeldet als {ADMIN} (Administration)")).to_be_visible()
