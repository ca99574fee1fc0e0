"""The telemetry store's layout, lock protocol and rollup rules, shared by writer and readers.

Layout under DATA_DIR/telemetry/ (hive-partitioned, readable by any Parquet engine):
    readings/day=YYYY-MM-DD/part-<instance>-<stamp>-<random>.parquet   one row per reading
    rollups/day=YYYY-MM-DD/<same name>.parquet    per device and minute, from that segment
    history/readings/month=YYYY-MM/part-bulk-<stamp>-<random>.parquet  history files' readings
    history/rollups/month=YYYY-MM/<same name>.parquet                 and their rollups
    wal/<instance>/wal-<generation>.log           acknowledged, not yet in segments
    .lock                                         readers share it, a commit takes it alone

The collector (pipelines.collector) writes the daily tree; the bulk append of history files
writes the monthly one, a file per UTC month (a file per day would spend most of a long
history's load on encoding hundreds of small files: docs/DECISIONS.md, "History by month").
The read side (zakid_metrics.telemetry) reads the rollups of both trees and the log tail
that has not reached a segment yet, never the raw history. A reading is in one readings file
of either tree. Every readings file has a rollup file of the same name in the same
partition of the same tree (`twin`). Rollup rows are partial: one
(device_id, minute) may have a row in several files. Every rollup column combines by sum, max
or min (ROLLUP_COLUMNS), so a reader groups the partial rows directly at the grain it needs
(a device, a bucket of minutes) with `combine_sql`, and the result is exact.
"""

from __future__ import annotations

import bisect
import datetime as dt
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from zakid_metrics.contract import READING_FIELDS, READING_STATUSES, add_months
from zakid_metrics.files import file_lock

TELEMETRY_DIR = "telemetry"
READINGS = "readings"
ROLLUPS = "rollups"
WAL = "wal"
LOCK_FILE = ".lock"
DAY_PREFIX = "day="
HISTORY = "history"
MONTH_PREFIX = "month="
US_PER_MINUTE = 60_000_000
US_PER_DAY = 86_400_000_000

TIMESTAMP = pa.timestamp("us", tz="UTC")
_ARROW_TYPES = {
    "text": pa.string(),
    "int": pa.int64(),
    "decimal": pa.float64(),
    "timestamp": TIMESTAMP,
    "option": pa.string(),
}
READING_SCHEMA = pa.schema(
    [pa.field(f.name, _ARROW_TYPES[f.kind], nullable=not f.required) for f in READING_FIELDS]
    + [pa.field("received_at", TIMESTAMP, nullable=False)]
)
"""A segment's columns: the contract's fields (ts in UTC) and when the collector got them."""

# --- The log's record format (the writer is pipelines.collector.wal) ---------------------------

MAGIC = b"ZKW1"
HEADER = struct.Struct("<4sII")  # magic, payload length, CRC-32 of the payload
LOG_GLOB = "wal-*.log"

Batch = tuple[str, int, list[Any]]
"""One record: (device_id, received_at in µs since the epoch, rows in READING_FIELDS order)."""


@dataclass(frozen=True)
class LogDamage:
    """Bytes of a log file that form no valid record (read_log skips them)."""

    path: Path
    start: int  # offset in the file
    data: bytes
    torn: bool  # a record cut off by the end of the file: a write a crash interrupted


def _record_end(data: bytes, offset: int) -> int | None:
    """The end of the valid record at `offset`, None if there is none."""
    if offset + HEADER.size > len(data):
        return None
    magic, length, crc = HEADER.unpack_from(data, offset)
    end = offset + HEADER.size + length
    if magic != MAGIC or end > len(data) or zlib.crc32(data[offset + HEADER.size : end]) != crc:
        return None
    return end


