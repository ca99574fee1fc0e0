"""The login gate, roles, the first administrator, server-side sessions (timeout, logout,
disabled and removed accounts), device tokens and the upload page's safeguards, on real account
files, session stores, audit logs and warehouses. What only a browser shows (the cookie, a
reload, a second tab, deep links): tests/e2e/test_login_browser.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from pipelines.ingest import ingest
from tests.dashboard.conftest import SignIn
from zakid_metrics import sessions
from zakid_metrics.audit import read_audit
from zakid_metrics.auth import User, add_user, list_users, remove_user, set_disabled
from zakid_metrics.dashboard.components import login as login_component
from zakid_metrics.dashboard.components.login import (
    CLI_ADD_ADMIN,
    SESSION_KEY,
    TICKET_KEY,
    USER_KEY,
    is_local_request,
    login_method,
    oidc_provider,
)
from zakid_metrics.dashboard.navigation import PAGES
from zakid_metrics.tokens import TokenStore

ROOT = Path(__file__).resolve().parents[2]
UPLOAD_ROOT = str(ROOT)
DATA_STATUS = next(p for p in PAGES if p.url_path == "data-status")
APP = str(ROOT / "app.py")
UPLOAD_HARNESS = str(ROOT / "tests" / "dashboard" / "upload_app.py")
TIMEOUT = 60
PASSWORD = "korrekt pferd batterie"
NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def events(data_dir: Path) -> list[tuple[str, str, dict]]:
    return [(r.event, r.user, r.details) for r in read_audit(data_dir=data_dir)]


def app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=TIMEOUT)


# --- The switch logic (no provider is reachable from the tests) ------------------------------


@pytest.mark.parametrize(
    ("secrets", "method", "provider"),
    [
        ({}, "local", None),
        ({"auth": {"redirect_uri": "https://x/oauth2callback"}}, "local", None),
        (
            {"auth": {"redirect_uri": "r", "cookie_secret": "s", "client_id": "c"}},
            "oidc",
            None,
        ),
        (
            {"auth": {"redirect_uri": "r", "cookie_secret": "s", "entra": {"client_id": "c"}}},
            "oidc",
            "entra",
        ),
        ({"auth": {"redirect_uri": "r", "cookie_secret": "s", "entra": {}}}, "local", None),
        ({"auth": "not a table"}, "local", None),
    ],
)
def test_login_method_follows_the_auth_section(
    secrets: dict, method: str, provider: str | None
) -> None:
    assert login_method(secrets) == method
    if method == "oidc":
        assert oidc_provider(secrets) == provider


@pytest.mark.parametrize(
    ("ip", "headers", "local"),
    [
        (None, {"Host": "localhost:8501", "Origin": "http://localhost:8501"}, True),
        (None, {"Host": "127.0.0.1:8501"}, True),
        (None, {"Host": "[::1]:8501", "Origin": "http://[::1]:8501"}, True),
        ("192.168.1.20", {"Host": "localhost:8501"}, False),  # another machine
        (None, {}, False),  # no browser at all (a test, a health check)
        (None, {"Host": "localhost:8501", "X-Forwarded-For": "203.0.113.9"}, False),  # proxy
        (None, {"Host": "dashboard.duisburg.de"}, False),  # a proxy that sets the public host
        (None, {"Host": "localhost:8501", "Origin": "https://evil.example"}, False),
    ],
)
def test_first_admin_only_for_a_browser_on_the_server(
    ip: str | None, headers: dict[str, str], local: bool
) -> None:
    assert is_local_request(ip, headers) is local


def test_viewers_and_analysts_do_not_get_the_admin_pages() -> None:
    def visible(role: str) -> set[str]:
        user = User("x", role, NOW)  # type: ignore[arg-type]
        return {page.url_path for page in PAGES if user.has_role(page.role)}

    everyone = {page.url_path for page in PAGES}
    assert visible("viewer") == visible("analyst") == everyone - {"upload", "devices", "alerts"}
    assert visible("admin") == everyone


# --- The gate in the app -----------------------------------------------------------------------


def test_nothing_but_the_first_start_note_without_accounts(data_dir: Path) -> None:
    at = app().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["ZaKI.D Wirkungsmonitor"]
    assert at.subheader[0].value == "Erstes Administrationskonto anlegen"
    assert at.code[0].value == CLI_ADD_ADMIN
    assert not at.get("form_submit_button"), "a remote browser gets no form"
    assert not at.metric and not at.dataframe


def test_a_local_browser_creates_the_first_admin(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(login_component, "is_local_request", lambda ip, headers: True)
    at = app().run()
    at.text_input[0].input("Anna.Schmidt")
    at.text_input[1].input(PASSWORD)
    at.text_input[2].input(PASSWORD + "!")
    at.get("form_submit_button")[0].click().run()
    assert at.error[0].value == "Die beiden Passwörter stimmen nicht überein."
    assert list_users(data_dir=data_dir) == []

    at.text_input[2].input(PASSWORD)
    at.get("form_submit_button")[0].click().run()
    assert not at.exception
    [user] = list_users(data_dir=data_dir)
    assert (user.name, user.role) == ("anna.schmidt", "admin")
    assert at.session_state[USER_KEY].name == "anna.schmidt"
    assert [(e, u) for e, u, _ in events(data_dir)] == [
        ("user_added", "first-start@localhost"),
        ("login_ok", "anna.schmidt"),
    ]


def test_login_with_the_form_and_a_wrong_password(data_dir: Path) -> None:
    add_user("bernd", "viewer", PASSWORD, by="test", data_dir=data_dir)
    at = app().run()
    assert at.subheader[0].value == "Anmelden"
    at.text_input[0].input("bernd")
    at.text_input[1].input("falsch falsch falsch")
    at.get("form_submit_button")[0].click().run()
    assert not at.exception
    assert at.error[0].value == "Benutzername oder Passwort ist falsch."
    assert USER_KEY not in at.session_state and SESSION_KEY not in at.session_state

    at.text_input[0].input("bernd")
    at.text_input[1].input(PASSWORD)
    at.get("form_submit_button")[0].click().run()
    assert not at.exception
    assert at.session_state[USER_KEY].role == "viewer"
    assert "Angemeldet als bernd (Lesen)" in [c.value for c in at.sidebar.caption]
    assert [e for e, _, _ in events(data_dir)] == ["user_added", "login_failed", "login_ok"]
    # A session on the server, whose ticket the page hands to the browser for the cookie.
    [stored] = json.loads((data_dir / "sessions.json").read_text())["sessions"]
    assert (stored["id"], stored["user"]) == (at.session_state[SESSION_KEY], "bernd")
    ticket = at.session_state[TICKET_KEY]
    assert stored["ticket_sha256"] == hashlib.sha256(ticket.encode()).hexdigest()
    assert stored["cookie_sha256"] is None
    assert ticket not in (data_dir / "sessions.json").read_text()
    [script] = [h.proto.body for h in at.get("html")]
    assert script == (
        '<script>fetch("/_zakid/session", {"method": "POST", "credentials": "same-origin", '
        '"headers": {"Content-Type": "application/json"}, '
        f'"body": "{{\\"ticket\\": \\"{ticket}\\"}}"}});</script>'
    )

    at.button(key="auth.logout").click().run()
    assert USER_KEY not in at.session_state and SESSION_KEY not in at.session_state
    assert at.subheader[0].value == "Anmelden"
    assert events(data_dir)[-1][:2] == ("logout", "bernd")
    assert json.loads((data_dir / "sessions.json").read_text())["sessions"] == []
    [drop] = [h.proto.body for h in at.get("html")]  # the browser drops the cookie
    assert drop == (
        '<script>fetch("/_zakid/session", {"method": "DELETE", "credentials": "same-origin"});'
        "</script>"
    )


def test_an_idle_session_ends_and_is_audited_once(data_dir: Path, sign_in: SignIn) -> None:
    now = dt.datetime.now(dt.UTC)
    first, second = app(), app()  # two tabs of one session
    user = sign_in(first, "analyst", now=now - dt.timedelta(minutes=31))
    second.session_state[SESSION_KEY] = first.session_state[SESSION_KEY]
    second.session_state[USER_KEY] = user
    first.run()
    assert not first.exception
    assert USER_KEY not in first.session_state and SESSION_KEY not in first.session_state
    assert first.info[0].value.startswith(
        "Ihre Sitzung ist nach 30 Minuten ohne Aktivität abgelaufen."
    )
    second.run()
    assert second.info[0].value.startswith("Ihre Sitzung wurde beendet")
    assert [e for e in events(data_dir) if e[0] == "logout"] == [
        ("logout", "analyst", {"reason": "timeout"})
    ]


def test_a_busy_session_still_ends_twelve_hours_after_the_login(
    data_dir: Path, sign_in: SignIn
) -> None:
    at = app()
    now = dt.datetime.now(dt.UTC)
    sign_in(at, "analyst", now=now - dt.timedelta(hours=12, seconds=1))
    [session] = [s for s in [sessions.find(at.session_state[SESSION_KEY], now - dt.timedelta(
        hours=12), dt.timedelta(minutes=30), data_dir=data_dir)] if s]  # fmt: skip
    sessions.touch(session, now, data_dir=data_dir)  # active a moment ago
    at.run()
    assert USER_KEY not in at.session_state
    assert at.info[0].value == (
        "Ihre Sitzung ist nach 12 Stunden abgelaufen, wie jede Sitzung. Bitte melden Sie sich "
        "erneut an."
    )
    assert events(data_dir)[-1] == ("logout", "analyst", {"reason": "lifetime"})


def test_an_active_session_stays_and_is_kept_alive(data_dir: Path, sign_in: SignIn) -> None:
    at = app()
    sign_in(at, "analyst", now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=29))
    at.run()
    assert at.session_state[USER_KEY].name == "analyst"
    [stored] = json.loads((data_dir / "sessions.json").read_text())["sessions"]
    last_seen = dt.datetime.fromisoformat(stored["last_seen"])
    assert last_seen > dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)


@pytest.mark.parametrize("change", ["disable", "remove", "remove and add again"])
def test_changing_the_account_ends_its_open_session(
    change: str, data_dir: Path, sign_in: SignIn
) -> None:
    at = app()
    sign_in(at, "viewer")
    at.run()
    assert at.session_state[USER_KEY].name == "viewer"
    if change == "disable":
        set_disabled("viewer", True, by="cli:ops", data_dir=data_dir)
    else:
        remove_user("viewer", by="cli:ops", data_dir=data_dir)
    if change == "remove and add again":
        add_user("viewer", "admin", PASSWORD, by="cli:ops", data_dir=data_dir)
    at.run()  # the next interaction
    assert not at.exception
    assert USER_KEY not in at.session_state and SESSION_KEY not in at.session_state
    assert at.subheader[0].value == "Anmelden"
    assert at.info[0].value.startswith("Ihre Sitzung wurde beendet")
    assert not at.get("stSidebarNav") and not at.metric
    ended = [d for e, _, d in events(data_dir) if e in ("user_disabled", "user_removed")]
    assert ended == [{"name": "viewer", "sessions_ended": 1}]


def test_a_session_whose_account_file_changed_by_hand_ends_too(
    data_dir: Path, sign_in: SignIn
) -> None:
    """Revocation does not rely on the CLI ending the sessions: every run checks the account."""
    at = app()
    sign_in(at, "viewer")
    at.run()
    users = json.loads((data_dir / "users.json").read_text())
    next(u for u in users["users"] if u["name"] == "viewer")["disabled"] = True
    (data_dir / "users.json").write_text(json.dumps(users))
    at.run()
    assert USER_KEY not in at.session_state
    assert at.subheader[0].value == "Anmelden"


def test_the_live_fleet_checks_the_session_before_each_refresh(
    data_dir: Path, sign_in: SignIn
) -> None:
    """The fragment's own check reruns the app once the session has ended (the browser test
    lets the 5-second refresh find it); it does not keep an idle session alive."""
    at = AppTest.from_function(fleet_fragment_app, default_timeout=TIMEOUT)
    sign_in(at, "viewer", now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20))
    at.run()
    assert [m.value for m in at.markdown] == ["internal data"]
    before = (data_dir / "sessions.json").read_bytes()
    at.run()
    assert (data_dir / "sessions.json").read_bytes() == before, "the check is no activity"
    sessions.end(at.session_state[SESSION_KEY], data_dir=data_dir)
    at.run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["login"], "nothing loaded past the end"


def fleet_fragment_app() -> None:
    """The gate's stand-in says `login` once the session is gone; the fragment loads data."""
    import streamlit as st

    from zakid_metrics.dashboard.components.login import SESSION_KEY, require_live_session

    if st.session_state.get("ended"):
        st.markdown("login")
        st.stop()

    @st.fragment
    def live() -> None:
        st.session_state["ended"] = True  # what the gate finds when the check reruns the app
        require_live_session()
        st.session_state["ended"] = False
        st.markdown("internal data")

    assert SESSION_KEY in st.session_state
    live()


