"""The telemetry store on disk: immutable Parquet segments and minute rollups, by day.

Layout under DATA_DIR/telemetry/ (hive-partitioned, readable by any Parquet engine):
    readings/day=YYYY-MM-DD/part-<instance>-<stamp>-<random>.parquet   one row per reading
    rollups/day=YYYY-MM-DD/<same name>.parquet    per device and minute, from that segment
    wal/<instance>/wal-<generation>.log           acknowledged, not yet in segments
    .lock                                         readers share it, a commit takes it alone

Every readings file has a rollup file of the same name, so rollups never need raw history.
Rollup rows are partial sums: a reader groups them again by (device_id, minute).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines.collector.wal import Batch, fsync_dir, log_files, read_log
from zakid_metrics.contract import READING_FIELDS, READING_KEY, READING_STATUSES
from zakid_metrics.errors import UsageError

TELEMETRY_DIR = "telemetry"
READINGS = "readings"
ROLLUPS = "rollups"
WAL = "wal"
LOCK_FILE = ".lock"
INTENT_FILE = "compaction.json"
TMP_SUFFIX = ".tmp"
SMALL_SEGMENT_BYTES = 32 * 1024 * 1024
COMPACT_MIN_FILES = 8
_INSTANCE = re.compile(r"[A-Za-z0-9_]{1,40}")
US_PER_DAY = 86_400 * 1_000_000

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

_STATUS_COUNTS = ", ".join(
    f"count(*) FILTER (WHERE status = '{s}') AS readings_{s}" for s in READING_STATUSES
)
ROLLUP_SQL = f"""
SELECT device_id, date_trunc('minute', ts) AS minute,
       count(*) AS readings,
       sum(inferences) AS inferences,
       sum(coalesce(latency_ms_mean, 0) * inferences) AS latency_ms_sum,  -- / inferences
       max(latency_ms_p95) AS latency_ms_p95_max,
       max(latency_ms_max) AS latency_ms_max,
       sum(energy_mwh) AS energy_mwh,
       sum(bytes_on_device) AS bytes_on_device,
       sum(bytes_uplinked) AS bytes_uplinked,
       max(temperature_c) AS temperature_c_max,
       {_STATUS_COUNTS},
       sum(interval_s) AS interval_s,
       min(ts) AS first_ts,
       max(ts) AS last_ts,
       max(received_at) AS last_received_at
FROM readings GROUP BY ALL ORDER BY device_id, minute
"""


def check_instance(name: str) -> str:
    """An instance name that can stand in file names: letters, digits and underscores."""
    if not _INSTANCE.fullmatch(name):
        raise UsageError(
            f"Instance name {name!r} is not usable.",
            "Use 1 to 40 letters, digits or underscores, e.g. --instance c1.",
        )
    return name


def telemetry_dir(data_dir: Path) -> Path:
    return Path(data_dir) / TELEMETRY_DIR


def wal_dir(tdir: Path, instance: str) -> Path:
    return tdir / WAL / instance


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
    tdir.mkdir(parents=True, exist_ok=True)
    with open(tdir / LOCK_FILE, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def segment_files(tdir: Path, kind: str = READINGS, instance: str | None = None) -> list[Path]:
    """The committed Parquet files of `kind`, optionally only those one instance wrote."""
    prefix = f"part-{instance}-" if instance else "part-"
    return sorted((tdir / kind).glob(f"day=*/{prefix}*.parquet"))


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


def _write_tmp(table: pa.Table, path: Path) -> Path:
    """Write a Parquet file under a hidden temporary name next to `path`, fsynced."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}{TMP_SUFFIX}")
    pq.write_table(table, tmp, compression="zstd")
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return tmp


def rollup(con: duckdb.DuckDBPyConnection, readings: pa.Table) -> pa.Table:
    """Minute rollups per device of a table of readings."""
    con.register("readings", readings)
    try:
        return con.sql(ROLLUP_SQL).to_arrow_table()
    finally:
        con.unregister("readings")


@dataclass
class Prepared:
    """Segments written under temporary names; `commit` makes them visible (rename)."""

    moves: list[tuple[Path, Path]] = field(default_factory=list)
    removals: list[Path] = field(default_factory=list)

    def commit(self) -> list[Path]:
        """Rename into place and drop what they replace; call it holding the exclusive lock."""
        for tmp, final in self.moves:
            os.replace(tmp, final)
        for path in self.removals:
            path.unlink(missing_ok=True)
        for directory in {final.parent for _, final in self.moves} | {
            p.parent for p in self.removals
        }:
            fsync_dir(directory)
        return [final for _, final in self.moves if READINGS in final.parts]

    def discard(self) -> None:
        for tmp, _ in self.moves:
            tmp.unlink(missing_ok=True)