def _cut_off(data: bytes, offset: int) -> bool:
    """Whether the bytes from `offset` are the start of a record the end of the file cuts."""
    if offset + HEADER.size > len(data):
        return MAGIC.startswith(data[offset : offset + len(MAGIC)])
    magic, length, _ = HEADER.unpack_from(data, offset)
    return magic == MAGIC and offset + HEADER.size + length > len(data)


def read_log(path: Path, damaged: list[LogDamage] | None = None) -> Iterator[Batch]:
    """The valid records of one log file, in order; damaged bytes are skipped, not the rest.

    Each record carries its length and a CRC-32. Where bytes form no valid record (a flipped
    bit, a torn write), reading goes on at the next offset that starts a valid one, so every
    intact record after the damage is read; the skipped bytes are added to `damaged`.
    """
    data = path.read_bytes()
    offset = 0
    while offset < len(data):
        end = _record_end(data, offset)
        if end is None:
            resume = data.find(MAGIC, offset + 1)
            while resume != -1 and _record_end(data, resume) is None:
                resume = data.find(MAGIC, resume + 1)
            resume = len(data) if resume == -1 else resume
            if damaged is not None:
                torn = resume == len(data) and _cut_off(data, offset)
                damaged.append(LogDamage(path, offset, data[offset:resume], torn))
            offset = resume
            continue
        device_id, received_us, rows = orjson.loads(data[offset + HEADER.size : end])
        yield device_id, received_us, rows
        offset = end


def generation(path: Path) -> int:
    return int(path.stem.removeprefix("wal-"))


def log_files(directory: Path) -> list[Path]:
    """The log files of one instance, oldest generation first."""
    return sorted(directory.glob(LOG_GLOB), key=generation)


def logged_batches(tdir: Path) -> Iterator[Batch]:
    """Every record of every instance's log, oldest generation first per instance."""
    for directory in sorted((tdir / WAL).glob("*")):
        if directory.is_dir():
            for path in log_files(directory):
                yield from read_log(path)


def batches_to_table(batches: Iterable[Batch]) -> pa.Table:
    """Validated rows, as the collector logs them, into a table of READING_SCHEMA."""
    rows: list[list[object]] = []
    received: list[int] = []
    for _device, received_us, batch_rows in batches:
        rows.extend(batch_rows)
        received.extend([received_us] * len(batch_rows))
    if not rows:
        return READING_SCHEMA.empty_table()
    columns = [
        pa.array(values, type=f.type)
        for values, f in zip(zip(*rows, strict=True), READING_SCHEMA, strict=False)
    ]
    columns.append(pa.array(received, type=TIMESTAMP))
    return pa.Table.from_arrays(columns, schema=READING_SCHEMA)


# --- Files and the lock ---------------------------------------------------------------------


def telemetry_dir(data_dir: Path) -> Path:
    return Path(data_dir) / TELEMETRY_DIR


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that buckets and prints times in UTC, whatever the machine's zone."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    return con


@contextmanager
def telemetry_lock(tdir: Path, exclusive: bool = False) -> Iterator[None]:
    """Readers that list and read files share it; a commit (renames, deletes) takes it alone.

    So a reader never sees a segment together with the log records or the small segments it
    replaces, and never loses a file it has listed.
    """
    with file_lock(tdir / LOCK_FILE, exclusive=exclusive):
        yield


def segment_files(
    tdir: Path, kind: str = READINGS, instance: str | None = None, *, daily_only: bool = False
) -> list[Path]:
    """The committed Parquet files of `kind`, optionally only those one instance wrote: the
    daily tree's, then the monthly history tree's (unless `daily_only`)."""
    prefix = f"part-{instance}-" if instance else "part-"
    files = sorted((tdir / kind).glob(f"{DAY_PREFIX}*/{prefix}*.parquet"))
    if not daily_only:
        files += sorted((tdir / HISTORY / kind).glob(f"{MONTH_PREFIX}*/{prefix}*.parquet"))
    return files