# --- Source rows only for analysts and admins -----------------------------------------------------


def names_table() -> None:
    import pandas as pd

    from zakid_metrics.dashboard.components.tables import download_table

    download_table(pd.DataFrame({"name": ["Alpha GmbH"], "employees": [12]}), "t.rows", "de")


@pytest.mark.parametrize(("role", "buttons"), [("viewer", 0), ("analyst", 2), ("admin", 2)])
def test_confidential_rows_download_only_for_analysts(
    role: str, buttons: int, data_dir: Path
) -> None:
    at = AppTest.from_function(names_table, default_timeout=TIMEOUT)
    at.session_state[USER_KEY] = User("x", role, NOW)
    at.run()
    assert len(at.get("download_button")) == buttons
    assert len(at.dataframe) == 1, "everyone may read them on screen"
    if not buttons:
        assert (
            at.caption[0].value
            == "Herunterladen dürfen diese Zeilen nur Analyse und Administration."
        )


# --- Device tokens --------------------------------------------------------------------------------

DEVICES_DELIVERY = {
    "companies.csv": (
        "company_id,name,employees,postal_code,joined_on\nC1,Alpha,5,47051,2025-01-01\n"
    ),
    "projects.csv": (
        "project_id,title,company_id,partner,use_case,status,started_on\n"
        "P1,Pumpen,C1,UDE,other,pilot,2025-02-01\n"
    ),
    "deployments.csv": (
        "deployment_id,project_id,model_name,went_live_on,data_policy\n"
        "D1,P1,net,2025-03-01,on_device_only\n"
    ),
    "devices.csv": "device_id,deployment_id,device_class\nV1,D1,fpga\nV2,D1,fpga\n",
}


