"""Benchmark: a live fleet refresh over a store of 100 M readings, and the app process' memory.

The store: 1 000 devices reporting every 6 s for the 7 days up to now, as the collector leaves
it after compaction (one rollup file per UTC day, 10 M device-minutes = 100.8 M readings) plus
a log tail of the last seconds not in a segment yet. The raw segments are left out: the read
side never reads them (zakid_metrics/telemetry.py), so they only would cost disk and time.
Generated set-wise by DuckDB into a temporary directory, once per run.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from bench.common import Figure
from pipelines.collector.segments import segment_name
from pipelines.collector.wal import LogWriter, encode
from zakid_metrics.contract import READING_FIELDS
from zakid_metrics.telemetry_store import (
    ROLLUP_COLUMNS,
    ROLLUP_ROW_GROUP_ROWS,
    ROLLUPS,
    connect,
    telemetry_dir,
)
from zakid_metrics.warehouse import next_snapshot

ROOT = Path(__file__).resolve().parent.parent
DEVICES = 1_000
DAYS = 7
READINGS_PER_MINUTE = 10  # every 6 s
REFRESHES = 15
BUDGET_MS = 250.0
BUDGET_RSS_MB = 1_536.0

# The app side in its own process, so its peak memory is its own: refreshes as the live page
# does them (a fresh read-only connection each), the first one (cold cache) apart.
REFRESH_SCRIPT = f"""
import json, resource, statistics, sys, time
from pathlib import Path
from zakid_metrics.telemetry import Window, fleet_summary
from zakid_metrics.warehouse import read_snapshot

data_dir, refreshes = Path(sys.argv[1]), int(sys.argv[2])

def refresh(name):
    started = time.perf_counter()
    with read_snapshot(data_dir) as con:
        summary = fleet_summary(con, data_dir, Window.named(name))
    assert len(summary.devices) == {DEVICES} and summary.kpis["inferences_24h"].value > 0
    return (time.perf_counter() - started) * 1000

figures = {{"cold_1h": refresh("1h")}}
for name in ("1h", "15m", "24h", "7d"):
    figures[name] = statistics.median(refresh(name) for _ in range(refreshes))
