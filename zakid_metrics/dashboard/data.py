"""The dashboard's one way to the warehouse: every read of a page or component goes through here,
and this is the one place where the dashboard caches data."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import streamlit as st

from zakid_metrics import funding, kpis, telemetry, warehouse
from zakid_metrics.contract import ENTITIES, add_months
from zakid_metrics.errors import PublicModeError
from zakid_metrics.kpis import dates
from zakid_metrics.kpis.dates import DateBounds
from zakid_metrics.settings import get_settings
from zakid_metrics.warehouse import warehouse_path

# Identity of the published file: a load publishes by os.replace, which gives a new inode.
SnapshotId = tuple[int, int, int]  # (inode, mtime_ns, size)
NO_SNAPSHOT: SnapshotId = (0, 0, 0)

# DuckDB shares one database instance per path among the open connections of a process. If a
# connection to a replaced file were still open, a new connect would be handed the old file;
# so this process opens one connection at a time and closes it after each batch.
_READ_LOCK = threading.Lock()

# Which column holds a text in which language (reason/reason_de, errors/errors_de, ...).
_SUFFIX = {"de": "_de", "en": ""}

P = ParamSpec("P")
R = TypeVar("R")
_CACHED: list[Any] = []  # every cached read, for clear()


def _refuse_in_public_mode() -> None:
    if get_settings().mode == "public":
        raise PublicModeError(
            "The public app tried to read the warehouse.",
            "Public pages read the open-data export only (dashboard/public_data.py); report "
            "this as a bug.",
        )


@contextmanager
def snapshot(data_dir: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The published warehouse (of `data_dir`, default the settings'), read-only, under this
    process's read lock. The public app may never read it (DESIGN.md decision 4: it reads
    DATA_DIR/public/ only)."""
    _refuse_in_public_mode()
    with _READ_LOCK, warehouse.read_snapshot(data_dir or get_settings().data_dir) as con:
        yield con


def cached_read(
    *, max_entries: int, ttl: float | None = None
) -> Callable[[Callable[Concatenate[duckdb.DuckDBPyConnection, P], R]], Callable[P, R]]:
    """Make `read(con, *args)` a cached `read(*args)` on the published snapshot.

    The cache key is the data directory, the snapshot's identity and the arguments, so a new
    load is a cache miss; the public-mode guard runs on every call, cached or not.
    """

    def decorate(read: Callable[Concatenate[duckdb.DuckDBPyConnection, P], R]) -> Callable[P, R]:
        def on_snapshot(data_dir: str, identity: SnapshotId, *args: Any, **kwargs: Any) -> R:
            # `identity` is not used in the body: it is in the cache key.
            with snapshot(Path(data_dir)) as con:
                return read(con, *args, **kwargs)

        # Streamlit keys a cache on the function's module and qualified name (and source,
        # which is the same for every read): each read gets its own cache.
        on_snapshot.__module__, on_snapshot.__qualname__ = read.__module__, read.__qualname__
        cached = st.cache_data(show_spinner=False, max_entries=max_entries, ttl=ttl)(on_snapshot)
        _CACHED.append(cached)

        def public(*args: P.args, **kwargs: P.kwargs) -> R:
            _refuse_in_public_mode()
            data_dir = str(get_settings().data_dir)
            return cached(data_dir, snapshot_id() or NO_SNAPSHOT, *args, **kwargs)

        public.__name__, public.__qualname__ = read.__name__, read.__qualname__
        public.__doc__ = read.__doc__
        return public

    return decorate


@dataclass(frozen=True)
class SnapshotMeta:
    """Which load run the published snapshot comes from and when it was published."""

    run_id: int
    published_at: dt.datetime  # aware, in the display time zone


def snapshot_id() -> SnapshotId | None:
    """The identity of the published warehouse file; None when nothing is published yet."""
    try:
        stat = warehouse_path(get_settings().data_dir).stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