def partition_path(tdir: Path, kind: str, day: dt.date, monthly: bool = False) -> Path:
    """The folder of `kind` that holds `day`: its day's, or in the history tree its month's."""
    if monthly:
        return tdir / HISTORY / kind / f"{MONTH_PREFIX}{day:%Y-%m}"
    return tdir / kind / f"{DAY_PREFIX}{day.isoformat()}"


def partition_days(path: Path) -> tuple[dt.date, dt.date]:
    """The first and last UTC day the partition folder of the store file `path` covers."""
    name = path.parent.name
    if name.startswith(DAY_PREFIX):
        day = dt.date.fromisoformat(name.removeprefix(DAY_PREFIX))
        return day, day
    first = dt.date.fromisoformat(name.removeprefix(MONTH_PREFIX) + "-01")
    return first, add_months(first, 1) - dt.timedelta(days=1)


def files_covering(files: Iterable[Path], days: Iterable[dt.date]) -> list[Path]:
    """The files of `files` whose partition covers at least one of `days`."""
    wanted = sorted(set(days))
    chosen = []
    for path in files:
        first, last = partition_days(path)
        position = bisect.bisect_left(wanted, first)
        if position < len(wanted) and wanted[position] <= last:
            chosen.append(path)
    return chosen


def twin(path: Path, kind: str) -> Path:
    """The file of `kind` with the name and partition of the store file `path` (a segment's
    rollups, a rollup file's segment), in the same tree."""
    return path.parents[2] / kind / path.parent.name / path.name


# --- Minute rollups -------------------------------------------------------------------------

Combine = Literal["sum", "max", "min"]
WIDE_SUM = "DECIMAL(38,0)"
"""The type of a sum of a reading's integer field (each up to 2**63 - 1): exact, and it cannot
overflow before 10**38, more than 10**19 readings at the largest value. BIGINT overflows with
two readings; HUGEINT would be written to Parquet as DOUBLE (inexact), DECIMAL(38,0) is
Parquet's own 16-byte decimal that DuckDB, Arrow, Spark and Trino read exactly. Readers
combine such columns into HUGEINT (whole numbers in Python, also beyond 64 bits)."""


Single = Callable[[pa.Table], pa.ChunkedArray]
"""A rollup column's value for readings each alone in their device's minute (a table of
READING_SCHEMA), computed by Arrow without aggregating."""


@dataclass(frozen=True)
class RollupColumn:
    """One rollup column: its aggregate over readings, its value for a minute of one reading
    (`single`: the same number without aggregating), its type, and how partial rows combine."""

    name: str
    sql: str
    single: Single
    type: str
    combine: Combine

    @property
    def combined_type(self) -> str:
        """The type of the column combined over many rollup rows."""
        return "HUGEINT" if self.type == WIDE_SUM else self.type


def _one(readings: pa.Table) -> pa.ChunkedArray:
    """1 for every reading (the `single` of count(*))."""
    return pa.chunked_array([pc.fill_null(pa.nulls(readings.num_rows, pa.int64()), 1)])


def _field(name: str) -> Single:
    """The reading's own value."""
    return lambda readings: readings[name]


def _times_inferences(name: str, default: float | None = None) -> Single:
    """field * inferences (coalesce(field, default) * inferences with a default)."""

    def single(readings: pa.Table) -> pa.ChunkedArray:
        values = readings[name] if default is None else pc.coalesce(readings[name], default)
        # As DuckDB multiplies: the integer as the nearest double (beyond 2**53 too).
        return pc.multiply(values, readings["inferences"].cast(pa.float64(), safe=False))

    return single


def _of_one(condition: Callable[[pa.Table], pa.ChunkedArray]) -> Single:
    """The `single` of a count with FILTER (WHERE condition): 1 where it holds, else 0."""
    return lambda readings: pc.fill_null(condition(readings), False).cast(pa.int64())


