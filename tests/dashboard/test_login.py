"""The login gate, roles, the first administrator, session timeout, device tokens and the
upload page's safeguards, on real account files, audit logs and warehouses."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines.ingest import ingest
from zakid_metrics.audit import read_audit
from zakid_metrics.auth import User, add_user, list_users
from zakid_metrics.dashboard.components import login as login_component
from zakid_metrics.dashboard.components.login import (
    CLI_ADD_ADMIN,
    SEEN_KEY,
    USER_KEY,
    is_local_request,
    login_method,
    oidc_provider,
)
from zakid_metrics.dashboard.navigation import PAGES
from zakid_metrics.tokens import TokenStore

ROOT = Path(__file__).resolve().parents[2]
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
    assert visible("viewer") == visible("analyst") == everyone - {"upload", "devices"}
    assert visible("admin") == everyone


# --- The gate in the app -----------------------------------------------------------------------


def test_nothing_but_the_first_start_note_without_accounts(data_dir: Path) -> None:
    at = app().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["ZaKI.D Wirkungsmonitor"]
    assert at.header[0].value == "Erstes Administrationskonto anlegen"
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
    assert at.header[0].value == "Anmelden"
    at.text_input[0].input("bernd")
    at.text_input[1].input("falsch falsch falsch")
    at.get("form_submit_button")[0].click().run()
    assert not at.exception
    assert at.error[0].value == "Benutzername oder Passwort ist falsch."
    assert USER_KEY not in at.session_state

    at.text_input[0].input("bernd")
    at.text_input[1].input(PASSWORD)
    at.get("form_submit_button")[0].click().run()
    assert not at.exception
    assert at.session_state[USER_KEY].role == "viewer"
    assert "Angemeldet als bernd (Lesen)" in [c.value for c in at.sidebar.caption]
    assert [e for e, _, _ in events(data_dir)] == ["user_added", "login_failed", "login_ok"]

    at.button(key="auth.logout").click().run()
    assert USER_KEY not in at.session_state
    assert at.header[0].value == "Anmelden"
    assert events(data_dir)[-1][:2] == ("logout", "bernd")


def test_an_idle_session_ends_and_is_audited(data_dir: Path) -> None:
    add_user("carla", "analyst", PASSWORD, by="test", data_dir=data_dir)
    at = app()
    at.session_state[USER_KEY] = User("carla", "analyst", NOW)
    at.session_state[SEEN_KEY] = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)
    at.run()
    assert not at.exception
    assert USER_KEY not in at.session_state
    assert at.info[0].value.startswith(
        "Ihre Sitzung ist nach 30 Minuten ohne Aktivität abgelaufen."
    )
    assert events(data_dir)[-1] == ("logout", "carla", {"reason": "timeout"})


def test_an_active_session_stays(data_dir: Path) -> None:
    at = app()
    at.session_state[USER_KEY] = User("carla", "analyst", NOW)
    at.session_state[SEEN_KEY] = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=29)
    at.run()
    assert at.session_state[USER_KEY].name == "carla"
    assert at.session_state[SEEN_KEY] > dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)


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


def test_an_admin_issues_and_revokes_a_device_token(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "delivery"
    folder.mkdir()
    for name, text in DEVICES_DELIVERY.items():
        (folder / name).write_text(text, encoding="utf-8")
    assert not ingest([folder], data_dir).any_failed
    devices_page = next(p for p in PAGES if p.url_path == "devices")
    at = app()
    at.session_state[USER_KEY] = User("dora", "admin", NOW)
    at.run().switch_page(devices_page.script).run()
    assert not at.exception
    assert at.dataframe[0].value["Zugang"].tolist() == ["ohne Zugang", "ohne Zugang"]

    at.button(key="devices.issue").click().run()
    token = at.code[0].value
    store = TokenStore(data_dir)
    assert store.lookup(token).device_id == "V1"
    assert events(data_dir)[-1] == ("token_issued", "dora", {"device_id": "V1"})
    assert at.warning[0].value.startswith("Der Zugang wird nur jetzt angezeigt")

    at.button(key="devices.revoke").click().run()
    assert not store.lookup(token).active
    assert events(data_dir)[-1] == ("token_revoked", "dora", {"device_id": "V1"})
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


def test_upload_only_takes_csv_and_xlsx(data_dir: Path) -> None:
    at = AppTest.from_file(UPLOAD_HARNESS, default_timeout=TIMEOUT)
    at.session_state[USER_KEY] = User("frida", "admin", NOW)
    at.run()
    uploader = at.get("file_uploader")[0].proto
    assert sorted(uploader.type) == [".csv", ".xlsx"]
    assert uploader.max_upload_size_mb == 50
