"""The live fleet view: tiles, alerts, charts and devices of a window, refreshed every 5 s."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from zakid_metrics import charts
from zakid_metrics.dashboard import data
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
ALERTS_SHOWN = 12
DEFAULT_WINDOW = "1h"
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

    @st.fragment(run_every=None if paused else REFRESH_S)
    def live() -> None:
        require_live_session()  # nothing internal is loaded past the session's end
        try:
            summary = data.fleet(DEFAULT_WINDOW if custom else window, custom)
        except ZakidError as error:
            show_error(error, lang)
            return
        _render(summary, lang, paused)

    live()


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


def _render(summary: FleetSummary, lang: str, paused: bool) -> None:
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
    _tiles(summary.kpis, lang)
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


def _number(value: float | None, lang: str, decimals: int) -> str:
    return format_number(value, lang, decimals)


def _tile(
    result: KpiResult, lang: str, value: str, note: str | None = None, label: str | None = None
) -> None:
    with st.container(border=True):
        st.metric(label or result.kpi.name(lang), value, help=result.kpi.definition(lang))
        if note:
            st.caption(note)


def _tiles(kpis: dict[str, KpiResult], lang: str) -> None:
    online, inferences = kpis["devices_online"], kpis["inferences_24h"]
    latency, speedup = kpis["latency_p95_fleet"], kpis["speedup_vs_cloud"]
    kept, energy = kpis["data_kept_on_device_share"], kpis["energy_per_inference_mwh"]
    breaches = kpis["slo_breaches"]
    first = st.columns(4)
    with first[0]:
        _tile(
            online,
            lang,
            _number(online.value, lang, 0),
            t(
                "fleet.online_of",
                lang,
                fleet=_number(online.details.get("devices_in_fleet"), lang, 0),
                offline=_number(online.details.get("devices_offline"), lang, 0),
            ),
        )
    with first[1]:
        _tile(
            inferences,
            lang,
            _number(inferences.value, lang, 0),
            label=t("fleet.inferences", lang),
            note=t(
                "fleet.readings",
                lang,
                readings=_number(inferences.details.get("readings"), lang, 0),
                degraded=_number(inferences.details.get("readings_degraded"), lang, 0),
                error=_number(inferences.details.get("readings_error"), lang, 0),
            ),
        )
    with first[2]:
        _tile(
            latency,
            lang,
            f"{_number(latency.value, lang, 1)} ms",
            t(
                "fleet.latency_mean",
                lang,
                mean=_number(latency.details.get("latency_ms_mean"), lang, 1),
                worst=_number(latency.details.get("latency_ms_p95_worst"), lang, 1),
            ),
        )
    with first[3]:
        _tile(
            speedup,
            lang,
            f"{_number(speedup.value, lang, 1)} ×",
            t(
                "fleet.deployments",
                lang,
                count=_number(speedup.details.get("deployments"), lang, 0),
            ),
        )
    second = st.columns(4)
    with second[0]:
        share = None if kept.value is None else kept.value * 100
        _tile(kept, lang, f"{_number(share, lang, 1)} %")
    with second[1]:
        # Milliwatt hours per inference are small: four significant places.
        places = 4 if energy.value is None or energy.value >= 0.001 else 6
        _tile(energy, lang, f"{_number(energy.value, lang, places)} mWh")
    with second[2]:
        _tile(
            breaches,
            lang,
            _number(breaches.value, lang, 0),
            t(
                "fleet.deployments",
                lang,
                count=_number(breaches.details.get("deployments_measured"), lang, 0),
            ),
        )


def _alert_text(alert: Alert, zone: ZoneInfo, lang: str) -> str:
    if alert.kind == "offline":
        return t(
            "fleet.alert.offline",
            lang,
            device=alert.device_id,
            deployment=alert.deployment_id,
            since=format_datetime(_local(alert.last_seen, zone), lang),
        )
    if alert.kind == "slo_breach":
        return t(
            "fleet.alert.slo_breach",
            lang,
            device=alert.device_id,
            deployment=alert.deployment_id,
            p95=_number(alert.latency_ms_p95, lang, 1),
            slo=_number(alert.latency_slo_ms, lang, 1),
        )
    return t(
        "fleet.alert.error",
        lang,
        device=alert.device_id,
        deployment=alert.deployment_id,
        count=_number(alert.readings_error, lang, 0),
    )


def _alerts(alerts: tuple[Alert, ...], zone: ZoneInfo, lang: str) -> None:
    st.subheader(t("fleet.alerts", lang))
    if not alerts:
        st.success(t("fleet.alerts.none", lang), icon=":material/check_circle:")
        return
    icons = {"offline": ":material/wifi_off:", "slo_breach": ":material/speed:"}
    for alert in alerts[:ALERTS_SHOWN]:
        text = _alert_text(alert, zone, lang)
        if alert.kind == "error":
            st.error(text, icon=":material/error:")
        else:
            st.warning(text, icon=icons[alert.kind])
    if len(alerts) > ALERTS_SHOWN:
        st.caption(t("fleet.alerts.more", lang, count=len(alerts) - ALERTS_SHOWN))


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
