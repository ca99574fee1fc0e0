"""Fleet summaries over the telemetry store: minute rollups plus the log tail, never raw history.

A window is loaded onto a DuckDB connection as temporary tables (`load_window`), which the
telemetry KPIs of the registry and the fleet view read:
    telemetry_window    one row: window_start, window_end (whole minutes, UTC), moment (the
                        time whose online status counts), moment_date (its local date),
                        has_telemetry, last_received_at, bucket_s
    telemetry_devices   per device seen up to window_end: the rollup columns combined over the
                        window (NULL without readings in it), last_seen (its latest ts) and
                        last_status (the worst status of its last minute)
    telemetry_buckets   per bucket of bucket_s seconds in the window: the rollup columns
                        combined over all devices (NULL for a bucket without readings)
Rollup files are immutable, so what a file says about its devices' last readings, and what it
adds to a window that holds all of it, are cached per process: a refresh reads only the row
groups at the window's edges, new files and the log tail.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from zakid_metrics.errors import TelemetryWindowError
from zakid_metrics.kpis import KPIS, TELEMETRY_WINDOW_TABLE, KpiResult, compute_all
from zakid_metrics.settings import get_settings
from zakid_metrics.telemetry_store import (
    READING_SCHEMA,
    READINGS,
    ROLLUPS,
    batches_to_table,
    combined_columns,
    files_covering,
    logged_batches,
    rollup_sql,
    segment_files,
    telemetry_dir,
    telemetry_lock,
)

WindowName = Literal["15m", "1h", "24h", "7d", "custom"]
WINDOW_NAMES: tuple[WindowName, ...] = get_args(WindowName)
WINDOW_LENGTHS: dict[str, dt.timedelta] = {
    "15m": dt.timedelta(minutes=15),
    "1h": dt.timedelta(hours=1),
    "24h": dt.timedelta(hours=24),
    "7d": dt.timedelta(days=7),
}
MAX_WINDOW = dt.timedelta(days=31)
MINUTE = dt.timedelta(minutes=1)
BUCKETS = tuple(dt.timedelta(minutes=m) for m in (1, 5, 15, 60, 6 * 60, 24 * 60))
MAX_POINTS = 300
"""A time series takes the first of BUCKETS that gives at most this many points."""
TELEMETRY_KPIS = tuple(kpi.id for kpi in KPIS.values() if kpi.reads_telemetry)
"""The registry's KPIs that read a telemetry window (source `telemetry`)."""
# A log record can reach a segment only after it was received; this covers clock steps.
_CLOCK_SLACK_S = 2.0
_STATUS = "CASE WHEN {errors} > 0 THEN 'error' WHEN {degraded} > 0 THEN 'degraded' ELSE 'ok' END"


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise TelemetryWindowError(
            f"The time {moment.isoformat()} has no time zone.",
            "Give times with their zone, e.g. datetime.now(ZoneInfo('Europe/Berlin')).",
        )
    return moment.astimezone(dt.UTC)


def _floor_minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


@dataclass(frozen=True)
class Window:
    """Whole minutes [start, end) in UTC, and the moment whose online status they show."""

    start: dt.datetime
    end: dt.datetime
    moment: dt.datetime

    @classmethod
    def last(cls, length: dt.timedelta, now: dt.datetime | None = None) -> Window:
        """The `length` up to `now` in whole minutes, the minute holding `now` included."""
        now = _utc(now or dt.datetime.now(dt.UTC))
        end = _floor_minute(now) + MINUTE
        return cls._checked(end - max(length, MINUTE), end, now)

    @classmethod
    def named(cls, name: str, now: dt.datetime | None = None) -> Window:
        """One of the preset windows 15m, 1h, 24h, 7d, up to `now`."""
        if name not in WINDOW_LENGTHS:
            raise TelemetryWindowError(
                f"There is no preset window {name!r}.",
                f"Choose one of {', '.join(WINDOW_LENGTHS)} or give start and end.",
            )
        return cls.last(WINDOW_LENGTHS[name], now)

    @classmethod
    def between(
        cls, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None
    ) -> Window:
        """A custom window from `start` to `end`, widened to whole minutes; its moment is
        `end`, or `now` while the window is still running."""
        start, end = _utc(start), _utc(end)
        now = _utc(now or dt.datetime.now(dt.UTC))
        if end <= start:
            raise TelemetryWindowError(
                f"The window {start.isoformat()} – {end.isoformat()} ends before it starts.",
                "Choose an end after the start.",
            )
        last = _floor_minute(end) if end == _floor_minute(end) else _floor_minute(end) + MINUTE
        return cls._checked(_floor_minute(start), last, min(end, now))

    @classmethod
    def _checked(cls, start: dt.datetime, end: dt.datetime, moment: dt.datetime) -> Window:
        if end - start > MAX_WINDOW:
            raise TelemetryWindowError(
                f"The window {start.isoformat()} – {end.isoformat()} is longer than "
                f"{MAX_WINDOW.days} days.",
                f"Choose at most {MAX_WINDOW.days} days; longer periods belong in a report.",
            )
        return cls(start, end, moment)

    @property
    def bucket(self) -> dt.timedelta:
        """The width of a time-series point: at most MAX_POINTS points over the window."""
        length = self.end - self.start
        return next((b for b in BUCKETS if length / b <= MAX_POINTS), BUCKETS[-1])

    def days(self) -> list[dt.date]:
        """The UTC days the window touches."""
        first, last = self.start.date(), (self.end - dt.timedelta(microseconds=1)).date()
        return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