def _inferences_when_valid(name: str) -> Single:
    """The `single` of coalesce(sum(inferences) FILTER (WHERE name IS NOT NULL), 0)."""
    return lambda readings: pc.if_else(
        pc.is_valid(readings[name]), readings["inferences"], pa.scalar(0, pa.int64())
    )


def _status_is(status: str) -> Single:
    return _of_one(lambda readings: pc.equal(readings["status"], status))


ROLLUP_COLUMNS: tuple[RollupColumn, ...] = (
    RollupColumn("readings", "count(*)", _one, "BIGINT", "sum"),
    RollupColumn("inferences", "sum(inferences)", _field("inferences"), WIDE_SUM, "sum"),
    # / inferences: the inference-weighted mean latency (a reading with inferences carries
    # latency_ms_mean: the contract requires it).
    RollupColumn(
        "latency_ms_sum",
        "sum(coalesce(latency_ms_mean, 0) * inferences)",
        _times_inferences("latency_ms_mean", 0.0),
        "DOUBLE",
        "sum",
    ),
    # latency_ms_p95_sum / inferences_p95: the inference-weighted mean of the interval p95s
    # (of the readings that report one), the fleet p95 of zakid_metrics.kpis.
    RollupColumn(
        "latency_ms_p95_sum",
        "sum(latency_ms_p95 * inferences)",
        _times_inferences("latency_ms_p95"),
        "DOUBLE",
        "sum",
    ),
    RollupColumn(
        "inferences_p95",
        "coalesce(sum(inferences) FILTER (WHERE latency_ms_p95 IS NOT NULL), 0)",
        _inferences_when_valid("latency_ms_p95"),
        WIDE_SUM,
        "sum",
    ),
    RollupColumn(
        "latency_ms_p95_max", "max(latency_ms_p95)", _field("latency_ms_p95"), "DOUBLE", "max"
    ),
    RollupColumn(
        "latency_ms_max", "max(latency_ms_max)", _field("latency_ms_max"), "DOUBLE", "max"
    ),
    # energy_mwh / inferences_energy: energy per inference of the readings that report energy.
    RollupColumn("energy_mwh", "sum(energy_mwh)", _field("energy_mwh"), "DOUBLE", "sum"),
    RollupColumn(
        "inferences_energy",
        "coalesce(sum(inferences) FILTER (WHERE energy_mwh IS NOT NULL), 0)",
        _inferences_when_valid("energy_mwh"),
        WIDE_SUM,
        "sum",
    ),
    RollupColumn(
        "bytes_on_device", "sum(bytes_on_device)", _field("bytes_on_device"), WIDE_SUM, "sum"
    ),
    RollupColumn(
        "bytes_uplinked", "sum(bytes_uplinked)", _field("bytes_uplinked"), WIDE_SUM, "sum"
    ),
    RollupColumn(
        "temperature_c_max", "max(temperature_c)", _field("temperature_c"), "DOUBLE", "max"
    ),
    *(
        RollupColumn(
            f"readings_{status}",
            f"count(*) FILTER (WHERE status = '{status}')",
            _status_is(status),
            "BIGINT",
            "sum",
        )
        for status in READING_STATUSES
    ),
    RollupColumn("interval_s", "sum(interval_s)", _field("interval_s"), WIDE_SUM, "sum"),
    RollupColumn("first_ts", "min(ts)", _field("ts"), "TIMESTAMPTZ", "min"),
    RollupColumn("last_ts", "max(ts)", _field("ts"), "TIMESTAMPTZ", "max"),
    RollupColumn(
        "last_received_at", "max(received_at)", _field("received_at"), "TIMESTAMPTZ", "max"
    ),
)
ROLLUP_ROW_GROUP_ROWS = 65_536
"""Rollups are sorted by minute and written in row groups of this size, so a reader of a time
window skips the row groups outside it by their statistics."""


