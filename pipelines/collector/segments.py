"""The telemetry store's writing side: the collector's segments and rollups per UTC day, the
bulk append's per UTC month, compaction, repair.

The layout, the lock protocol and the rollup rules are zakid_metrics.telemetry_store's, which
the read side shares.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import itertools
import os
import re
import secrets
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from zakid_metrics.contract import READING_KEY, add_months
from zakid_metrics.errors import UsageError
from zakid_metrics.files import atomic_write, fsync_path, replace_durably
from zakid_metrics.telemetry_store import (
    HISTORY,
    READING_SCHEMA,
    READINGS,
    ROLLUP_COLUMNS,
    ROLLUP_ROW_GROUP_ROWS,
    ROLLUP_SCHEMA,
    ROLLUP_SQL,
    ROLLUPS,
    US_PER_DAY,
    US_PER_MINUTE,
    WAL,
    WIDE_SUM,
    batches_to_table,
    connect,
    logged_batches,
    parquet_options,
    partition_path,
    segment_files,
    single_rollups,
    telemetry_dir,
    telemetry_lock,
    twin,
)

INTENT_FILE = "compaction.json"
TMP_SUFFIX = ".tmp"
SMALL_SEGMENT_BYTES = 32 * 1024 * 1024
COMPACT_MIN_FILES = 8
BATCH_ROWS = 1 << 16
"""Rows per batch streamed from DuckDB into a bulk append's segments."""
_FSYNC_THREADS = 32
_QUEUED_PARTS = 4
_INSTANCE = re.compile(r"[A-Za-z0-9_]{1,40}")


def check_instance(name: str) -> str:
    """An instance name that can stand in file names: letters, digits and underscores."""
    if not _INSTANCE.fullmatch(name):
        raise UsageError(
            f"Instance name {name!r} is not usable.",
            "Use 1 to 40 letters, digits or underscores, e.g. --instance c1.",
        )
    return name


def wal_dir(tdir: Path, instance: str) -> Path:
    return tdir / WAL / instance


def _write_tmp(table: pa.Table, path: Path, kind: str) -> Path:
    """Write a Parquet file of `kind` under a hidden temporary name next to `path`, fsynced."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}{TMP_SUFFIX}")
    row_group_size = ROLLUP_ROW_GROUP_ROWS if kind == ROLLUPS else None
    pq.write_table(table, tmp, row_group_size=row_group_size, **parquet_options(kind))
    fsync_path(tmp)
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
        # The partition folders (renames in them) and the folders that hold them (new
        # partitions; a new history tree).
        folders = {final.parent for _, final in self.moves} | {p.parent for p in self.removals}
        _fsync_all(folders | {f.parent for f in folders} | {f.parents[1] for f in folders})
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
                final = partition_path(tdir, kind, day) / name
                prepared.moves.append((_write_tmp(table, final, kind), final))
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
    for path in segment_files(tdir, READINGS, instance, daily_only=True):
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
                prepared.moves.append((_write_tmp(part, final, kind), final))
        except BaseException:
            prepared.discard()
            raise
        prepared.removals = [p for path in inputs for p in (path, twin(path, ROLLUPS))]
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
    replace_durably(tmp, intent)


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
    _repair(tdir, instance, con, monthly=False)


def _repair(tdir: Path, instance: str, con: duckdb.DuckDBPyConnection, monthly: bool) -> None:
    """Of an instance's files in the daily or the monthly tree: temporary files go; a segment
    without its rollup gets one, a rollup without its segment goes (a crash mid-commit)."""
    root = tdir / HISTORY if monthly else tdir
    for kind in (READINGS, ROLLUPS):
        for tmp in (root / kind).glob(f"*=*/.part-{instance}-*{TMP_SUFFIX}"):
            tmp.unlink()

    def own(kind: str) -> set[Path]:
        files = segment_files(tdir, kind, instance, daily_only=not monthly)
        return {p.relative_to(root / kind) for p in files if p.is_relative_to(root / kind)}

    readings, rollups = own(READINGS), own(ROLLUPS)
    for orphan in rollups - readings:
        (root / ROLLUPS / orphan).unlink()
    for missing in sorted(readings - rollups):
        table = pq.ParquetFile(root / READINGS / missing).read()
        final = root / ROLLUPS / missing
        os.replace(_write_tmp(rollup(con, table), final, ROLLUPS), final)
        fsync_path(final.parent)


WIDE_SUMS_MARKER = ".wide-sums"
"""In rollups/: every rollup file there has its integer sums as WIDE_SUM."""


def upgrade_rollups(tdir: Path, con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild rollup files written with 64-bit integer sums (before WIDE_SUM) from their
    segments; returns how many. Once done, a marker file saves the look at every file.

    Readers combine files by the first file's schema: an old BIGINT file first and a new sum
    beyond 64 bits after it would fail to read.
    """
    marker = tdir / ROLLUPS / WIDE_SUMS_MARKER
    if marker.exists() or not (tdir / ROLLUPS).is_dir():
        return 0
    wide = [c.name for c in ROLLUP_COLUMNS if c.type == WIDE_SUM]
    rebuilt = 0
    with telemetry_lock(tdir, exclusive=True):
        for path in segment_files(tdir, ROLLUPS):
            schema = pq.read_schema(path)
            if all(pa.types.is_decimal(schema.field(name).type) for name in wide):
                continue
            readings = pq.ParquetFile(twin(path, READINGS)).read()
            os.replace(_write_tmp(rollup(con, readings), path, ROLLUPS), path)
            fsync_path(path.parent)
            rebuilt += 1
        atomic_write(marker, b"")
    return rebuilt


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
    con = connect()
    try:
        incoming = readings.select(READING_SCHEMA.names).cast(READING_SCHEMA)
        con.register("incoming", incoming.append_column("_n", pa.array(range(len(incoming)))))
        return append_relation(con, data_dir, "incoming", "_n", instance)
    finally:
        con.close()


