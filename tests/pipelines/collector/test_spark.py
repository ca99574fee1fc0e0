"""Spark reads the telemetry store as written and computes the read side's 24-hour figures.

The store is written by the collector's own code paths (its log flushed into segments, and the
bulk append of history files); Spark (local mode, on the machine's Java 17) reads the
hive-partitioned rollups of both trees (by day, and history by month) and the device registry
as Parquet, and answers the fleet summary's four figures with the query docs/DESIGN.md shows
for Trino.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pipelines.collector.segments import append_readings
from pipelines.collector.store import Collector
from pipelines.collector.validation import TsWindow, validate_reading
from tests.pipelines.collector.conftest import make_data_dir
from zakid_metrics.settings import get_settings
from zakid_metrics.telemetry import Window, fleet_summary
from zakid_metrics.telemetry_store import batches_to_table, telemetry_dir
from zakid_metrics.warehouse import read_snapshot

pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)

# The fleet summary of a window over the rollups (every file of both trees: the collector's
# by day, the history files' by month) and the registry; parameters :window_start,
# :window_end (whole minutes, UTC), :moment, :moment_date.
FLEET_SQL = """
WITH fleet AS (
    SELECT device_id, report_interval_s FROM devices
    WHERE (installed_on IS NULL OR installed_on <= :moment_date)
      AND (removed_on IS NULL OR removed_on > :moment_date)
),
seen AS (
    SELECT device_id, max(last_ts) AS last_seen FROM (
        SELECT device_id, minute, last_ts FROM daily_rollups
        UNION ALL
        SELECT device_id, minute, last_ts FROM history_rollups
    )
    WHERE minute < :window_end
    GROUP BY device_id
),
win AS (
    SELECT inferences, latency_ms_p95_sum, inferences_p95, bytes_on_device, bytes_uplinked
    FROM daily_rollups
    WHERE day BETWEEN to_date(:window_start) AND to_date(:window_end)
      AND minute >= :window_start AND minute < :window_end
    UNION ALL
    SELECT inferences, latency_ms_p95_sum, inferences_p95, bytes_on_device, bytes_uplinked
    FROM history_rollups
    WHERE month BETWEEN date_format(:window_start, 'yyyy-MM')
                    AND date_format(:window_end, 'yyyy-MM')
      AND minute >= :window_start AND minute < :window_end
)
SELECT
    (SELECT count(*) FROM fleet f JOIN seen s ON s.device_id = f.device_id
     WHERE unix_micros(s.last_seen)
           >= unix_micros(:moment) - 3 * f.report_interval_s * 1000000) AS devices_online,
    (SELECT sum(inferences) FROM win) AS inferences,
    (SELECT CAST(sum(latency_ms_p95_sum) AS DOUBLE) / CAST(sum(inferences_p95) AS DOUBLE)
     FROM win) AS latency_ms_p95,
    (SELECT CAST(sum(bytes_on_device) AS DOUBLE)
            / CAST(sum(bytes_on_device) + sum(bytes_uplinked) AS DOUBLE)
     FROM win) AS data_kept_on_device_share
"""
LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d %p %c: %m%n
"""


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local Spark for the module: one core, small memory, loopback only, quiet."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        pytest.fail("pyspark is missing: `make test` installs requirements-spark.txt")
    if shutil.which("java") is None:
        pytest.fail("Spark needs Java 17: apt-get install openjdk-17-jre-headless")
    tmp = tmp_path_factory.mktemp("spark")
    (tmp / "log4j2.properties").write_text(LOG4J)
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    session = (
        SparkSession.builder.master("local[1]")
        .appName("zakid-telemetry-test")
        .config("spark.driver.memory", "512m")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(tmp / "warehouse"))
        .config("spark.local.dir", str(tmp / "scratch"))
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.sql.codegen.wholeStage", "false")
        .config(
            "spark.driver.extraJavaOptions",
            # A short-lived JVM: the quick compiler only, the simple collector.
            "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC "
            f"-Dlog4j2.configurationFile=file:{tmp / 'log4j2.properties'} "
            f"-Dderby.system.home={tmp / 'derby'}",
        )
        .getOrCreate()
    )
    yield session
    session.stop()


MOMENT = dt.datetime.now(dt.UTC).replace(second=30, microsecond=0) - dt.timedelta(minutes=1)
"""The window's moment: the readings lie before it, within the collector's bounds of now."""


def reading(device: str, seq: int, ago: dt.timedelta, size: int) -> dict[str, Any]:
    """A reading `ago` before MOMENT; figures that add up exactly in binary floating point."""
    return {
        "device_id": device,
        "seq": seq,
        "ts": (MOMENT - ago).isoformat(),
        "inferences": 10 * size + seq % 3,
        "latency_ms_mean": 2.5,
        "latency_ms_p95": 4.0 + size + 0.25 * (seq % 4),
        "bytes_on_device": 1000 * size,
        "bytes_uplinked": 250 + seq % 5,
    }


