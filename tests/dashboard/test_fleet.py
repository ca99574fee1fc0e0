"""The live fleet component on a store of readings from just now: tiles, alerts, devices."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

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
    warnings = [w.value for w in at.warning]
    assert warnings[0].startswith("DV2 (DP1) ist offline, zuletzt gemeldet ")
    assert warnings[1] == "DV4 (DP3): p95-Latenz 60,0 ms über dem Ziel von 40,0 ms."
    assert [e.value for e in at.error] == ["DV2 (DP1) meldet 1-mal den Status Fehler."]
    devices = at.dataframe[0].value
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
