"""Cached reads of the published warehouse: the one place where the dashboard caches data."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from zakid_metrics.contract import ENTITIES
from zakid_metrics.settings import get_settings
from zakid_metrics.warehouse import read_snapshot, warehouse_path

# Identity of the published file: a load publishes by os.replace, which gives a new inode.
SnapshotId = tuple[int, int, int]  # (inode, mtime_ns, size)

# DuckDB shares one database instance per path among the open connections of a process. If a
# connection to a replaced file were still open, a new connect would be handed the old file;
# so this process opens one connection at a time and closes it after each batch.
_READ_LOCK = threading.Lock()

# Which column holds a text in which language (reason/reason_de, errors/errors_de, ...).
_SUFFIX = {"de": "_de", "en": ""}


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


@st.cache_data(show_spinner=False, max_entries=128)
def _query(data_dir: str, snapshot: SnapshotId, sql: str, params: tuple[Any, ...]) -> pd.DataFrame:
    # `snapshot` is not used in the body: it is in the cache key, so a new load is a cache miss.
    with _READ_LOCK, read_snapshot(Path(data_dir)) as con:
        return con.execute(sql, list(params)).df()


def _read(sql: str, *params: Any) -> pd.DataFrame:
    settings = get_settings()
    return _query(str(settings.data_dir), snapshot_id() or (0, 0, 0), sql, params)


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
    meta = _read(
        "SELECT max(value) FILTER (WHERE key = 'snapshot_run_id') AS run_id, "
        "max(value) FILTER (WHERE key = 'published_at') AS published_at FROM meta"
    )
    run_id, published_at = meta.iloc[0]
    if pd.isna(run_id) or pd.isna(published_at):
        return None
    published = dt.datetime.fromisoformat(published_at)
    if published.tzinfo is None:  # stored as UTC without zone, like every timestamp
        published = published.replace(tzinfo=dt.UTC)
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
        "never"
        if pd.isna(age)
        else "overdue"
        if age > settings.freshness_warning_days
        else "current"
        for age in frame["age_days"]
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
