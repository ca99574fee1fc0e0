"""The read side on a hand-made store: fleet summary, devices, alerts, series, windows, cache."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from pipelines.collector.segments import append_readings, compact, segment_files
from tests.pipelines.collector.conftest import flush
from tests.zakid_metrics.kpis.conftest import (
    DELIVERY,
    MOMENT,
    build_telemetry,
    build_warehouse,
)
from zakid_metrics.errors import TelemetryWindowError
from zakid_metrics.telemetry import TELEMETRY_KPIS, FleetSummary, Window, fleet_summary
from zakid_metrics.telemetry_store import (
    READING_SCHEMA,
    ROLLUPS,
    connect,
    telemetry_dir,
)
from zakid_metrics.warehouse import read_snapshot

UTC = dt.UTC
HOUR = Window.last(dt.timedelta(hours=1), MOMENT)


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def summarise(data_dir: Path, window: Window) -> FleetSummary:
    with read_snapshot(data_dir) as con:
        return fleet_summary(con, data_dir, window)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The KPI fixture's warehouse and telemetry (tests/zakid_metrics/kpis/conftest.py)."""
    return build_telemetry(build_warehouse(tmp_path_factory.mktemp("fleet") / "data", DELIVERY))


def test_windows_are_whole_minutes_and_say_what_is_wrong() -> None:
    assert (HOUR.start, HOUR.end, HOUR.moment) == (
        utc("2026-06-30T11:01:00"),
        utc("2026-06-30T12:01:00"),
        MOMENT,
    )
    assert [Window.named(n, MOMENT).bucket for n in ("15m", "1h", "24h", "7d")] == [
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=1),
        dt.timedelta(minutes=5),
        dt.timedelta(hours=1),
    ]
    custom = Window.between(utc("2026-06-29T11:00:30"), utc("2026-06-29T12:00:10"), MOMENT)
    assert (custom.start, custom.end, custom.moment) == (
        utc("2026-06-29T11:00:00"),
        utc("2026-06-29T12:01:00"),
        utc("2026-06-29T12:00:10"),
    )
    # a window still running shows the present
    running = Window.between(utc("2026-06-30T11:00:00"), utc("2026-06-30T13:00:00"), MOMENT)
    assert running.moment == MOMENT
    with pytest.raises(TelemetryWindowError, match="ends before it starts"):
        Window.between(MOMENT, MOMENT - dt.timedelta(hours=1))
    with pytest.raises(TelemetryWindowError, match="longer than 31 days"):
        Window.between(MOMENT - dt.timedelta(days=32), MOMENT)
    with pytest.raises(TelemetryWindowError, match="has no time zone"):
        Window.last(dt.timedelta(hours=1), dt.datetime(2026, 6, 30, 12))
    with pytest.raises(TelemetryWindowError, match="no preset window '2h'"):
        Window.named("2h", MOMENT)


def test_the_fleet_in_the_hour(data_dir: Path) -> None:
    summary = summarise(data_dir, HOUR)
    loaded = summary.loaded
    # Two files of D (the day before has its own), the log's two readings, one a stored copy.
    assert (loaded.has_telemetry, loaded.rollup_files, loaded.tail_readings) == (True, 2, 2)
    assert set(summary.kpis) == set(TELEMETRY_KPIS)
    assert summary.kpis["devices_online"].value == 3
    assert summary.kpis["inferences_24h"].value == 950
    devices = summary.devices.set_index("device_id")
    assert list(devices.index) == ["DV1", "DV2", "DV3", "DV4", "DV5", "DV6", "DV7"]
    assert devices["status"].to_dict() == {
        "DV1": "online",
        "DV2": "offline",
        "DV3": "offline",
        "DV4": "online",
        "DV5": "never",
        "DV6": "offline",
        "DV7": "online",
    }
    # DV3 was removed on D: listed because it reported in the window, not part of the fleet
    assert devices["in_fleet"].to_dict()["DV3"] is False
    assert devices.loc["DV7", "condition"] == "error"
    assert devices.loc["DV3", "condition"] == "degraded"
    # DV1: 3 000 over 500 inferences; p95 6 000 over 500; its last reading at 12:00
    assert devices.loc["DV1", ["inferences", "latency_ms_mean", "latency_ms_p95"]].tolist() == [
        500,
        6.0,
        12.0,
    ]
    assert devices.loc["DV1", "last_seen"].to_pydatetime() == utc("2026-06-30T12:00:00")
    # DV6 reported only the day before; its latest reading is the one at 12:30
    assert devices.loc["DV6", "last_seen"].to_pydatetime() == utc("2026-06-29T12:30:00")
    assert [(a.kind, a.device_id) for a in summary.alerts] == [
        ("offline", "DV2"),
        ("offline", "DV6"),
        ("slo_breach", "DV2"),
        ("slo_breach", "DV4"),
        ("error", "DV7"),
    ]
    breach = next(a for a in summary.alerts if a.device_id == "DV4")
    assert (breach.latency_ms_p95, breach.latency_slo_ms) == (50.0, 40.0)