@dataclass(frozen=True)
class LoadedWindow:
    """What `load_window` found: whether there is telemetry, how fresh, what it read."""

    window: Window
    has_telemetry: bool
    last_received_at: dt.datetime | None  # aware UTC
    rollup_files: int  # files of the window's days
    tail_readings: int  # acknowledged readings from the log, not in a segment yet


# --- What each rollup file says about its devices' last readings (cached per process) -------


def _seen_sql(source: str, keys: str = "device_id") -> str:
    """Per `keys`: first and last minute, last reading and receipt, and the last minute's
    error and degraded counts (a rollup file has one row per device and minute)."""
    return (
        f"SELECT {keys}, min(minute) AS first_minute, max(minute) AS last_minute, "
        "max(last_ts) AS last_seen, max(last_received_at) AS last_received_at, "
        "arg_max(readings_error, minute) AS errors_last, "
        "arg_max(readings_degraded, minute) AS degraded_last "
        f"FROM {source} GROUP BY {keys}"
    )


@dataclass(frozen=True)
class _Seen:
    table: pa.Table  # _seen_sql's columns for the devices of one file
    first_minute: dt.datetime
    last_minute: dt.datetime


_SEEN_CACHE: dict[Path, dict[str, _Seen]] = {}  # per telemetry directory, by file
# Per telemetry directory, by (file, bucket seconds): what a file adds to a window that holds
# all of it, grouped as _groups_sql groups.
_GROUPS_CACHE: dict[Path, dict[tuple[str, int], pa.Table]] = {}
_CACHE_LOCK = threading.Lock()


def _seen_per_file(
    con: duckdb.DuckDBPyConnection, tdir: Path, files: Sequence[Path]
) -> dict[str, _Seen]:
    """The summary of every file of `tdir`; those not cached yet are read in one query."""
    names = [str(p) for p in files]
    with _CACHE_LOCK:
        cache = _SEEN_CACHE.setdefault(tdir.resolve(), {})
        missing = [n for n in names if n not in cache]
        if missing:
            found = con.sql(
                _seen_sql(
                    "read_parquet($files, filename = true, hive_partitioning = false)",
                    "filename, device_id",
                ),
                params={"files": missing},
            ).to_arrow_table()
            for name in missing:
                table = found.filter(pc.equal(found["filename"], name)).drop_columns("filename")
                if table.num_rows:
                    cache[name] = _Seen(
                        table,
                        pc.min(table["first_minute"]).as_py(),
                        pc.max(table["last_minute"]).as_py(),
                    )
        listed = set(names)
        for gone in [n for n in cache if n not in listed]:
            del cache[gone]
        groups = _GROUPS_CACHE.setdefault(tdir.resolve(), {})
        for gone in [key for key in groups if key[0] not in listed]:
            del groups[gone]
        return {n: cache[n] for n in names if n in cache}


def _groups_sql(source: str, bucket_s: int) -> str:
    """Rollup rows of `source` combined per device and per time bucket of `bucket_s` seconds
    (bucket NULL in the rows of a device, device_id NULL in those of a bucket)."""
    return (
        f"SELECT device_id, to_timestamp(floor(epoch(minute) / {bucket_s}) * {bucket_s}) "
        f"AS bucket, {combined_columns()} FROM {source} "
        "GROUP BY GROUPING SETS ((device_id), (bucket))"
    )