def _fsync_all(paths: Iterable[Path]) -> None:
    """fsync many files or folders at once: the file system commits them together, where one
    after the other each would wait for its own journal commit (730 days: 3 s against 0.2 s)."""
    with ThreadPoolExecutor(_FSYNC_THREADS) as pool:
        list(pool.map(fsync_path, paths))


class _MonthFiles:
    """The files of one kind, one per UTC month, made and written in a thread of their own,
    in order.

    A stream's kinds are computed and encoded side by side (pyarrow releases the GIL), while
    DuckDB produces the next batch; at most _QUEUED_PARTS parts wait, bounding the memory.
    """

    def __init__(
        self, kind: str, tdir: Path, names: dict[dt.date, str], instance: str, prepared: Prepared
    ) -> None:
        self.kind, self.tdir, self.names, self.instance = kind, tdir, names, instance
        self.prepared = prepared
        self.row_group_size = ROLLUP_ROW_GROUP_ROWS if kind == ROLLUPS else None
        self.thread = ThreadPoolExecutor(1, thread_name_prefix=f"bulk-{kind}")
        self.queued: collections.deque[Future[None]] = collections.deque()
        self.writer: pq.ParquetWriter | None = None
        self.month: dt.date | None = None

    def write(self, month: dt.date, part: Callable[[], pa.Table | None]) -> None:
        """Write what `part` makes (called in the thread, after the parts before it) to the
        file of `month`."""
        while len(self.queued) >= _QUEUED_PARTS:
            self.queued.popleft().result()
        self.queued.append(self.thread.submit(self._write, month, part))

    def _write(self, month: dt.date, part: Callable[[], pa.Table | None]) -> None:
        table = part()
        if table is None or not table.num_rows:
            return
        if month != self.month:
            self._close()
            self.month = month
            name = self.names.setdefault(month, segment_name(self.instance))
            final = partition_path(self.tdir, self.kind, month, monthly=True) / name
            final.parent.mkdir(parents=True, exist_ok=True)
            tmp = final.with_name(f".{final.name}{TMP_SUFFIX}")
            self.prepared.moves.append((tmp, final))
            self.writer = pq.ParquetWriter(tmp, table.schema, **parquet_options(self.kind))
        assert self.writer is not None
        self.writer.write_table(table, self.row_group_size)

    def _close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def close(self) -> None:
        """Wait for every part and close the last file; raises what a write raised."""
        try:
            self.queued.append(self.thread.submit(self._close))
            while self.queued:
                self.queued.popleft().result()
        finally:
            self.thread.shutdown()
            self._close()


def _descends(values: pa.Array) -> bool:
    # Array against array: a Python scalar in pyarrow.compute would import pandas (0.6 s).
    return len(values) > 1 and pc.any(pc.less(values[1:], values[:-1])).as_py()


_EPOCH_MONTH = 1970 * 12