def test_an_admin_issues_and_revokes_a_device_token(
    data_dir: Path, tmp_path: Path, sign_in: SignIn
) -> None:
    folder = tmp_path / "delivery"
    folder.mkdir()
    for name, text in DEVICES_DELIVERY.items():
        (folder / name).write_text(text, encoding="utf-8")
    assert not ingest([folder], data_dir).any_failed
    devices_page = next(p for p in PAGES if p.url_path == "devices")
    at = app()
    sign_in(at, "admin")
    at.run().switch_page(devices_page.script).run()
    assert not at.exception
    assert at.dataframe[0].value["Zugang"].tolist() == ["ohne Zugang", "ohne Zugang"]

    at.button(key="devices.issue").click().run()
    token = at.code[0].value
    store = TokenStore(data_dir)
    assert store.lookup(token).device_id == "V1"
    assert events(data_dir)[-1] == ("token_issued", "admin", {"device_id": "V1"})
    assert at.warning[0].value.startswith("Der Zugang wird nur jetzt angezeigt")

    at.button(key="devices.revoke").click().run()
    assert not store.lookup(token).active
    assert events(data_dir)[-1] == ("token_revoked", "admin", {"device_id": "V1"})
    assert at.dataframe[0].value["Zugang"].tolist() == ["widerrufen", "ohne Zugang"]
    assert token not in (data_dir / "telemetry" / "tokens.json").read_text()