def parquet_options(kind: str) -> dict[str, Any]:
    """How pyarrow writes a store file of `kind`: zstd; min/max statistics only for the
    columns a reader selects or joins by (the device, the reading's key, the times), those of
    the measures would cost a tenth of the encoding and serve no query; dictionaries for every
    column but those unique to their row (seq and the times), where a dictionary costs time
    and makes the file larger (2 M readings over 278 days: 23 MB against 9 MB)."""
    if kind == ROLLUPS:
        keys = ["device_id", "minute", "first_ts", "last_ts", "last_received_at"]
        names = ROLLUP_SCHEMA.names
    else:
        keys = ["device_id", "seq", "ts", "received_at"]
        names = READING_SCHEMA.names
    unique = {"seq", "ts", "minute", "first_ts", "last_ts"}
    return {
        "compression": "zstd",
        "write_statistics": keys,
        "use_dictionary": [name for name in names if name not in unique],
    }


def _minute_sql() -> str:
    # The minute by epoch arithmetic: date_trunc on TIMESTAMPTZ goes through the calendar of
    # the session's zone, 5x slower.
    return f"to_timestamp(epoch_us(ts) // {US_PER_MINUTE} * 60)"


def rollup_sql(source: str) -> str:
    """Per device and minute of the relation `source` (READING_SCHEMA's columns; a trusted
    relation name or subquery); minutes in UTC, rows sorted by minute."""
    # Counts stay BIGINT (small files, fast reads); sums of integer fields are WIDE_SUM.
    columns = ", ".join(f"CAST({c.sql} AS {c.type}) AS {c.name}" for c in ROLLUP_COLUMNS)
    return (
        f"SELECT device_id, {_minute_sql()} AS minute, "
        f"{columns} FROM {source} GROUP BY ALL ORDER BY minute, device_id"
    )


_ROLLUP_ARROW_TYPES = {
    "BIGINT": pa.int64(),
    WIDE_SUM: pa.decimal128(38, 0),
    "DOUBLE": pa.float64(),
    "TIMESTAMPTZ": TIMESTAMP,
}
ROLLUP_SCHEMA = pa.schema(
    [pa.field("device_id", pa.string()), pa.field("minute", TIMESTAMP)]
    + [pa.field(c.name, _ROLLUP_ARROW_TYPES[c.type]) for c in ROLLUP_COLUMNS]
)
"""A rollup file's columns, as rollup_sql gives them."""


def single_rollups(readings: pa.Table) -> pa.Table:
    """rollup_sql's rows of readings (READING_SCHEMA) each alone in its device's minute: the
    rollup itself where no two readings share a device and minute, without aggregating (in
    the readings' order, not sorted)."""
    microseconds = readings["ts"].cast(pa.int64())
    minute = pc.multiply(pc.divide(microseconds, US_PER_MINUTE), US_PER_MINUTE).cast(TIMESTAMP)
    columns = [readings["device_id"], minute]
    columns += [c.single(readings).cast(_ROLLUP_ARROW_TYPES[c.type]) for c in ROLLUP_COLUMNS]
    return pa.Table.from_arrays(columns, schema=ROLLUP_SCHEMA)


ROLLUP_SQL = rollup_sql("readings")
"""Per device and minute of the relation `readings` (READING_SCHEMA); ts buckets in UTC."""


def combined_columns() -> str:
    """The rollup columns, each combined by its rule, for a SELECT with GROUP BY."""
    return ", ".join(
        f"CAST({c.combine}({c.name}) AS {c.combined_type}) AS {c.name}" for c in ROLLUP_COLUMNS
    )


def combine_sql(source: str, keys: str) -> str:
    """Rollup rows of the relation `source` combined per `keys` (a GROUP BY list of columns).

    `source` and `keys` are trusted SQL text (a relation name, subquery or column list, e.g.
    `device_id, minute`), never user input.
    """
    return f"SELECT {keys}, {combined_columns()} FROM {source} GROUP BY {keys}"
