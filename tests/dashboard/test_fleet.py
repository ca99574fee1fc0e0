"""The live fleet component on a store of readings from just now: tiles, alerts, devices."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
from streamlit.testing.v1 import AppTest

from pipelines.collector.segments import append_readings
from tests.zakid_metrics.kpis.conftest import DELIVERY, build_warehouse
from zakid_metrics.telemetry_store import READING_SCHEMA

TIMEOUT = 30


def fleet_page() -> None:
    from zakid_metrics.dashboard.components.fleet import fleet_view
    from zakid_metrics.dashboard.components.language import current_language

    fleet_view(current_language())


def reading(device: str, seconds_ago: int, inferences: int, **fields: object) -> dict[str, object]:
    now = dt.datetime.now(dt.UTC)
    return {
        "device_id": device,
        "seq": 1,
        "ts": now - dt.timedelta(seconds=seconds_ago),
        "interval_s": 60,
        "inferences": inferences,
        "status": "ok",
        "received_at": now,
        **fields,
    }


def test_the_fleet_of_the_last_hour(data_dir: Path) -> None:
    build_warehouse(data_dir, DELIVERY)
    readings = [
        # DV1 (DP1, objective 20 ms): fine
        reading("DV1", 20, 300, latency_ms_mean=4.0, latency_ms_p95=8.0, energy_mwh=0.3,
                bytes_on_device=3000, bytes_uplinked=0),
        # DV4 (DP3, objective 40 ms): too slow, and degraded
        reading("DV4", 30, 100, latency_ms_mean=30.0, latency_ms_p95=60.0, energy_mwh=0.7,
                bytes_on_device=1000, bytes_uplinked=1000, status="degraded"),
        # DV2 (DP1): an error, 10 minutes ago: offline now
        reading("DV2", 600, 0, status="error"),
    ]  # fmt: skip
    append_readings(data_dir, pa.Table.from_pylist(readings, schema=READING_SCHEMA))
    at = AppTest.from_function(fleet_page, default_timeout=TIMEOUT).run()
    assert not at.exception
    tiles = {metric.label: metric.value for metric in at.metric}
    # The fleet on today's date: DV1 to DV8 but DV3 (removed on 2026-06-30); DV1, DV4 online.
    assert tiles == {
        "Geräte online": "2",
        "Inferenzen im Zeitfenster": "400",
        # p95 8 x 300 + 60 x 100 over 400
        "Latenz p95 der Flotte": "21,0 ms",
        # DP1 120 / 4 ms = 30, DP3 250 / 30 ms = 8.33: median 19.17
        "Beschleunigung gegenüber der Cloud": "19,2 ×",
        "Auf dem Gerät verbliebene Daten": "80,0 %",
        "Energie je Inferenz": "0,0025 mWh",
        "Verletzte Latenzziele": "1",
    }
    captions = " ".join(caption.value for caption in at.caption)
    assert "von 7 Geräten der Flotte · 5 offline" in captions
    assert "3 Messwerte · 1 eingeschränkt · 1 Fehler" in captions
    # One notice per kind of alert with its count, the devices in a table under it.
    assert [w.value for w in at.warning] == [
        "Geräte der Flotte offline: 1. Die Tabelle nennt, wann jedes zuletzt gemeldet hat.",
        "Geräte mit einer p95-Latenz über dem Ziel ihres Einsatzes: 1.",
    ]
    assert [e.value for e in at.error] == ["Geräte mit dem Status Fehler im Zeitfenster: 1."]
    offline, errors, slow = (at.dataframe[i].value for i in range(3))
    assert offline["Gerät"].tolist() == ["DV2"]
    assert errors[["Gerät", "Einsatz-ID", "Fehlermeldungen"]].values.tolist() == [
        ["DV2", "DP1", "1"]
    ]
    assert slow["Gerät"].tolist() == ["DV4"]
    devices = at.dataframe[3].value
    assert list(devices["Gerät"][:3]) == ["DV2", "DV5", "DV6"]  # offline first
    assert set(devices["Status"]) == {"offline", "nie gemeldet", "online"}
    assert at.session_state["fleet.window"] == "1h"


def test_without_telemetry_the_view_says_how_to_start_it(data_dir: Path) -> None:
    build_warehouse(data_dir, DELIVERY)
    at = AppTest.from_function(fleet_page, default_timeout=TIMEOUT)
    at.session_state["app.language"] = "en"
    at.run()
    assert not at.exception
    assert at.info[0].value.startswith("No telemetry yet: no device has sent a reading.")
    at.toggle(key="fleet.paused").set_value(True).run()
    assert "· paused" in at.caption[0].value


def test_a_window_without_readings_offers_the_last_reading(data_dir: Path) -> None:
    """Readings of three days ago: the live hour is empty, so the view says when the last one
    came and jumps there on request (the devices online then), and back to live."""
    build_warehouse(data_dir, DELIVERY)
    days = 3 * 24 * 3600
    readings = [
        reading("DV1", days, 300, seq=1),
        reading("DV1", days - 60, 200, seq=2),
        reading("DV4", days - 30, 100),
    ]
    append_readings(data_dir, pa.Table.from_pylist(readings, schema=READING_SCHEMA))
    at = AppTest.from_function(fleet_page, default_timeout=TIMEOUT).run()
    assert not at.exception
    last = readings[1]["ts"].astimezone(ZoneInfo("Europe/Berlin"))  # type: ignore[attr-defined]
    assert at.info[0].value == (
        f"Im gewählten Zeitfenster kam kein Messwert. Der letzte kam am {last:%d.%m.%Y %H:%M}."
    )
    assert {m.label: m.value for m in at.metric}["Geräte online"] == "0"
    at.button(key="fleet.jump").click().run()
    assert not at.exception
    assert at.info[0].value.startswith(f"Ansicht bis zur letzten Meldung am {last:%d.%m.%Y %H:%M}")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Geräte online"] == "2"
    assert tiles["Inferenzen im Zeitfenster"] == "600"  # the hour up to the last reading
    at.button(key="fleet.back_to_live").click().run()
    assert "fleet.until" not in at.session_state
    assert at.info[0].value.startswith("Im gewählten Zeitfenster kam kein Messwert.")
