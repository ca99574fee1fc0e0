"""The Hinweise page shows each role its active alerts; administrators also see the outbox's
failed deliveries; the Benachrichtigungen page subscribes an account."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.dashboard.conftest import SignIn
from tests.dashboard.test_pages import APP, TIMEOUT, build_warehouse
from zakid_metrics.alerts import Occurrence
from zakid_metrics.auth import Role, add_user
from zakid_metrics.dashboard.navigation import PAGES
from zakid_metrics.outbox import Message, apply, changing_state
from zakid_metrics.subscriptions import list_recipients

NOTICES = next(p for p in PAGES if p.url_path == "notices")
ALERTS = next(p for p in PAGES if p.url_path == "alerts")
T0 = dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC)
IDLE = {
    "grant_id": ("text", "G1"), "disbursement_id": ("text", "DB2"),
    "received_on": ("date", dt.date(2025, 5, 10)), "amount": ("eur", Decimal("1900.00")),
    "days_idle": ("number", 267), "interest": ("eur", Decimal("89.80")),
    "as_of": ("date", dt.date(2026, 6, 30)),
}  # fmt: skip
OVERDUE = {
    "entity": ("term", "entity.courses"), "loaded_on": ("date", dt.date(2026, 4, 1)),
    "age": ("number", 90), "days": ("number", 45),
}  # fmt: skip


def open_as(sign_in: SignIn, role: Role, script: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    sign_in(at, role)
    return at.run().switch_page(script).run()


def alerts_state(data_dir: Path) -> None:
    with changing_state(data_dir) as state:
        apply(
            state,
            {
                "idle_funds": [Occurrence("idle_funds", "G1:DB2", 1, IDLE)],
                "entity_overdue": [Occurrence("entity_overdue", "courses", 1, OVERDUE)],
                "slo_breach": None,
            },
            T0,
        )  # fmt: skip
        state.outbox.append(
            Message(
                id="m1", topic="idle_funds", event="fired", occurrence="idle_funds:G1:DB2@1",
                user="anna", to="anna@stadt.example", language="de", subject="ZaKI.D: Mittel",
                body="...", created_at=T0, attempts=2, next_try_at=T0,
                last_error="The mail server 127.0.0.1:2525 is not reachable: refused",
            )
        )  # fmt: skip


def test_a_viewer_sees_the_alerts_without_amounts(data_dir: Path, sign_in: SignIn) -> None:
    build_warehouse(data_dir, dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0))
    alerts_state(data_dir)
    at = open_as(sign_in, "viewer", NOTICES.script)
    assert not at.exception
    active = at.dataframe[0].value
    assert active["Regel"].tolist() == ["Lieferung überfällig"]
    assert active["Betreff"].tolist() == ["Lieferung überfällig: Lehrveranstaltungen"]
    assert "Bei der letzten Prüfung nicht beurteilbar" in at.info[0].value
    assert not at.warning  # the outbox is for administrators


def test_an_administrator_sees_every_alert_and_the_failed_delivery(
    data_dir: Path, sign_in: SignIn
) -> None:
    build_warehouse(data_dir, dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0))
    alerts_state(data_dir)
    at = open_as(sign_in, "admin", NOTICES.script)
    assert not at.exception
    assert at.dataframe[0].value["Betreff"].tolist() == [
        "Lieferung überfällig: Lehrveranstaltungen",
        "Nicht fristgerecht verwendete Mittel: DB2 (G1)",
    ]
    assert at.warning[0].value == (
        "1 Mail(s) konnten nicht zugestellt werden; sie werden erneut versucht. Letzter Fehler: "
        "The mail server 127.0.0.1:2525 is not reachable: refused"
    )
    outbox = at.dataframe[2].value
    assert outbox[["An", "Versuche"]].values.tolist() == [["anna@stadt.example", 2]]


def test_an_administrator_subscribes_an_account(data_dir: Path, sign_in: SignIn) -> None:
    build_warehouse(data_dir, dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0))
    at = open_as(sign_in, "admin", ALERTS.script)  # logged in first: it brings its accounts
    add_user("vera", "viewer", "vera-password-1", by="test", data_dir=data_dir)
    at.session_state["alerts.user"] = "vera"  # beside the signed-in test accounts
    at.run()
    assert not at.exception
    # A viewer is offered only what a viewer may receive.
    options = at.multiselect(key="alerts.topics.vera").options
    assert "Nicht fristgerecht verwendete Mittel" not in options
    at.text_input(key="alerts.email.vera").input("vera@stadt.example")
    at.multiselect(key="alerts.topics.vera").select("Gerät offline").select("Latenzziel verletzt")
    at.run()
    at.button(key="alerts.save").click().run()
    assert not at.exception
    assert at.success[0].value == "Gespeichert: vera erhält Gerät offline, Latenzziel verletzt."
    (vera,) = list_recipients(data_dir=data_dir)
    assert (vera.email, vera.topics) == ("vera@stadt.example", ("device_offline", "slo_breach"))