figures["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(figures))
"""


def write_warehouse(data_dir: Path) -> None:
    """DEVICES devices in 100 deployments of one project, inserted set-wise."""
    with next_snapshot(data_dir) as con:
        provenance = "1, 'bench', 2, false"
        con.execute(
            "INSERT INTO companies (company_id, name, employees, postal_code, joined_on, "
            f"size_class, size_class_by_headcount_only, is_sme, in_duisburg, _run_id, _file, "
            f"_line, _stale) VALUES ('C1', 'Bench GmbH', 12, '47051', DATE '2025-01-01', "
            f"'small', true, true, true, {provenance})"
        )
        con.execute(
            "INSERT INTO projects (project_id, title, company_id, partner, use_case, status, "
            "started_on, _run_id, _file, _line, _stale) VALUES ('P1', 'Bench', 'C1', 'UDE', "
            f"'other', 'production', DATE '2025-02-01', {provenance})"
        )
        con.execute(
            "INSERT INTO deployments (deployment_id, project_id, model_name, went_live_on, "
            "data_policy, cloud_baseline_latency_ms, latency_slo_ms, _run_id, _file, _line, "
            "_stale) SELECT 'DEP' || i, 'P1', 'bench', DATE '2025-03-01', 'on_device_only', "
            f"200 + i, 40, {provenance} FROM range(100) t(i)"
        )
        con.execute(
            "INSERT INTO devices (device_id, deployment_id, device_class, report_interval_s, "
            "_run_id, _file, _line, _stale) SELECT 'B' || lpad(i::VARCHAR, 4, '0'), "
            f"'DEP' || (i % 100), 'fpga', 6, {provenance} FROM range({DEVICES}) t(i)"
        )


def write_rollups(data_dir: Path, now: dt.datetime) -> int:
    """One rollup file per UTC day, as compaction leaves them: sorted by minute, in row
    groups of ROLLUP_ROW_GROUP_ROWS. Returns the device-minutes written."""
    tdir = telemetry_dir(data_dir)
    end = int(now.timestamp()) // 60 * 60
    start = end - DAYS * 86_400
    values = {
        "readings": str(READINGS_PER_MINUTE),
        "inferences": "30 + (d * 7 + m) % 50",
        "latency_ms_sum": "(30 + (d * 7 + m) % 50) * (4.0 + d % 9)",
        "latency_ms_p95_sum": "(30 + (d * 7 + m) % 50) * (6.0 + d % 9)",
        "inferences_p95": "30 + (d * 7 + m) % 50",
        "latency_ms_p95_max": "6.0 + d % 9",
        "latency_ms_max": "12.0 + d % 9",
        "energy_mwh": "0.5 + (m % 7) / 10",
        "inferences_energy": "30 + (d * 7 + m) % 50",
        "bytes_on_device": "(30 + (d * 7 + m) % 50) * 4096",
        "bytes_uplinked": "d % 3",
        "temperature_c_max": "40.0 + m % 5",
        "readings_ok": str(READINGS_PER_MINUTE),
        "readings_degraded": "0",
        "readings_error": "0",
        "interval_s": str(6 * READINGS_PER_MINUTE),
        "first_ts": "to_timestamp(m * 60 + 6)",
        "last_ts": "to_timestamp(m * 60 + 60)",
        "last_received_at": "to_timestamp(m * 60 + 61)",
    }
    assert list(values) == [c.name for c in ROLLUP_COLUMNS]
    columns = ", ".join(
        f"CAST({sql} AS {c.type}) AS {c.name}"
        for c, sql in zip(ROLLUP_COLUMNS, values.values(), strict=True)
    )
    con = connect()
    for day_start in range(start - start % 86_400, end, 86_400):
        first, last = max(day_start, start) // 60, min(day_start + 86_400, end) // 60
        path = tdir / ROLLUPS / f"day={dt.datetime.fromtimestamp(day_start, dt.UTC).date()}"
        path.mkdir(parents=True, exist_ok=True)
        con.execute(
            f"COPY (SELECT 'B' || lpad(d::VARCHAR, 4, '0') AS device_id, "
            f"to_timestamp(m * 60) AS minute, {columns} "
            f"FROM range({first}, {last}) a(m), range({DEVICES}) b(d) ORDER BY m, d) "
            f"TO '{path / segment_name('main')}' "
            f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROLLUP_ROW_GROUP_ROWS})"
        )
    ((minutes,),) = con.execute(
        "SELECT count(*) FROM read_parquet(?)", [str(tdir / ROLLUPS / "*" / "*.parquet")]
    ).fetchall()
    con.close()
    return minutes


def write_tail(data_dir: Path, now: dt.datetime) -> int:
    """Each device's reading of the last seconds, acknowledged in the collector's log."""
    names = [f.name for f in READING_FIELDS]
    now_us = int(now.timestamp() * 1_000_000)
    values = {"ts": now_us, "seq": now_us // 1_000_000, "interval_s": 6, "inferences": 5,
              "latency_ms_mean": 4.0, "latency_ms_p95": 6.0, "status": "ok"}  # fmt: skip
    records = [
        encode(device, now_us, [[{**values, "device_id": device}.get(n) for n in names]])
        for device in (f"B{n:04d}" for n in range(DEVICES))
    ]
    LogWriter(telemetry_dir(data_dir) / "wal" / "main").append(records)
    return DEVICES


def run() -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        started = time.perf_counter()
        now = dt.datetime.now(dt.UTC)
        write_warehouse(data_dir)
        minutes = write_rollups(data_dir, now)
        write_tail(data_dir, now)
        generated = time.perf_counter() - started
        print(
            f"  store: {minutes:,} device-minutes = {minutes * READINGS_PER_MINUTE:,} readings, "
            f"generated in {generated:.0f} s",
            file=sys.stderr,
        )
        with duckdb.connect() as con:
            pattern = str(telemetry_dir(data_dir) / ROLLUPS / "*" / "*.parquet")
            started = time.perf_counter()
            for _ in range(REFRESHES):
                con.execute("SELECT count(*) FROM read_parquet(?)", [pattern]).fetchall()
            count_ms = (time.perf_counter() - started) / REFRESHES * 1000
            started = time.perf_counter()
            con.execute(
                "SELECT device_id, sum(inferences), max(last_ts) FROM read_parquet(?) "
                "GROUP BY device_id",
                [pattern],
            ).fetchall()
            scan_ms = (time.perf_counter() - started) * 1000
        done = subprocess.run(
            [sys.executable, "-c", REFRESH_SCRIPT, str(data_dir), str(REFRESHES)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"the refreshing process failed:\n{done.stderr}")
        ms = json.loads(done.stdout.splitlines()[-1])
    reference = "duckdb count(*) over the rollups"
    whole = "duckdb scan of all rollups by device"
    return [
        Figure("live refresh, 1 h window (100 M readings stored)", ms["1h"], "ms", BUDGET_MS,
               reference, count_ms),
        Figure("live refresh, 15 min window", ms["15m"], "ms", BUDGET_MS, reference, count_ms),
        Figure("live refresh, 24 h window", ms["24h"], "ms", BUDGET_MS, reference, count_ms),
        Figure("live refresh, 7 d window (every rollup)", ms["7d"], "ms", BUDGET_MS, whole,
               scan_ms),
        Figure("first refresh of a new app process (1 h)", ms["cold_1h"], "ms", None, whole,
               scan_ms),
        Figure("app process peak RSS after all refreshes", ms["rss_mb"], "MB", BUDGET_RSS_MB),
    ]  # fmt: skip