def _months(times: pa.Array) -> pa.Array:
    """Months since January 1970 of UTC timestamps (the column is UTC)."""
    days = times.cast(pa.date32())
    months = pc.add(pc.multiply(pc.year(days), 12), pc.subtract(pc.month(days), 1))
    return pc.subtract(months, _EPOCH_MONTH)


def _month_cuts(times: pa.Array) -> tuple[list[int], list[int]]:
    """The offsets where a batch's month changes (first 0, last its length) and the month of
    each part; a batch whose extremes share their month is one part (no per-row months)."""
    extremes = pc.min_max(times.cast(pa.int64()))
    first, last = (_month_of(extremes[end].as_py()) for end in ("min", "max"))
    if first == last:
        return [0, len(times)], [first]
    months = _months(times)
    changes = pc.indices_nonzero(pc.not_equal(months[1:], months[:-1])).to_pylist()
    cuts = [0, *(i + 1 for i in changes), len(times)]
    return cuts, [months[begin].as_py() for begin in cuts[:-1]]


def _month_of(us: int) -> int:
    """_months of one timestamp in µs since the epoch."""
    day = dt.date(1970, 1, 1) + dt.timedelta(days=us // US_PER_DAY)
    return day.year * 12 + day.month - 1 - _EPOCH_MONTH


def _first_day(month: int) -> dt.date:
    """The first day of a month counted as _months counts."""
    return add_months(dt.date(1970, 1, 1), month)


class _Rollups:
    """The rollups of a stream of readings in time order, part by part: each reading's own
    values (single_rollups); where readings of a device may share a minute (`combine`), those
    values combined per device and minute by each column's rule (sum, max or min, as
    rollup_sql aggregates), the stream's last minute held back until a later part shows it
    complete. In the stream's order, so sorted by minute."""

    def __init__(self, combine: bool) -> None:
        self.combine = combine
        self.held: pa.Table | None = None

    def add(self, readings: pa.Table) -> pa.Table | None:
        """The rollups of the minutes complete with `readings` (of the held one's month)."""
        singles = single_rollups(readings)
        if not self.combine:
            return singles
        if self.held is not None:
            singles = pa.concat_tables([self.held, singles])
        minutes = singles["minute"]
        complete = pc.index(minutes, minutes[-1]).as_py()  # the first row of the last minute
        self.held = singles.slice(complete)
        return _combined(singles.slice(0, complete)) if complete else None

    def flush(self) -> pa.Table | None:
        """The rollups of the held minute (at the end of the stream or of a month)."""
        held, self.held = self.held, None
        return _combined(held) if held is not None else None


_COMBINED = [(c.name, c.combine) for c in ROLLUP_COLUMNS]


def _combined(singles: pa.Table) -> pa.Table:
    """single_rollups' rows combined per device and minute, in the order they first come."""
    out = singles.group_by(["device_id", "minute"], use_threads=False).aggregate(_COMBINED)
    columns = [out["device_id"], out["minute"]]
    columns += [out[f"{name}_{combine}"] for name, combine in _COMBINED]
    return pa.Table.from_arrays(columns, schema=ROLLUP_SCHEMA)


def _write_months(
    reader: pa.RecordBatchReader,
    combine: bool,
    tdir: Path,
    names: dict[dt.date, str],
    instance: str,
    prepared: Prepared,
) -> int | None:
    """Write a stream of readings as a segment and its rollups per UTC month; returns the
    readings, None when the stream is not in time order (the caller sorts it and writes it
    again). Files go under a temporary name beside their final one (added to `prepared`, not
    fsynced yet); a month's files are named by `names`, so a segment and its rollups share
    their name. `combine`: readings of a device may share a minute (_Rollups).
    """
    segments = _MonthFiles(READINGS, tdir, names, instance, prepared)
    rollup_files = _MonthFiles(ROLLUPS, tdir, names, instance, prepared)
    rollups = _Rollups(combine)
    last: int | None = None
    month: int | None = None
    rows = 0
    try:
        for batch in reader:
            if not batch.num_rows:
                continue
            times = batch["ts"].cast(pa.int64())
            if (last is not None and times[0].as_py() < last) or _descends(times):
                return None
            last = times[-1].as_py()
            cuts, months = _month_cuts(batch["ts"])
            for (begin, end), part_month in zip(itertools.pairwise(cuts), months, strict=True):
                if month is not None and part_month != month:
                    rollup_files.write(_first_day(month), rollups.flush)
                month = part_month
                part = _readings(batch.slice(begin, end - begin))
                segments.write(_first_day(month), lambda part=part: part)
                rollup_files.write(_first_day(month), functools.partial(rollups.add, part))
                rows += part.num_rows
        if month is not None:
            rollup_files.write(_first_day(month), rollups.flush)
    finally:
        reader.close()  # also when a write failed: the connection's result is freed
        segments.close()
        rollup_files.close()
    return rows


def _readings(batch: pa.RecordBatch) -> pa.Table:
    """A stream's READING_SCHEMA columns, typed as the collector writes them."""
    return pa.Table.from_batches([batch.select(READING_SCHEMA.names)]).cast(READING_SCHEMA)


def append_relation(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path,
    relation: str,
    first_by: str,
    instance: str = "bulk",
) -> AppendResult:
    """append_readings for readings already in DuckDB, in one pass whatever the days.

    `relation` (a trusted name on `con`) has READING_SCHEMA's columns and `first_by`: of
    readings sharing (device_id, seq) the one with its smallest value counts (e.g. the line in
    a file). The readings are streamed once into a segment and its rollups per UTC month of
    the history tree (_stream_months), whatever the number of days. All files are fsynced
    together and renamed into place under the exclusive lock. `con` must bucket in UTC
    (connect()).
    """
    tdir = telemetry_dir(data_dir)
    check_instance(instance)
    upgrade_rollups(tdir, con)
    with telemetry_lock(tdir, exclusive=True):
        _repair(tdir, instance, con, monthly=True)  # what an append that crashed left
    with telemetry_lock(tdir):
        files = [str(p) for p in segment_files(tdir)]
        logged = list(logged_batches(tdir))
    known = ["SELECT NULL::VARCHAR AS device_id, NULL::BIGINT AS seq"]
    params: dict[str, object] = {}
    if logged:
        con.register("_append_logged", batches_to_table(logged).select(list(READING_KEY)))
        known.append("SELECT device_id, seq FROM _append_logged")
    if files:
        known.append("SELECT device_id, seq FROM read_parquet($files, hive_partitioning = false)")
        params["files"] = files
    try:
        # The (usually few) keys already stored, and the copies after the first of a key:
        # small sets, so the readings themselves are never copied before they are written.
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _append_known AS SELECT DISTINCT device_id, seq "
            f"FROM {relation} SEMI JOIN ({' UNION ALL '.join(known)}) USING (device_id, seq)",
            params,
        )
    finally:
        if logged:
            con.unregister("_append_logged")
    # Whether a key repeats (then the copies need a closer look) and whether two readings of
    # a device share a minute (then the rollups need an aggregation): usually neither.
    total, (colliding, shared_minutes) = repeats(con, relation, ("seq", _MINUTE))
    ((known_keys,),) = con.execute("SELECT count(*) FROM _append_known").fetchall()
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _append_repeated AS SELECT device_id, seq, "
        f"min({first_by}) AS _keep FROM {relation} WHERE {'true' if colliding else 'false'} "
        "GROUP BY device_id, seq HAVING count(*) > 1"
    )
    ((repeated,),) = con.execute("SELECT count(*) FROM _append_repeated").fetchall()
    fresh = f"SELECT {_COLUMNS}, {first_by} AS _first FROM {relation} r"
    if known_keys:
        fresh += " ANTI JOIN _append_known k ON k.device_id = r.device_id AND k.seq = r.seq"
    if repeated:
        fresh += (
            " ANTI JOIN _append_repeated d ON d.device_id = r.device_id AND d.seq = r.seq "
            f"AND d._keep <> r.{first_by}"
        )
    con.execute(f"CREATE OR REPLACE TEMP VIEW _append_fresh AS {fresh}")
    prepared = Prepared()
    try:
        accepted = _stream_months(con, tdir, instance, prepared, single=not shared_minutes)
        _fsync_all([tmp for tmp, _ in prepared.moves])
    except BaseException:
        prepared.discard()
        raise
    finally:
        con.execute("DROP VIEW _append_fresh")
        con.execute("DROP TABLE _append_known")
        con.execute("DROP TABLE _append_repeated")
    with telemetry_lock(tdir, exclusive=True):
        prepared.commit()
    return AppendResult(accepted, total - accepted)