def test_the_series_per_minute(data_dir: Path) -> None:
    series = summarise(data_dir, HOUR).series
    assert len(series) == 60
    assert series["bucket"].iloc[0].to_pydatetime() == utc("2026-06-30T11:01:00")
    filled = series.dropna(subset=["readings"]).set_index("bucket")
    assert [t.strftime("%H:%M") for t in filled.index] == [
        "11:30",
        "11:50",
        "11:57",
        "11:58",
        "11:59",
        "12:00",
    ]
    # 11:57: DV2 200 at 10 ms, DV4's reading from the log 100 at 30 ms
    minute = filled.loc[utc("2026-06-30T11:57:00")]
    assert (minute["inferences"], minute["latency_ms_mean"]) == (300, 5000 / 300)
    # 11:58 lies in two files: DV1's 100 at 5 ms and 300 at 6 ms, p95 10 and 12 ms
    minute = filled.loc[utc("2026-06-30T11:58:00")]
    assert (minute["inferences"], minute["latency_ms_p95"]) == (400, (1000 + 3600) / 400)


def test_a_past_window_sees_what_was_known_then(data_dir: Path) -> None:
    window = Window.between(utc("2026-06-29T11:00:00"), utc("2026-06-29T12:01:00"), MOMENT)
    summary = summarise(data_dir, window)
    devices = summary.devices.set_index("device_id")
    # DV6's 12:30 reading lies after the end; DV1's readings of D too
    assert devices.loc["DV6", "last_seen"].to_pydatetime() == utc("2026-06-29T12:00:00")
    assert devices.loc["DV6", "status"] == "online"
    assert devices.loc["DV1", "status"] == "never"
    assert summary.kpis["devices_online"].value == 1


def test_a_refresh_sees_new_and_merged_files(data_dir: Path, tmp_path: Path) -> None:
    """Files are summarised once per process; a compaction replaces them, and that shows."""
    store = tmp_path / "data"
    build_warehouse(store, DELIVERY)
    readings = [
        {
            "device_id": "DV5",
            "seq": seq,
            "ts": utc("2026-06-30T11:40:00") + dt.timedelta(seconds=seq),
            "interval_s": 60,
            "inferences": 1,
            "latency_ms_mean": 1.0,
            "status": "ok",
            "received_at": utc("2026-06-30T11:41:00"),
        }
        for seq in range(9)
    ]
    before = summarise(store, HOUR)
    assert (before.loaded.has_telemetry, before.kpis["devices_online"].value) == (False, None)
    assert before.devices["status"].eq("never").all() and before.alerts == ()
    for reading in readings:  # as nine flushes of the collector
        flush(telemetry_dir(store), pa.Table.from_pylist([reading], schema=READING_SCHEMA))
    first = summarise(store, HOUR).devices.set_index("device_id")
    assert first.loc["DV5", ["readings", "status"]].tolist() == [9, "offline"]
    assert compact(telemetry_dir(store), "main", connect()) == 1
    assert len(segment_files(telemetry_dir(store), ROLLUPS)) == 1
    after = summarise(store, HOUR).devices.set_index("device_id")
    assert after.loc["DV5", ["readings", "last_seen"]].tolist() == [
        9,
        first.loc["DV5", "last_seen"],
    ]


def test_history_month_files_are_read_for_the_windows_they_cover(tmp_path: Path) -> None:
    """A history file's readings land in a file per UTC month; a window reads the month files
    that cover its days (and no other), combined with the collector's daily files."""
    store = tmp_path / "data"
    build_warehouse(store, DELIVERY)
    reading = {"device_id": "DV5", "interval_s": 60, "status": "ok", "latency_ms_mean": 1.0}
    received = {"received_at": utc("2026-06-30T11:59:00")}
    history = [
        {**reading, **received, "seq": n, "ts": ts, "inferences": inferences}
        for n, (ts, inferences) in enumerate(
            [
                (utc("2026-05-31T23:59:00"), 1000),  # May: outside every window below
                (utc("2026-06-30T11:30:00"), 7),
                (utc("2026-06-30T11:31:00"), 5),
            ]
        )
    ]
    append_readings(store, pa.Table.from_pylist(history, schema=READING_SCHEMA))
    tdir = telemetry_dir(store)
    assert [str(p.parent.relative_to(tdir)) for p in segment_files(tdir, ROLLUPS)] == [
        "history/rollups/month=2026-05",
        "history/rollups/month=2026-06",
    ]
    # The collector's flush of the same device, the same minute as a history reading.
    flushed = {**reading, **received, "seq": 3, "ts": utc("2026-06-30T11:31:30"), "inferences": 2}
    flush(tdir, pa.Table.from_pylist([flushed], schema=READING_SCHEMA))
    summary = summarise(store, HOUR)
    assert summary.loaded.rollup_files == 2  # June's month file and the day's file
    dv5 = summary.devices.set_index("device_id").loc["DV5"]
    assert dv5[["readings", "inferences"]].tolist() == [3, 14]
    may = summarise(store, Window.last(dt.timedelta(hours=1), utc("2026-05-31T23:59:30")))
    assert may.loaded.rollup_files == 1
    assert may.devices.set_index("device_id").loc["DV5", "inferences"] == 1000