def _groups_per_file(
    con: duckdb.DuckDBPyConnection, tdir: Path, files: Sequence[str], bucket_s: int
) -> list[pa.Table]:
    """_groups_sql of each file on its own, cached: a file inside a window is read once."""
    with _CACHE_LOCK:
        cache = _GROUPS_CACHE.setdefault(tdir.resolve(), {})
        tables = []
        for name in files:
            key = (name, bucket_s)
            if key not in cache:
                cache[key] = con.sql(
                    _groups_sql("read_parquet($file, hive_partitioning = false)", bucket_s),
                    params={"file": name},
                ).to_arrow_table()
            tables.append(cache[key])
        return tables


# --- Loading a window -----------------------------------------------------------------------


def _recent_segments(tdir: Path, tail: pa.Table) -> list[str]:
    """Segments written after the oldest log record was received: the only ones that can hold
    a copy of it (after a crash between writing a segment and deleting its log)."""
    if not tail.num_rows:
        return []
    oldest = pc.min(tail["received_at"]).as_py().timestamp() - _CLOCK_SLACK_S
    return [str(p) for p in segment_files(tdir, READINGS) if p.stat().st_mtime >= oldest]


def _load_tail(con: duckdb.DuckDBPyConnection, tdir: Path | None) -> int:
    """`_telemetry_tail`: the log's acknowledged readings that are in no segment, each once,
    rolled up per device and minute like a segment; returns the readings in the log."""
    tail = batches_to_table(logged_batches(tdir)) if tdir else READING_SCHEMA.empty_table()
    recent = _recent_segments(tdir, tail) if tdir else []
    unique = "SELECT DISTINCT ON (device_id, seq) * FROM _telemetry_tail_raw"
    params: dict[str, object] = {}
    if recent:
        unique += (
            " ANTI JOIN (SELECT device_id, seq FROM "
            "read_parquet($recent, hive_partitioning = false)) USING (device_id, seq)"
        )
        params["recent"] = recent
    con.register("_telemetry_tail_raw", tail)
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _telemetry_tail AS " + rollup_sql(f"({unique})"),
            params,
        )
    finally:
        con.unregister("_telemetry_tail_raw")
    return tail.num_rows


def _load_seen(
    con: duckdb.DuckDBPyConnection, tdir: Path, files: Sequence[Path], window: Window
) -> dict[str, _Seen]:
    """`_telemetry_seen`: per device its last reading, receipt and status up to the end; the
    summaries of the files, by file."""
    seen = _seen_per_file(con, tdir, files) if files else {}
    whole = [s.table for s in seen.values() if s.last_minute < window.end]
    # Files with minutes at or after the end (a past window, or a device clock running ahead)
    # are read again, up to the end only.
    cut = [n for n, s in seen.items() if s.first_minute < window.end <= s.last_minute]
    sources = [_seen_sql("_telemetry_tail WHERE minute < $end")]
    params: dict[str, object] = {"end": window.end}
    if whole:
        con.register("_telemetry_seen_files", pa.concat_tables(whole))
        sources.append("SELECT * FROM _telemetry_seen_files")
    if cut:
        sources.append(
            _seen_sql("read_parquet($cut, hive_partitioning = false) WHERE minute < $end")
        )
        params["cut"] = cut
    union = " UNION ALL BY NAME ".join(f"({sql})" for sql in sources)
    status = _STATUS.format(errors="sum(s.errors_last)", degraded="sum(s.degraded_last)")
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _telemetry_seen AS "
            f"WITH seen AS ({union}), "
            f"latest AS (SELECT device_id, max(last_minute) AS last_minute, "
            f"  max(last_seen) AS last_seen, max(last_received_at) AS last_received_at "
            f"  FROM seen GROUP BY device_id) "
            f"SELECT l.device_id, l.last_seen, l.last_received_at, {status} AS last_status "
            f"FROM latest l JOIN seen s "
            f"  ON s.device_id = l.device_id AND s.last_minute = l.last_minute "
            f"GROUP BY l.device_id, l.last_seen, l.last_received_at",
            params,
        )
    finally:
        if whole:
            con.unregister("_telemetry_seen_files")
    return seen