@cached_read(max_entries=128)
def _read(con: duckdb.DuckDBPyConnection, sql: str, *params: Any) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def _local_time(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Timestamps are stored in UTC without zone; show them in the configured time zone."""
    zone = get_settings().timezone
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).dt.tz_localize("UTC").dt.tz_convert(zone)
    return frame


def snapshot_meta() -> SnapshotMeta | None:
    """The published snapshot's load run and time; None without a warehouse or load."""
    if snapshot_id() is None:
        return None
    meta = _read("SELECT run_id, published_at FROM published_snapshot()")
    if meta.empty:
        return None
    run_id, published_at = meta.iloc[0]
    published = published_at.to_pydatetime().replace(tzinfo=dt.UTC)  # stored as UTC
    return SnapshotMeta(int(run_id), published.astimezone(ZoneInfo(get_settings().timezone)))


def entity_status(today: dt.date | None = None) -> pd.DataFrame:
    """Per entity in contract order: rows, stale rows, last file and load, age and freshness.

    `freshness` is `never` (no file loaded yet), `overdue` (last load older than
    settings.freshness_warning_days) or `current`.
    """
    settings = get_settings()
    frame = _read(
        "SELECT entity, rows, stale_rows, last_file, last_run_id, last_loaded_at FROM entity_status"
    )
    frame = _local_time(frame, "last_loaded_at")
    order = {name: index for index, name in enumerate(ENTITIES)}
    frame = frame.sort_values("entity", key=lambda s: s.map(order)).reset_index(drop=True)
    today = today or dt.datetime.now(ZoneInfo(settings.timezone)).date()
    loaded_on = frame["last_loaded_at"].dt.date
    frame["age_days"] = pd.array(
        [None if pd.isna(day) else (today - day).days for day in loaded_on], dtype="Int64"
    )
    frame["freshness"] = [
        warehouse.freshness(None if pd.isna(age) else int(age)) for age in frame["age_days"]
    ]
    return frame


def load_runs(limit: int = 20) -> pd.DataFrame:
    """The last `limit` load runs, newest first, with their row counts."""
    frame = _read(
        "SELECT run_id, started_at, finished_at, status, triggered_by, files, rows_read, "
        "rows_loaded, rows_rejected, rows_duplicate FROM load_runs ORDER BY run_id DESC LIMIT ?",
        limit,
    )
    return _local_time(frame, "started_at", "finished_at")


def load_files(run_id: int, lang: str) -> pd.DataFrame:
    """The files of one run with their counts, errors and warnings in `lang`."""
    suffix = _SUFFIX.get(lang, "")
    return _read(
        "SELECT file, entity, status, rows_read, rows_loaded, rows_rejected, rows_duplicate, "
        f"array_to_string(errors{suffix}, ' · ') AS errors, "
        f"array_to_string(warnings{suffix}, ' · ') AS warnings "
        "FROM load_files WHERE run_id = ? ORDER BY file",
        run_id,
    )


def rejected_rows(run_id: int, lang: str, entity: str | None = None) -> pd.DataFrame:
    """The rejected rows of one run (one line per problem), reasons in `lang`."""
    suffix = _SUFFIX.get(lang, "")
    frame = _read(
        f'SELECT file, entity, line, "column", value, reason{suffix} AS reason '
        'FROM rejected_rows WHERE run_id = ? ORDER BY file, line, "column"',
        run_id,
    )
    if entity is not None:
        frame = frame[frame["entity"] == entity].reset_index(drop=True)
    return frame


# --- KPIs and the rows behind them ----------------------------------------------------------

Period = tuple[dt.date, dt.date]


@cached_read(max_entries=8)
def _date_bounds(con: duckdb.DuckDBPyConnection, today: dt.date) -> DateBounds:
    return dates.date_bounds(con, today)


def date_bounds() -> DateBounds:
    """First and last day of the data and the funding period (grants, else the settings)."""
    return _date_bounds(dt.datetime.now(ZoneInfo(get_settings().timezone)).date())


@cached_read(max_entries=32)
def kpi_results(
    con: duckdb.DuckDBPyConnection, as_of: dt.date, period: Period | None
) -> dict[str, kpis.KpiResult]:
    """Every KPI of the registry on `as_of` over `period`, computed once per snapshot and choice.

    A page calls this once and takes its figures from the result, never KPI by KPI.
    """
    return kpis.compute_all(con, as_of=as_of, period=period)


@cached_read(max_entries=64)
def kpi_result(
    con: duckdb.DuckDBPyConnection, kpi_id: str, as_of: dt.date, period: Period | None
) -> kpis.KpiResult:
    """One KPI, for a component that needs a single figure outside a page's kpi_results."""
    return kpis.compute(con, kpi_id, as_of=as_of, period=period)


TREND_MONTHS = 12
"""A tile's trend line: the KPI's value on the same day of each of the 12 months before."""

Trend = tuple[tuple[dt.date, Any], ...]


@cached_read(max_entries=32)
def kpi_trends(
    con: duckdb.DuckDBPyConnection, kpi_ids: tuple[str, ...], as_of: dt.date, period: Period | None
) -> dict[str, Trend]:
    """Per KPI of `kpi_ids`, (day, value) on the same day of each of the TREND_MONTHS months
    before `as_of` (clamped to the month's end) and on `as_of`, from the registry
    (kpis.trends): one read for all, as a page's first render pays for it."""
    days = [add_months(as_of, -months) for months in range(TREND_MONTHS, 0, -1)] + [as_of]
    return kpis.trends(con, kpi_ids, days, period=period)


@cached_read(max_entries=64)
def source_rows(
    con: duckdb.DuckDBPyConnection, kpi_id: str, as_of: dt.date, period: Period | None
) -> pd.DataFrame:
    """The rows KPI `kpi_id` is computed from (its drill-down), with their provenance."""
    return kpis.source_rows(con, kpi_id, as_of=as_of, period=period)


@cached_read(max_entries=8)
def funding_grants(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict[str, funding.GrantFacts]:
    """The grants decided by `as_of`, as the funding rules see them, by grant_id."""
    return {grant_id: inputs.grant for grant_id, inputs in funding.read_inputs(con, as_of).items()}


@cached_read(max_entries=64)
def funding_report(
    con: duckdb.DuckDBPyConnection,
    grant_id: str,
    kind: funding.ReportKind,
    year: int | None,
    as_of: dt.date,
) -> funding.FundingFigures:
    """The figures of a funder report of grant `grant_id` (interim: of `year`) on the snapshot
    as of `as_of`: funding.report_figures, the computation the reports make. Raises
    BaseRateMissingError where the interest needs a base rate not known yet (not cached). Days
    idle and interest run to `as_of` where the period is not over, as in the report."""
    inputs = funding.read_inputs(con, as_of)[grant_id]
    period = funding.report_period(inputs.grant, kind, year)
    rates = funding.load_base_rates(get_settings().data_dir)
    return funding.report_figures(inputs, kind, period, rates, end_on=as_of)


def entity_rows(entity: str) -> pd.DataFrame:
    """Every current row of `entity` (a contract table), for names and classes in drill-downs."""
    if entity not in ENTITIES:
        raise ValueError(f"unknown entity {entity!r}")
    return _read(f"SELECT * FROM {entity}")


def stale_rows(entity: str) -> pd.DataFrame:
    """The rows of `entity` kept in their previous version because a newer one was rejected."""
    if entity not in ENTITIES:
        raise ValueError(f"unknown entity {entity!r}")
    key = ", ".join(ENTITIES[entity].key)
    return _read(f"SELECT * FROM {entity} WHERE _stale ORDER BY {key}")


FLEET_TTL_S = 2
"""The live fleet view refreshes every 5 s; a read serves every session for 2 s."""


@cached_read(max_entries=16, ttl=FLEET_TTL_S)
def fleet(
    con: duckdb.DuckDBPyConnection,
    window: str,
    custom: tuple[dt.datetime, dt.datetime] | None = None,
) -> telemetry.FleetSummary:
    """The live fleet in a preset `window` (telemetry.WINDOW_LENGTHS) up to now, or in
    `custom` (start, end); at most FLEET_TTL_S seconds old."""
    chosen = telemetry.Window.between(*custom) if custom else telemetry.Window.named(window)
    return telemetry.fleet_summary(con, get_settings().data_dir, chosen)


def clear() -> None:
    """Forget every cached read, e.g. after an upload published a new snapshot."""
    for cached in _CACHED:
        cached.clear()