_COLUMNS = ", ".join(READING_SCHEMA.names)
_MINUTE = f"epoch_us(ts) // {US_PER_MINUTE}"
BITMAP_BITS = 1 << 28
"""The largest bitmap (32 MB) repeats sets a bit per value in; wider ranges are hashed."""


def repeats(
    con: duckdb.DuckDBPyConnection, relation: str, keys: tuple[str, ...]
) -> tuple[int, list[int]]:
    """The rows of `relation`, and per integer expression of `keys` how many rows repeat a
    (device_id, value) of an earlier row (count minus distinct pairs), exactly.

    Each device's values of a key span a range (a device counts its seq on by one; its
    readings of a file cover some months of minutes). Where the devices' ranges together are
    at most BITMAP_BITS wide, every pair sets its own bit of one bitmap, and the bits set
    count the distinct pairs: an order of magnitude cheaper than the hash table of a
    count(DISTINCT) on millions of rows. Wider ranges are counted by hash, where a hash
    collision counts as a repeat (the caller then looks closer).
    """
    values = ", ".join(f"{k} AS k{n}" for n, k in enumerate(keys))
    source = f"(SELECT device_id, {values} FROM {relation})"
    # HUGEINT: a seq's range may be as wide as BIGINT itself.
    bounds = ", ".join(
        f"min(k{n}) AS lo{n}, CAST(max(k{n}) AS HUGEINT) - min(k{n}) + 1 AS span{n}"
        for n in range(len(keys))
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _append_devices AS SELECT device_id, count(*) AS n, "
        f"{bounds} FROM {source} GROUP BY device_id"
    )
    try:
        sums = ", ".join(f"coalesce(sum(span{n}), 0)" for n in range(len(keys)))
        row = con.execute(f"SELECT coalesce(sum(n), 0), {sums} FROM _append_devices").fetchone()
        assert row is not None
        total, *widths = row
        counts = [
            f"bit_count(bitstring_agg(CAST(d.offset{n} + r.k{n} - d.lo{n} AS BIGINT), 0, "
            f"{max(width, 1) - 1}))"
            if width <= BITMAP_BITS
            else f"count(DISTINCT hash(r.device_id, r.k{n}))"
            for n, width in enumerate(widths)
        ]
        offsets = ", ".join(
            f"coalesce(sum(span{n}) OVER (ORDER BY device_id ROWS BETWEEN UNBOUNDED PRECEDING "
            f"AND 1 PRECEDING), 0) AS offset{n}"
            for n in range(len(keys))
        )
        distinct = con.execute(
            f"SELECT {', '.join(counts)} FROM {source} r JOIN "
            f"(SELECT *, {offsets} FROM _append_devices) d USING (device_id)"
        ).fetchone()
        assert distinct is not None
    finally:
        con.execute("DROP TABLE _append_devices")
    return total, [total - (pairs or 0) for pairs in distinct]