def _load_aggregates(
    con: duckdb.DuckDBPyConnection,
    tdir: Path,
    files: Sequence[str],
    seen: dict[str, _Seen],
    window: Window,
) -> None:
    """telemetry_devices and telemetry_buckets: the files wholly inside the window from the
    cache, the others (the window's edges) and the log tail read now, then combined."""
    bucket_s = int(window.bucket.total_seconds())
    inside = [
        f
        for f in files
        if f in seen and seen[f].first_minute >= window.start and seen[f].last_minute < window.end
    ]
    edge = [f for f in files if f not in inside]
    rows = "SELECT * FROM _telemetry_tail WHERE minute >= $start AND minute < $end"
    params: dict[str, object] = {"start": window.start, "end": window.end}
    if edge:
        rows = (
            "SELECT * FROM read_parquet($files, hive_partitioning = false) "
            f"WHERE minute >= $start AND minute < $end UNION ALL BY NAME {rows}"
        )
        params["files"] = edge
    parts = [_groups_sql(f"({rows})", bucket_s)]
    cached = _groups_per_file(con, tdir, inside, bucket_s)
    if cached:
        con.register("_telemetry_file_groups", pa.concat_tables(cached))
        parts.append("SELECT * FROM _telemetry_file_groups")
    union = " UNION ALL BY NAME ".join(f"({sql})" for sql in parts)
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _telemetry_groups AS "
            f"SELECT device_id, bucket, {combined_columns()} FROM ({union}) "
            "GROUP BY device_id, bucket",
            params,
        )
    finally:
        if cached:
            con.unregister("_telemetry_file_groups")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE telemetry_devices AS "
        "SELECT coalesce(g.device_id, s.device_id) AS device_id, "
        "g.* EXCLUDE (device_id, bucket), s.last_seen, s.last_status "
        "FROM (SELECT * FROM _telemetry_groups WHERE device_id IS NOT NULL) g "
        "FULL JOIN _telemetry_seen s ON s.device_id = g.device_id"
    )
    first = int(window.start.timestamp()) // bucket_s * bucket_s
    con.execute(
        "CREATE OR REPLACE TEMP TABLE telemetry_buckets AS "
        "SELECT to_timestamp(r.b) AS bucket, g.* EXCLUDE (device_id, bucket) "
        "FROM range($first, $last, $step) r(b) "
        "LEFT JOIN (SELECT * FROM _telemetry_groups WHERE device_id IS NULL) g "
        "  ON g.bucket = to_timestamp(r.b) "
        "ORDER BY r.b",
        {"first": first, "last": int(window.end.timestamp()), "step": bucket_s},
    )


def load_window(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    window: Window,
    timezone: str | None = None,
) -> LoadedWindow:
    """Create the window's temporary tables on `con` (see the module docstring).

    Holds the store's shared lock while it lists and reads files, so no compaction or flush
    swaps them meanwhile. Without a store the tables are empty and has_telemetry is false.
    `timezone` (default: the settings') gives the local date of the window's moment.
    """
    tdir = telemetry_dir(data_dir)
    zone = ZoneInfo(timezone or get_settings().timezone)
    files: list[str] = []
    present = tdir.is_dir()
    with telemetry_lock(tdir) if present else nullcontext():
        tail_readings = _load_tail(con, tdir if present else None)
        rollups = segment_files(tdir, ROLLUPS) if present else []
        files = [str(p) for p in files_covering(rollups, window.days())]
        seen = _load_seen(con, tdir, rollups, window)
        _load_aggregates(con, tdir, files, seen, window)
    has_telemetry = bool(rollups) or tail_readings > 0
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {TELEMETRY_WINDOW_TABLE} AS SELECT "
        "$start::TIMESTAMPTZ AS window_start, $end::TIMESTAMPTZ AS window_end, "
        "$moment::TIMESTAMPTZ AS moment, $moment_date::DATE AS moment_date, "
        "$has_telemetry AS has_telemetry, "
        "(SELECT max(last_received_at) FROM _telemetry_seen) AS last_received_at, "
        "$bucket_s AS bucket_s",
        {
            "start": window.start,
            "end": window.end,
            "moment": window.moment,
            "moment_date": window.moment.astimezone(zone).date(),
            "has_telemetry": has_telemetry,
            "bucket_s": int(window.bucket.total_seconds()),
        },
    )
    ((received,),) = con.execute(
        f"SELECT last_received_at FROM {TELEMETRY_WINDOW_TABLE}"
    ).fetchall()
    return LoadedWindow(
        window,
        has_telemetry,
        None if received is None else received.astimezone(dt.UTC),
        len(files),
        tail_readings,
    )


# --- The fleet view ---------------------------------------------------------------------------

AlertKind = Literal["offline", "slo_breach", "error"]
ALERT_KINDS: tuple[AlertKind, ...] = get_args(AlertKind)
DeviceStatus = Literal["online", "offline", "never"]
DEVICE_STATUSES: tuple[DeviceStatus, ...] = get_args(DeviceStatus)

