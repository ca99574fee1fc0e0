"""The alert engine without mail: levels and resolutions, the role matrix, subscriptions."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest

from zakid_metrics.alerts import Occurrence
from zakid_metrics.auth import add_user, set_disabled
from zakid_metrics.digests import DIGESTS, period_due
from zakid_metrics.errors import AlertError
from zakid_metrics.outbox import State, apply, smtp_credentials, visible_alerts
from zakid_metrics.settings import get_settings
from zakid_metrics.subscriptions import (
    TOPIC_ROLES,
    deliveries,
    list_recipients,
    may_receive,
    subscribe,
    unsubscribe,
)

T0 = dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC)


def forecast(status: str | None) -> dict[str, list[Occurrence] | None]:
    levels = {"at_risk": 1, "off_track": 2}
    found = [] if status is None else [Occurrence("forecast_worse", "jobs", levels[status])]
    return {"forecast_worse": found}


def test_a_status_getting_worse_fires_each_time_and_a_recovery_resolves_once() -> None:
    state = State()
    steps = ["at_risk", "off_track", "at_risk", "at_risk", "off_track", None, None, "at_risk"]
    seen = []
    for minute, status in enumerate(steps):
        changes = apply(state, forecast(status), T0 + dt.timedelta(minutes=minute))
        seen.append([(c.event, c.level) for c in changes])
    assert seen == [
        [("fired", 1)],  # on track -> at risk
        [("fired", 2)],  # -> off track
        [],  # better again: quiet
        [],
        [("fired", 2)],  # worse again: fires again
        [("resolved", 2)],  # on track
        [],
        [("fired", 1)],  # a new occurrence
    ]
    assert state.active["forecast_worse:jobs"].since == T0 + dt.timedelta(minutes=7)


def test_a_rule_without_figures_keeps_its_occurrences() -> None:
    state = State()
    apply(state, forecast("off_track"), T0)
    assert apply(state, {"forecast_worse": None}, T0 + dt.timedelta(minutes=1)) == []
    assert list(state.active) == ["forecast_worse:jobs"] and state.unknown == ["forecast_worse"]
    assert [c.event for c in apply(state, forecast(None), T0)] == ["resolved"]
    assert state.unknown == []


def test_the_role_matrix() -> None:
    # Funding amounts and interest reach analysts and administrators only.
    assert TOPIC_ROLES == {
        "report_due": "viewer",
        "idle_funds": "analyst",
        "interest_threshold": "analyst",
        "premature_call": "analyst",
        "budget_line_over_20": "analyst",
        "forecast_worse": "viewer",
        "entity_overdue": "viewer",
        "rejected_rows": "viewer",
        "device_offline": "viewer",
        "slo_breach": "viewer",
        "weekly_kpis": "viewer",
        "monthly_quality": "viewer",
    }
    assert [t for t in TOPIC_ROLES if may_receive("viewer", t)] == [
        "report_due", "forecast_worse", "entity_overdue", "rejected_rows", "device_offline",
        "slo_breach", "weekly_kpis", "monthly_quality",
    ]  # fmt: skip
    assert all(may_receive("analyst", t) and may_receive("admin", t) for t in TOPIC_ROLES)


def test_the_notices_panel_shows_a_role_only_what_it_may_receive() -> None:
    state = State()
    apply(
        state,
        {
            "idle_funds": [Occurrence("idle_funds", "G1:DB2", 1)],
            "report_due": [Occurrence("report_due", "G5:final:2025-12-31", 3)],
        },
        T0,
    )
    assert [a.rule for a in visible_alerts(state, "viewer")] == ["report_due"]
    assert [a.rule for a in visible_alerts(state, "analyst")] == ["idle_funds", "report_due"]


@pytest.fixture
def accounts(data_dir: Path) -> Path:
    add_user("anna", "analyst", "anna-password-1", by="test", data_dir=data_dir)
    add_user("vera", "viewer", "vera-password-1", by="test", data_dir=data_dir)
    return data_dir


def test_subscriptions_are_checked_against_the_role_and_stored_privately(accounts: Path) -> None:
    with pytest.raises(AlertError, match=r"vera has the role viewer and may not receive: "
                       r"idle_funds \(analyst\)"):  # fmt: skip
        subscribe("vera", ["report_due", "idle_funds"], by="t", email="v@x.de", data_dir=accounts)
    with pytest.raises(AlertError, match="There is no user named 'otto'"):
        subscribe("otto", ["report_due"], by="t", email="o@x.de", data_dir=accounts)
    with pytest.raises(AlertError, match="has no mail address yet"):
        subscribe("vera", ["report_due"], by="t", data_dir=accounts)
    with pytest.raises(AlertError, match="'v@x' is not a mail address"):
        subscribe("vera", ["report_due"], by="t", email="v@x", data_dir=accounts)
    with pytest.raises(AlertError, match="Unknown topic"):
        subscribe("vera", ["report_late"], by="t", email="v@x.de", data_dir=accounts)
    subscribe("Vera", ["slo_breach"], by="t", email="v@x.de", language="en", data_dir=accounts)
    subscribe("vera", ["report_due"], by="t", data_dir=accounts)
    ((vera,),) = [list_recipients(data_dir=accounts)]
    assert (vera.user, vera.email, vera.language, vera.topics) == (
        "vera", "v@x.de", "en", ("report_due", "slo_breach"),
    )  # fmt: skip
    path = accounts / "alerts" / "subscriptions.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert unsubscribe("vera", ["slo_breach"], by="t", data_dir=accounts).topics == ("report_due",)
    assert unsubscribe("vera", None, by="t", data_dir=accounts) is None
    assert list_recipients(data_dir=accounts) == []


def test_a_disabled_account_receives_nothing(accounts: Path) -> None:
    subscribe("anna", ["idle_funds"], by="t", email="a@x.de", data_dir=accounts)
    (delivery,) = deliveries(data_dir=accounts)
    assert delivery.receives("idle_funds") and not delivery.receives("report_due")
    set_disabled("anna", True, by="t", data_dir=accounts)
    (delivery,) = deliveries(data_dir=accounts)
    assert delivery.role is None and not delivery.receives("idle_funds")


def test_digest_periods_start_at_the_set_weekday_and_hour(data_dir: Path) -> None:
    weekly, monthly = DIGESTS["weekly_kpis"], DIGESTS["monthly_quality"]
    monday_6 = dt.datetime(2026, 6, 29, 4, 59, tzinfo=dt.UTC)  # 06:59 in Berlin
    assert period_due(weekly, monday_6) == ("2026-W26", dt.date(2026, 6, 22))
    assert period_due(weekly, monday_6 + dt.timedelta(minutes=1)) == (
        "2026-W27",
        dt.date(2026, 6, 29),
    )
    assert period_due(monthly, dt.datetime(2026, 7, 1, 4, 59, tzinfo=dt.UTC)) == (
        "2026-06", dt.date(2026, 6, 1),
    )  # fmt: skip
    assert period_due(monthly, dt.datetime(2026, 7, 1, 5, 0, tzinfo=dt.UTC))[0] == "2026-07"


def test_smtp_credentials_come_from_the_settings(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZAKID_SMTP_USER", "zakid")
    monkeypatch.setenv("ZAKID_SMTP_PASSWORD", "from-the-environment")
    get_settings.cache_clear()
    assert smtp_credentials(get_settings()) == ("zakid", "from-the-environment")
    assert "from-the-environment" not in repr(get_settings())