def history() -> dict[str, list[dict[str, Any]]]:
    """D1 every 20 min over 30 h up to 2 min before the moment, D2 every 30 min over 20 h up
    to 1 min before, D3 only 26 to 25 h before (offline, outside the 24 h window)."""
    return {
        "D1": [reading("D1", n, dt.timedelta(minutes=2 + 20 * n), 1) for n in range(90)],
        "D2": [reading("D2", n, dt.timedelta(minutes=1 + 30 * n), 3) for n in range(40)],
        "D3": [reading("D3", n, dt.timedelta(hours=25, minutes=10 * n), 2) for n in range(7)],
    }


async def collect(data_dir: Path, readings: dict[str, list[dict[str, Any]]]) -> None:
    """D1 and D3 through the collector: log, fsync, then segments and rollups on close."""
    collector = Collector(data_dir, "spark", flush_seconds=600)
    collector.open()
    collector.start()
    for device in ("D1", "D3"):
        receipt = await collector.receive(device, readings[device])
        assert (receipt.accepted, receipt.rejected) == (len(readings[device]), [])
    await collector.close()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = make_data_dir(tmp_path_factory.mktemp("store"))
    readings = history()
    # In a thread of its own: the browser tests' Playwright keeps an event loop running in
    # the main thread for the whole session, where asyncio.run() refuses to start another.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, collect(data_dir, readings)).result()
    # D2 as a history file's readings: the bulk append (a file per UTC month).
    now_us = int(dt.datetime.now(dt.UTC).timestamp() * 1_000_000)
    window = TsWindow(now_us, 90, 5)
    rows = [validate_reading(r, 30, window) for r in readings["D2"]]
    assert append_readings(data_dir, batches_to_table([("D2", now_us, rows)])).accepted == 40
    return data_dir


def expected(window: Window) -> dict[str, Any]:
    """The four figures by hand from the readings."""
    inside = [
        r
        for rows in history().values()
        for r in rows
        if window.start
        <= dt.datetime.fromisoformat(r["ts"]).replace(second=0, microsecond=0)
        < window.end
    ]
    inferences = sum(r["inferences"] for r in inside)
    on_device = sum(r["bytes_on_device"] for r in inside)
    return {
        "devices_online": 2,  # D1 (2 min, 3 x 60 s) and D2 (1 min, 3 x 30 s); D3 offline
        "inferences": inferences,
        "latency_ms_p95": sum(r["latency_ms_p95"] * r["inferences"] for r in inside) / inferences,
        "data_kept_on_device_share": on_device
        / (on_device + sum(r["bytes_uplinked"] for r in inside)),
    }


def test_spark_computes_the_fleet_summary_of_the_read_side(
    spark: Any, store: Path, tmp_path: Path
) -> None:
    window = Window.last(dt.timedelta(hours=24), MOMENT)
    figures = expected(window)
    assert (
        0
        < figures["inferences"]
        < sum(r["inferences"] for rows in history().values() for r in rows)
    )
    with read_snapshot(store) as con:
        con.execute(
            "COPY (SELECT device_id, report_interval_s, installed_on, removed_on FROM devices) "
            "TO ? (FORMAT parquet)",
            [str(tmp_path / "devices.parquet")],
        )
        summary = fleet_summary(con, store, window)
    read_side = {
        "devices_online": summary.kpis["devices_online"].value,
        "inferences": summary.kpis["inferences_24h"].value,
        "latency_ms_p95": summary.kpis["latency_p95_fleet"].value,
        "data_kept_on_device_share": summary.kpis["data_kept_on_device_share"].value,
    }
    assert read_side == figures

    tdir = telemetry_dir(store)
    spark.read.parquet(str(tdir / "rollups")).createOrReplaceTempView("daily_rollups")
    monthly_tree = tdir / "history"
    spark.read.parquet(str(monthly_tree / "rollups")).createOrReplaceTempView("history_rollups")
    spark.read.parquet(str(tmp_path / "devices.parquet")).createOrReplaceTempView("devices")
    (row,) = spark.sql(
        FLEET_SQL,
        args={
            "window_start": window.start,
            "window_end": window.end,
            "moment": window.moment,
            "moment_date": window.moment.astimezone(ZoneInfo(get_settings().timezone)).date(),
        },
    ).collect()
    assert {**row.asDict(), "inferences": int(row["inferences"])} == figures
    # And the readings themselves: every one once, in the partition of its UTC day (the
    # collector's) or month (D2's, a history file's).
    daily = spark.read.parquet(str(tdir / "readings"))
    monthly = spark.read.parquet(str(monthly_tree / "readings"))
    assert daily.count() + monthly.count() == 90 + 40 + 7
    assert {r["device_id"] for r in monthly.select("device_id").distinct().collect()} == {"D2"}
    assert daily.where("day <> to_date(ts)").count() == 0
    assert monthly.where("month <> date_format(ts, 'yyyy-MM')").count() == 0
    assert {r["day"] for r in daily.select("day").distinct().collect()} == {
        dt.datetime.fromisoformat(r["ts"]).astimezone(dt.UTC).date()
        for device in ("D1", "D3")
        for r in history()[device]
    }