# The fleet on the moment's date (kpis/shared.sql: in_fleet, device_online) and devices that
# reported in the window although they are not in it (any more).
DEVICES_SQL = f"""
SELECT v.device_id, v.deployment_id, v.device_class, p.model_name,
       in_fleet(v.installed_on, v.removed_on, w.moment_date) AS in_fleet,
       CASE WHEN d.last_seen IS NULL THEN 'never'
            WHEN device_online(d.last_seen, v.report_interval_s, w.moment)
            THEN 'online' ELSE 'offline' END AS status,
       d.last_status AS condition,
       d.last_seen,
       coalesce(d.readings, 0) AS readings,
       coalesce(d.inferences, 0) AS inferences,
       d.latency_ms_sum / nullif(d.inferences, 0) AS latency_ms_mean,
       d.latency_ms_p95_sum / nullif(d.inferences_p95, 0) AS latency_ms_p95,
       p.latency_slo_ms,
       coalesce(d.latency_ms_p95_sum / nullif(d.inferences_p95, 0) > p.latency_slo_ms, false)
           AS slo_breached,
       coalesce(d.readings_degraded, 0) AS readings_degraded,
       coalesce(d.readings_error, 0) AS readings_error,
       d.temperature_c_max,
       v.report_interval_s
FROM devices v
CROSS JOIN {TELEMETRY_WINDOW_TABLE} w
LEFT JOIN telemetry_devices d ON d.device_id = v.device_id
LEFT JOIN deployments p ON p.deployment_id = v.deployment_id
WHERE in_fleet(v.installed_on, v.removed_on, w.moment_date) OR d.readings > 0
ORDER BY v.device_id
"""
SERIES_SQL = """
SELECT bucket, inferences, readings,
       latency_ms_sum / nullif(inferences, 0) AS latency_ms_mean,
       latency_ms_p95_sum / nullif(inferences_p95, 0) AS latency_ms_p95,
       latency_ms_p95_max
FROM telemetry_buckets
ORDER BY bucket
"""


@dataclass(frozen=True)
class Alert:
    """Something to look at: a device offline, over its deployment's latency objective, or
    reporting errors in the window."""

    kind: AlertKind
    device_id: str
    deployment_id: str
    last_seen: dt.datetime | None  # aware UTC
    latency_ms_p95: float | None
    latency_slo_ms: float | None
    readings_error: int


@dataclass(frozen=True)
class FleetSummary:
    """Everything the live fleet view shows for one window."""

    loaded: LoadedWindow
    kpis: dict[str, KpiResult]  # TELEMETRY_KPIS, computed by the registry
    devices: pd.DataFrame  # DEVICES_SQL's columns; times in UTC
    series: pd.DataFrame  # SERIES_SQL's columns, one row per bucket; times in UTC
    alerts: tuple[Alert, ...]
    computed_at: dt.datetime  # aware UTC


def alerts_of(devices: pd.DataFrame) -> tuple[Alert, ...]:
    """Fleet devices offline (seen before), SLO breaches and devices with error readings."""
    found: list[Alert] = []
    for row in devices.itertuples(index=False):
        kinds: list[AlertKind] = []
        if row.status == "offline" and row.in_fleet:
            kinds.append("offline")
        if row.slo_breached:
            kinds.append("slo_breach")
        if row.readings_error:
            kinds.append("error")
        for kind in kinds:
            found.append(
                Alert(
                    kind,
                    row.device_id,
                    row.deployment_id,
                    None if pd.isna(row.last_seen) else row.last_seen.to_pydatetime(),
                    None if pd.isna(row.latency_ms_p95) else float(row.latency_ms_p95),
                    None if pd.isna(row.latency_slo_ms) else float(row.latency_slo_ms),
                    int(row.readings_error),
                )
            )
    order = {kind: n for n, kind in enumerate(ALERT_KINDS)}
    return tuple(sorted(found, key=lambda a: (order[a.kind], a.device_id)))


def fleet_summary(
    con: duckdb.DuckDBPyConnection, data_dir: Path, window: Window, timezone: str | None = None
) -> FleetSummary:
    """The telemetry KPIs, devices, alerts and time series of `window`, in one read.

    `con` is a fresh read-only connection to the published warehouse (read_snapshot: with the
    shared macros; its session time zone becomes UTC); `data_dir` holds the telemetry store.
    """
    con.execute("SET TimeZone = 'UTC'")
    loaded = load_window(con, data_dir, window, timezone)
    ((moment_date,),) = con.execute(f"SELECT moment_date FROM {TELEMETRY_WINDOW_TABLE}").fetchall()
    kpis = compute_all(con, as_of=moment_date, kpi_ids=TELEMETRY_KPIS)
    devices = con.execute(DEVICES_SQL).df()
    series = con.execute(SERIES_SQL).df()
    return FleetSummary(loaded, kpis, devices, series, alerts_of(devices), dt.datetime.now(dt.UTC))