def segment_name(instance: str) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    return f"part-{instance}-{stamp}-{secrets.token_hex(3)}.parquet"


def prepare_segments(
    tdir: Path, readings: pa.Table, instance: str, con: duckdb.DuckDBPyConnection
) -> Prepared:
    """One readings segment and its rollup per day of `readings`, sorted by device and seq."""
    prepared = Prepared()
    if not readings.num_rows:
        return prepared
    days = pc.divide(readings["ts"].cast(pa.int64()), US_PER_DAY)
    try:
        for day_index in pc.unique(days).to_pylist():
            part = readings.filter(pc.equal(days, day_index)).sort_by(
                [(key, "ascending") for key in READING_KEY]
            )
            day = dt.date(1970, 1, 1) + dt.timedelta(days=day_index)
            name = segment_name(instance)
            for kind, table in ((READINGS, part), (ROLLUPS, rollup(con, part))):
                final = tdir / kind / f"day={day.isoformat()}" / name
                prepared.moves.append((_write_tmp(table, final), final))
    except BaseException:
        prepared.discard()
        raise
    return prepared


def compact(tdir: Path, instance: str, con: duckdb.DuckDBPyConnection) -> int:
    """Merge an instance's small segments of each day into one; returns the days merged.

    Crash-safe through an intent file naming inputs and output: `recover` finishes or undoes
    a compaction that was interrupted.
    """
    merged = 0
    by_day: dict[Path, list[Path]] = {}
    for path in segment_files(tdir, READINGS, instance):
        if path.stat().st_size < SMALL_SEGMENT_BYTES:
            by_day.setdefault(path.parent, []).append(path)
    intent = wal_dir(tdir, instance) / INTENT_FILE
    for day_dir, inputs in sorted(by_day.items()):
        if len(inputs) < COMPACT_MIN_FILES:
            continue
        table = con.sql(
            "SELECT * FROM read_parquet(?, hive_partitioning = false) ORDER BY device_id, seq",
            params=[[str(p) for p in inputs]],
        ).to_arrow_table()
        name = segment_name(instance)
        prepared = Prepared()
        try:
            for kind, part in ((READINGS, table), (ROLLUPS, rollup(con, table))):
                final = tdir / kind / day_dir.name / name
                prepared.moves.append((_write_tmp(part, final), final))
        except BaseException:
            prepared.discard()
            raise
        prepared.removals = [
            p for path in inputs for p in (path, tdir / ROLLUPS / day_dir.name / path.name)
        ]
        _write_intent(intent, prepared)
        with telemetry_lock(tdir, exclusive=True):
            prepared.commit()
        intent.unlink()
        merged += 1
    return merged


def _write_intent(intent: Path, prepared: Prepared) -> None:
    intent.parent.mkdir(parents=True, exist_ok=True)
    tmp = intent.with_name(intent.name + TMP_SUFFIX)
    tmp.write_bytes(
        orjson.dumps(
            {
                "moves": [[str(a), str(b)] for a, b in prepared.moves],
                "removals": [str(p) for p in prepared.removals],
            }
        )
    )
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, intent)
    fsync_dir(intent.parent)


def recover(tdir: Path, instance: str, con: duckdb.DuckDBPyConnection) -> None:
    """Bring an instance's files to a consistent state after a crash, before it serves.

    An interrupted compaction is finished; leftover temporary
    files go; a segment without its rollup gets one, a rollup without its segment goes.
    """
    intent = wal_dir(tdir, instance) / INTENT_FILE
    if intent.exists():
        # The intent is written only once every output is complete and fsynced under its
        # temporary name, so rolling forward is always possible.
        plan = orjson.loads(intent.read_bytes())
        rest = Prepared(
            [(Path(a), Path(b)) for a, b in plan["moves"] if Path(a).exists()],
            [Path(p) for p in plan["removals"]],
        )
        with telemetry_lock(tdir, exclusive=True):
            rest.commit()
        intent.unlink()
    for kind in (READINGS, ROLLUPS):
        for tmp in (tdir / kind).glob(f"day=*/.part-{instance}-*{TMP_SUFFIX}"):
            tmp.unlink()
    readings = {p.relative_to(tdir / READINGS) for p in segment_files(tdir, READINGS, instance)}
    rollups = {p.relative_to(tdir / ROLLUPS) for p in segment_files(tdir, ROLLUPS, instance)}
    for orphan in rollups - readings:
        (tdir / ROLLUPS / orphan).unlink()
    for missing in sorted(readings - rollups):
        table = pq.ParquetFile(tdir / READINGS / missing).read()
        final = tdir / ROLLUPS / missing
        os.replace(_write_tmp(rollup(con, table), final), final)
        fsync_dir(final.parent)