def test_a_viewer_cannot_run_the_devices_page(data_dir: Path) -> None:
    devices_page = next(p for p in PAGES if p.url_path == "devices")
    at = AppTest.from_file(str(ROOT / devices_page.script), default_timeout=TIMEOUT)
    at.session_state[USER_KEY] = User("erik", "viewer", NOW)
    at.run()
    assert at.error[0].value == "Diese Seite ist der Administration vorbehalten."
    assert not at.button


# --- Uploads: type, name, decompression bombs, audit ----------------------------------------------


def xlsx_bomb() -> bytes:
    """A valid ZIP whose sheet inflates 11 MB of zeros from a few kB (ratio far above 100:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for _ in range(11):
                sheet.write(b"\0" * 1_000_000)
    return buffer.getvalue()


def test_upload_refuses_a_decompression_bomb_and_is_audited(data_dir: Path) -> None:
    at = AppTest.from_file(UPLOAD_HARNESS, default_timeout=TIMEOUT)
    at.session_state[USER_KEY] = User("frida", "admin", NOW)
    at.run()
    at.get("file_uploader")[0].set_value(
        [("../../jobs_bomb.xlsx", xlsx_bomb(), "application/octet-stream")]
    ).run()
    at.button(key="upload.start").click().run()
    assert not at.exception
    (folder,) = (data_dir / "uploads").iterdir()
    assert [p.name for p in folder.iterdir()] == ["jobs_bomb.xlsx"]  # no way out of its folder
    result = at.dataframe[0].value.set_index("Datei")
    assert result.loc["jobs_bomb.xlsx", "Status"] == "fehlgeschlagen"
    assert "wird zur Sicherheit nicht geöffnet" in result.loc["jobs_bomb.xlsx", "Fehler"]
    [upload] = [d for e, u, d in events(data_dir) if e == "upload" and u == "frida"]
    assert upload["files"] == ["jobs_bomb.xlsx"]
    assert upload["folder"] == folder.name
    assert upload["exit_code"] == 1
    # The load run says who started it, in the reader's language on the data-quality page.
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT triggered_by FROM load_runs").fetchall() == [("upload:frida",)]
    at.switch_page(f"{UPLOAD_ROOT}/{DATA_STATUS.script}").run()
    assert not at.exception
    assert at.dataframe[1].value["Ausgelöst von"].tolist() == ["Upload in der App: frida"]
    at.session_state["app.language"] = "en"  # the harness has no switch
    at.run()
    assert at.dataframe[1].value["Triggered by"].tolist() == ["upload in the app: frida"]


def test_upload_only_takes_csv_and_xlsx(data_dir: Path) -> None:
    at = AppTest.from_file(UPLOAD_HARNESS, default_timeout=TIMEOUT)
    at.session_state[USER_KEY] = User("frida", "admin", NOW)
    at.run()
    uploader = at.get("file_uploader")[0].proto
    assert sorted(uploader.type) == [".csv", ".xlsx"]
    assert uploader.max_upload_size_mb == 50
