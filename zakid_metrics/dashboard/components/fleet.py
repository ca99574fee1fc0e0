"""The live fleet view: tiles, alerts, charts and devices of a window, refreshed every 5 s."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from zakid_metrics import charts
from zakid_metrics.dashboard import data, public_data
from zakid_metrics.dashboard.components.choice import select_one
from zakid_metrics.dashboard.components.errors import show_error
from zakid_metrics.dashboard.components.figures import show_chart
from zakid_metrics.dashboard.components.login import require_live_session
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.errors import ZakidError
from zakid_metrics.i18n import format_datetime, format_number, t
from zakid_metrics.kpis import KpiResult
from zakid_metrics.settings import get_settings
from zakid_metrics.telemetry import WINDOW_NAMES, Alert, FleetSummary

REFRESH_S = 5
DEFAULT_WINDOW = "1h"
# The moment a preset window ends at instead of now (aware UTC), once the user jumped to the
# last reading; absent while the view is live.
UNTIL_KEY = "fleet.until"
# The devices table: what needs a look first.
_STATUS_ORDER = {"offline": 0, "never": 1, "online": 2}
DEVICE_COLUMNS = (
    "device_id",
    "deployment_id",
    "device_class",
    "status",
    "condition",
    "last_seen",
    "readings",
    "inferences",
    "latency_ms_mean",
    "latency_ms_p95",
    "latency_slo_ms",
    "readings_error",
)


def fleet_view(lang: str) -> None:
    """The live fleet with its window selector and pause switch (session keys `fleet.*`).

    The part below the controls is a fragment that reruns every REFRESH_S seconds on its own,
    without the page; paused, it stays as it is.
    """
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        window = select_one(
            t("fleet.window", lang),
            list(WINDOW_NAMES),
            key="fleet.window",
            lang=lang,
            format_func=lambda name: t(f"fleet.window.{name}", lang),
            default_index=WINDOW_NAMES.index(DEFAULT_WINDOW),
        )
    with right:
        paused = st.toggle(t("fleet.pause", lang), key="fleet.paused")
    custom = None
    if window == "custom":
        custom = _custom_range(lang)
        if custom is None:
            return
    until = None if custom else st.session_state.get(UNTIL_KEY)
    if until is not None:
        _past_moment(until, lang)

    @st.fragment(run_every=None if paused or until is not None else REFRESH_S)
    def live() -> None:
        require_live_session()  # nothing internal is loaded past the session's end
        try:
            summary = data.fleet(DEFAULT_WINDOW if custom else window, custom, until)
        except ZakidError as error:
            show_error(error, lang)
            return
        _render(summary, lang, paused, live=custom is None and until is None)

    live()


def _past_moment(until: dt.datetime, lang: str) -> None:
    """The view ends at a past moment (the last reading): say so, and offer the way back."""
    zone = ZoneInfo(get_settings().timezone)
    st.info(
        t("fleet.at_moment", lang, moment=format_datetime(until.astimezone(zone), lang)),
        icon=":material/history:",
    )
    if st.button(t("fleet.back_to_live", lang), key="fleet.back_to_live"):
        del st.session_state[UNTIL_KEY]
        st.rerun()


def _no_recent_readings(summary: FleetSummary, lang: str) -> bool:
    """In a live window without readings: say when the last one came and offer to show the
    window up to it; True when the window has no readings."""
    readings = summary.kpis["inferences_24h"].details.get("readings")
    if readings:
        return False
    last = summary.devices["last_seen"].max()
    if pd.isna(last):
        return False
    last = last.to_pydatetime()
    zone = ZoneInfo(get_settings().timezone)
    st.info(
        t("fleet.no_recent", lang, last=format_datetime(last.astimezone(zone), lang)),
        icon=":material/schedule:",
    )
    if st.button(t("fleet.jump", lang), key="fleet.jump", type="primary"):
        st.session_state[UNTIL_KEY] = last
        st.rerun()
    return True


def _custom_range(lang: str) -> tuple[dt.datetime, dt.datetime] | None:
    """Whole local days chosen by the user, as (start, end); None until both are chosen."""
    zone = ZoneInfo(get_settings().timezone)
    today = dt.datetime.now(zone).date()
    chosen = st.date_input(
        t("fleet.days", lang),
        value=(today - dt.timedelta(days=1), today),
        max_value=today,
        format="DD.MM.YYYY" if lang == "de" else "YYYY-MM-DD",
        key="fleet.days",
    )
    if not isinstance(chosen, tuple) or len(chosen) != 2:
        st.caption(t("fleet.days.pick_end", lang))
        return None
    first, last = chosen
    start = dt.datetime.combine(first, dt.time(), zone)
    return start, dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone)


def _local(moment: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    return None if moment is None else moment.astimezone(zone)


def _render(summary: FleetSummary, lang: str, paused: bool, *, live: bool) -> None:
    zone = ZoneInfo(get_settings().timezone)
    loaded = summary.loaded
    window = loaded.window
    st.caption(
        t(
            "fleet.freshness",
            lang,
            computed=_local(summary.computed_at, zone).strftime("%H:%M:%S"),
            received=format_datetime(_local(loaded.last_received_at, zone), lang),
            start=format_datetime(_local(window.start, zone), lang),
            end=format_datetime(_local(window.end, zone), lang),
            refresh=t("fleet.paused", lang) if paused else t("fleet.refresh", lang, s=REFRESH_S),
        )
    )
    if not loaded.has_telemetry:
        st.info(t("fleet.no_telemetry", lang), icon=":material/sensors_off:")
        return
    if live:
        _no_recent_readings(summary, lang)
    _tiles(summary.kpis, lang)
    _published(zone, lang)
    _alerts(summary.alerts, zone, lang)
    _charts(summary.series, zone, lang)
    st.subheader(t("fleet.devices", lang))
    devices = summary.devices.assign(
        last_seen=summary.devices["last_seen"].dt.tz_convert(zone).dt.tz_localize(None),
        order=summary.devices["status"].map(_STATUS_ORDER),
    ).sort_values(["order", "device_id"])
    download_table(
        devices[list(DEVICE_COLUMNS)],
        "fleet.devices",
        lang,
        values={
            "device_class": "device_class",
            "status": "fleet_status",
            "condition": "reading_status",
        },
    )
    st.caption(t("fleet.devices.caption", lang))


def _published(zone: ZoneInfo, lang: str) -> None:
    """The devices online as the open data publish them, with their moment: the public figure
    is the fleet at the last reading before the export, this view is the fleet now."""
    export = public_data.export()
    fleet = None if export is None else export.table("fleet")
    meta = None if export is None else export.dataset_metadata("fleet")
    if fleet is None or meta is None:
        return
    row = fleet.set_index("measure").loc["devices_online"]
    end = pd.Timestamp(meta["temporal"]["endDate"]).tz_convert(zone).to_pydatetime()
    value = "." if row["suppressed"] else _number(row["value"], lang, 0)
    st.caption(t("fleet.published", lang, value=value, moment=format_datetime(end, lang)))


def _number(value: float | None, lang: str, decimals: int) -> str:
    return format_number(value, lang, decimals)


class _Tile(NamedTuple):
    result: KpiResult
    value: str
    note: str | None = None
    label: str | None = None


def _note(result: KpiResult, key: str, lang: str, decimals: int = 0, **details: str) -> str:
    """The text `key`, each placeholder set to a number among the details of `result`."""
    found = result.details
    return t(
        key, lang, **{name: _number(found.get(d), lang, decimals) for name, d in details.items()}
    )


def _tiles(kpis: dict[str, KpiResult], lang: str) -> None:
    online, inferences = kpis["devices_online"], kpis["inferences_24h"]
    latency, speedup = kpis["latency_p95_fleet"], kpis["speedup_vs_cloud"]
    kept, energy = kpis["data_kept_on_device_share"], kpis["energy_per_inference_mwh"]
    breaches = kpis["slo_breaches"]
    share = None if kept.value is None else kept.value * 100
    # Milliwatt hours per inference are small: four significant places.
    places = 4 if energy.value is None or energy.value >= 0.001 else 6
    rows = (
        (
            _Tile(
                online,
                _number(online.value, lang, 0),
                _note(
                    online,
                    "fleet.online_of",
                    lang,
                    fleet="devices_in_fleet",
                    offline="devices_offline",
                ),
            ),
            _Tile(
                inferences,
                _number(inferences.value, lang, 0),
                _note(
                    inferences,
                    "fleet.readings",
                    lang,
                    readings="readings",
                    degraded="readings_degraded",
                    error="readings_error",
                ),
                t("fleet.inferences", lang),
            ),
            _Tile(
                latency,
                f"{_number(latency.value, lang, 1)} ms",
                _note(
                    latency,
                    "fleet.latency_mean",
                    lang,
                    1,
                    mean="latency_ms_mean",
                    worst="latency_ms_p95_worst",
                ),
            ),
            _Tile(
                speedup,
                f"{_number(speedup.value, lang, 1)} ×",
                _note(speedup, "fleet.deployments", lang, count="deployments"),
            ),
        ),
        (
            _Tile(kept, f"{_number(share, lang, 1)} %"),
            _Tile(energy, f"{_number(energy.value, lang, places)} mWh"),
            _Tile(
                breaches,
                _number(breaches.value, lang, 0),
                _note(breaches, "fleet.deployments", lang, count="deployments_measured"),
            ),
        ),
    )
    for row in rows:
        for column, (result, value, note, label) in zip(st.columns(4), row, strict=False):
            with column, st.container(border=True):
                st.metric(label or result.kpi.name(lang), value, help=result.kpi.definition(lang))
                if note:
                    st.caption(note)


# Per kind of alert: the notice's icon, and the columns of its table of devices.
ALERT_KINDS = {
    "offline": (":material/wifi_off:", ("device_id", "deployment_id", "last_seen")),
    "error": (":material/error:", ("device_id", "deployment_id", "readings_error")),
    "slo_breach": (
        ":material/speed:",
        ("device_id", "deployment_id", "latency_ms_p95", "latency_slo_ms"),
    ),
}


def _alerts(alerts: tuple[Alert, ...], zone: ZoneInfo, lang: str) -> None:
    """One notice per kind of alert with its count, and the devices in a table below it: a
    fleet with 143 devices offline is one notice, not 143."""
    st.subheader(t("fleet.alerts", lang))
    if not alerts:
        st.success(t("fleet.alerts.none", lang), icon=":material/check_circle:")
        return
    for kind, (icon, columns) in ALERT_KINDS.items():
        found = [alert for alert in alerts if alert.kind == kind]
        if not found:
            continue
        text = t(f"fleet.alerts.{kind}", lang, count=_number(len(found), lang, 0))
        (st.error if kind == "error" else st.warning)(text, icon=icon)
        table = pd.DataFrame(
            [
                {
                    "device_id": alert.device_id,
                    "deployment_id": alert.deployment_id,
                    "last_seen": alert.last_seen,
                    "readings_error": alert.readings_error,
                    "latency_ms_p95": alert.latency_ms_p95,
                    "latency_slo_ms": alert.latency_slo_ms,
                }
                for alert in found
            ]
        )
        if "last_seen" in columns:
            table["last_seen"] = pd.to_datetime(table["last_seen"], utc=True)
            table["last_seen"] = table["last_seen"].dt.tz_convert(zone).dt.tz_localize(None)
        download_table(table[list(columns)], f"fleet.alerts.{kind}", lang)


def _charts(series: pd.DataFrame, zone: ZoneInfo, lang: str) -> None:
    frame = series.assign(bucket=series["bucket"].dt.tz_convert(zone).dt.tz_localize(None))
    left, right = st.columns(2)
    with left:
        columns = ["bucket", "latency_ms_mean", "latency_ms_p95"]
        show_chart(
            charts.timeline(
                frame,
                "bucket",
                [(c, t(f"fleet.series.{c}", lang)) for c in columns[1:]],
                lang,
                title=t("fleet.latency_chart", lang),
                number=",.1f",
            ),
            frame[columns],
            "fleet.latency",
            lang,
        )
    with right:
        columns = ["bucket", "inferences"]
        show_chart(
            charts.timeline(
                frame,
                "bucket",
                [("inferences", t("fleet.series.inferences", lang))],
                lang,
                title=t("fleet.inferences_chart", lang),
                bars=True,
            ),
            frame[columns],
            "fleet.inferences",
            lang,
        )