def seq_ranges(con: duckdb.DuckDBPyConnection, tdir: Path) -> list[tuple[str, int, int]]:
    """(device_id, first, last) runs of consecutive seqs in all segments, set-wise.

    The dedupe index of a starting collector: compact however long the history is.
    """
    files = [str(p) for p in segment_files(tdir)]
    if not files:
        return []
    return con.execute(
        "SELECT device_id, min(seq), max(seq) FROM ("
        "  SELECT device_id, seq, seq - row_number() OVER (PARTITION BY device_id ORDER BY seq)"
        "  AS run FROM read_parquet(?, hive_partitioning = false)"
        ") GROUP BY device_id, run ORDER BY device_id, 2",
        [files],
    ).fetchall()


def logged_batches(tdir: Path) -> Iterator[Batch]:
    """Every record of every instance's log, oldest generation first per instance."""
    for directory in sorted((tdir / WAL).glob("*")):
        if directory.is_dir():
            for path in log_files(directory):
                yield from read_log(path)


@dataclass(frozen=True)
class AppendResult:
    accepted: int
    duplicates: int


def append_readings(data_dir: Path, readings: pa.Table, instance: str = "bulk") -> AppendResult:
    """Append validated readings (READING_SCHEMA) as segments, skipping known (device_id, seq).

    For the bulk history path: a reading already in a segment, in a collector's log or earlier
    in `readings` counts as a duplicate. Run it while no collector receives the same devices'
    live readings (a running collector does not see what this appends).
    """
    tdir = telemetry_dir(data_dir)
    con = connect()
    try:
        with telemetry_lock(tdir):
            files = [str(p) for p in segment_files(tdir)]
            logged = batches_to_table(logged_batches(tdir))
        con.register("incoming", readings.select(READING_SCHEMA.names).cast(READING_SCHEMA))
        con.register("logged", logged.select(list(READING_KEY)))
        known = "SELECT device_id, seq FROM logged"
        if files:
            known += (
                " UNION ALL SELECT device_id, seq FROM read_parquet(?, hive_partitioning = false)"
            )
        fresh = con.sql(
            f"SELECT * EXCLUDE (_n) FROM ("
            f"  SELECT *, row_number() OVER (PARTITION BY device_id, seq) AS _n FROM ("
            f"    SELECT * FROM incoming ANTI JOIN ({known}) USING (device_id, seq))"
            f") WHERE _n = 1",
            params=[files] if files else [],
        ).to_arrow_table()
        prepared = prepare_segments(tdir, fresh, check_instance(instance), con)
        with telemetry_lock(tdir, exclusive=True):
            prepared.commit()
    finally:
        con.close()
    return AppendResult(fresh.num_rows, readings.num_rows - fresh.num_rows)


@dataclass(frozen=True)
class DeviceStats:
    device_id: str
    readings: int
    inferences: int
    first_ts: dt.datetime
    last_ts: dt.datetime
    last_received_at: dt.datetime


def device_stats(data_dir: Path) -> list[DeviceStats]:
    """Per device: every acknowledged reading once, from segments and not yet flushed logs.

    Log records that already reached a segment (a crash between the two) count once, and so
    do records repeated in a log (a retry after a failed write).
    """
    tdir = telemetry_dir(data_dir)
    con = connect()
    try:
        with telemetry_lock(tdir):
            files = [str(p) for p in segment_files(tdir)]
            logged = batches_to_table(logged_batches(tdir))
            con.register("logged", logged)
            columns = "device_id, seq, ts, inferences, received_at"
            stored = (
                f"SELECT {columns} FROM read_parquet(?, hive_partitioning = false)"
                if files
                else f"SELECT {columns} FROM logged LIMIT 0"
            )
            rows = con.execute(
                f"WITH stored AS ({stored}), "
                f"fresh AS (SELECT DISTINCT ON (device_id, seq) {columns} FROM logged "
                f"          ANTI JOIN stored USING (device_id, seq)) "
                f"SELECT device_id, count(*), sum(inferences), min(ts), max(ts), "
                f"max(received_at) FROM (SELECT * FROM stored UNION ALL SELECT * FROM fresh) "
                f"GROUP BY device_id ORDER BY device_id",
                [files] if files else [],
            ).fetchall()
    finally:
        con.close()
    return [DeviceStats(*row) for row in rows]