def _stream_months(
    con: duckdb.DuckDBPyConnection, tdir: Path, instance: str, prepared: Prepared, single: bool
) -> int:
    """_append_fresh streamed once, in time order, into a segment and rollups per UTC month.

    In the relation's order (a history file's usually is by time), else sorted by time. The
    rollups come from the same stream (_Rollups; combined where readings of a device share a
    minute, unless `single`).
    """
    names: dict[dt.date, str] = {}
    accepted: int | None = None
    for order in ("", " ORDER BY ts, _first"):
        moves = len(prepared.moves)
        accepted = _write_months(
            con.sql(f"SELECT {_COLUMNS} FROM _append_fresh{order}").to_arrow_reader(BATCH_ROWS),
            not single,
            tdir,
            names,
            instance,
            prepared,
        )
        if accepted is not None:
            break
        Prepared(prepared.moves[moves:]).discard()  # out of order: written again sorted
        del prepared.moves[moves:]
        names.clear()
    assert accepted is not None  # a stream sorted by time is in order
    return accepted


@dataclass(frozen=True)
class DeviceStats:
    device_id: str
    readings: int
    inferences: int
    first_ts: dt.datetime
    last_ts: dt.datetime
    last_received_at: dt.datetime
    last_seq: int


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
                f"max(received_at), max(seq) "
                f"FROM (SELECT * FROM stored UNION ALL SELECT * FROM fresh) "
                f"GROUP BY device_id ORDER BY device_id",
                [files] if files else [],
            ).fetchall()
    finally:
        con.close()
    return [DeviceStats(*row) for row in rows]
