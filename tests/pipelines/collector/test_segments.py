"""Segments and rollups on disk: UTC day partitions, hand-computed rollups, compaction, repair."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from pipelines.collector import segments
from pipelines.collector.segments import (
    READING_SCHEMA,
    append_readings,
    batches_to_table,
    compact,
    connect,
    recover,
    segment_files,
    telemetry_dir,
)
from pipelines.collector.validation import timestamp_us
from tests.pipelines.collector.conftest import Collector, flush, reading
from tests.pipelines.helpers import run_cli
from zakid_metrics.telemetry_store import rollup_sql, single_rollups

UTC = dt.UTC


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def test_segments_are_parquet_by_utc_day_with_hand_computed_rollups(
    start: Callable[..., Collector], tokens: dict[str, str], data_dir: Path
) -> None:
    collector = start()
    measures = ("inferences", "latency_ms_mean", "latency_ms_p95", "latency_ms_max", "energy_mwh")
    measures += ("bytes_on_device", "bytes_uplinked", "temperature_c")
    first = dict(zip(measures, (10, 2.0, 3.0, 5.0, 0.5, 1000, 10, 40), strict=True))
    second = dict(zip(measures, (30, 4.0, 6.0, 9.0, 1.5, 3000, 30, 45), strict=True))
    batch = [
        # 01:30:10 in UTC+2 is 23:30:10 UTC of the day before: it belongs to day=2025-06-01.
        reading(1, ts="2025-06-02T01:30:10+02:00", model_version="1.2", **first),
        reading(2, ts="2025-06-01T23:30:50Z", status="degraded", **second),
        reading(3, ts="2025-06-02T00:00:05Z", energy_mwh=0.1, status="error", interval_s=30),
    ]
    assert collector.post(tokens["D1"], batch).json()["accepted"] == 3
    collector.stop()  # graceful: the final flush writes the segments
    tdir = telemetry_dir(data_dir)
    readings = segment_files(tdir)
    assert [p.parent.name for p in readings] == ["day=2025-06-01", "day=2025-06-02"]
    assert all(p.name.startswith("part-main-") for p in readings)
    assert [p.relative_to(tdir / "rollups") for p in segment_files(tdir, "rollups")] == [
        p.relative_to(tdir / "readings") for p in readings
    ]
    # Any Parquet engine: pyarrow's dataset API sees the hive partitions and the UTC schema.
    dataset = ds.dataset(tdir / "readings", format="parquet", partitioning="hive")
    table = dataset.to_table().sort_by("seq")
    assert table.schema.field("ts").type == pa.timestamp("us", tz="UTC")
    assert table.column("day").to_pylist() == ["2025-06-01", "2025-06-01", "2025-06-02"]
    assert table.column("ts").to_pylist() == [
        utc("2025-06-01T23:30:10"),
        utc("2025-06-01T23:30:50"),
        utc("2025-06-02T00:00:05"),
    ]
    assert table.column("interval_s").to_pylist() == [60, 60, 30]
    con = connect()
    rollup_rows = rows(
        con,
        "SELECT * EXCLUDE (last_received_at) FROM read_parquet(?, "
        "hive_partitioning = true) ORDER BY minute",
        [str(tdir / "rollups" / "*" / "*.parquet")],
    )
    assert rollup_rows == [
        # readings, inferences, latency_ms_sum = 10 * 2.0 + 30 * 4.0, latency_ms_p95_sum =
        # 10 * 3.0 + 30 * 6.0 over inferences_p95, p95 max, max, energy over inferences_energy,
        # bytes kept, bytes sent, hottest, ok, degraded, error, interval_s, first, last, day
        (
            "D1",
            utc("2025-06-01T23:30:00"),
            2,
            40,
            140.0,
            210.0,
            40,
            6.0,
            9.0,
            2.0,
            40,
            4000,
            40,
            45.0,
            1,
            1,
            0,
            120,
            utc("2025-06-01T23:30:10"),
            utc("2025-06-01T23:30:50"),
            dt.date(2025, 6, 1),
        ),
        (
            "D1",
            utc("2025-06-02T00:00:00"),
            1,
            0,
            0.0,
            None,
            0,
            None,
            None,
            0.1,
            0,
            None,
            None,
            None,
            0,
            0,
            1,
            30,
            utc("2025-06-02T00:00:05"),
            utc("2025-06-02T00:00:05"),
            dt.date(2025, 6, 2),
        ),
    ]
    listed = run_cli("devices", "list", "--json", "--data-dir", str(data_dir))
    devices = {d["device_id"]: d for d in json.loads(listed.stdout)["devices"]}
    assert (devices["D1"]["token"], devices["D1"]["deployment_id"]) == ("active", "DEP1")
    assert devices["D1"]["last_seen"].startswith(str(dt.date.today().year))
    assert devices["D2"]["last_seen"] is None
    unknown = run_cli("devices", "token", "D9", "--data-dir", str(data_dir))
    assert unknown.returncode == 1
    assert "Device 'D9' is not in the warehouse's devices table." in unknown.stderr
    assert "Traceback" not in unknown.stderr


def table_of(device: str, seqs: range, day: str = "2025-06-01") -> pa.Table:
    row = [device, 0, 0, 60, 2, 1.0, 2.0, 3.0, 0.25, 10, 1, 20.0, "ok", None]
    rows_ = []
    for seq in seqs:
        row = list(row)
        row[1], row[2] = seq, timestamp_us(f"{day}T10:{seq % 60:02d}:00Z")
        rows_.append(row)
    return batches_to_table([(device, timestamp_us("2025-06-03T00:00:00Z"), rows_)])


def totals(con: duckdb.DuckDBPyConnection, tdir: Path) -> tuple[list[tuple], list[tuple]]:
    raw = rows(
        con,
        "SELECT device_id, count(*), count(DISTINCT seq), sum(inferences) "
        "FROM read_parquet(?, hive_partitioning = false) GROUP BY 1 ORDER BY 1",
        [[str(p) for p in segment_files(tdir)]],
    )
    minutes = rows(
        con,
        "SELECT device_id, minute, sum(readings), sum(inferences), "
        "sum(latency_ms_sum), sum(energy_mwh) FROM read_parquet(?, hive_partitioning = false) "
        "GROUP BY ALL ORDER BY ALL",
        [[str(p) for p in segment_files(tdir, "rollups")]],
    )
    return raw, minutes


def test_compaction_merges_small_segments_and_keeps_every_reading_once(tmp_path: Path) -> None:
    tdir = tmp_path / "telemetry"
    for n in range(9):
        flush(tdir, table_of("D1", range(n * 10, n * 10 + 10)))
    flush(tdir, table_of("D2", range(3), day="2025-06-02"))
    con = connect()
    before = totals(con, tdir)
    assert before[0] == [("D1", 90, 90, 180), ("D2", 3, 3, 6)]
    assert compact(tdir, "main", con) == 1  # only 2025-06-01 has enough small segments
    assert [p.parent.name for p in segment_files(tdir)] == ["day=2025-06-01", "day=2025-06-02"]
    assert [p.parent.name for p in segment_files(tdir, "rollups")] == [
        "day=2025-06-01",
        "day=2025-06-02",
    ]
    assert totals(con, tdir) == before
    # Merged rollups hold one row per device and minute: 90 readings over 60 minutes.
    assert rows(
        con,
        "SELECT count(*), count(DISTINCT minute), sum(readings) FROM read_parquet(?)",
        [str(tdir / "rollups" / "day=2025-06-01" / "*")],
    ) == [(60, 60, 90)]


def test_recovery_finishes_an_interrupted_compaction_and_repairs_rollups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tdir = tmp_path / "telemetry"
    for n in range(8):
        flush(tdir, table_of("D1", range(n * 10, n * 10 + 10)))
    con = connect()
    before = totals(con, tdir)

    class CrashError(Exception):
        pass

    def crash(*args: object, **kwargs: object) -> None:
        raise CrashError  # the process dies after the intent is written, before any rename

    monkeypatch.setattr(segments, "telemetry_lock", crash)
    with pytest.raises(CrashError):
        compact(tdir, "main", con)
    monkeypatch.undo()
    assert len(segment_files(tdir)) == 8
    assert (tdir / "wal" / "main" / "compaction.json").exists()
    recover(tdir, "main", con)
    assert len(segment_files(tdir)) == 1
    assert not (tdir / "wal" / "main" / "compaction.json").exists()
    assert not list(tdir.rglob("*.tmp"))
    assert totals(con, tdir) == before
    # A rollup lost (crash between the two renames of a flush), and one whose segment is gone.
    segment_files(tdir, "rollups")[0].unlink()
    flush(tdir, table_of("D9", range(1)))
    gone = segment_files(tdir)[-1]
    gone.unlink()
    recover(tdir, "main", con)
    assert [p.relative_to(tdir / "rollups") for p in segment_files(tdir, "rollups")] == [
        p.relative_to(tdir / "readings") for p in segment_files(tdir)
    ]
    assert not (tdir / "rollups" / gone.parent.name / gone.name).exists()
    assert totals(con, tdir) == before


def test_bulk_append_skips_known_and_repeated_readings(tmp_path: Path) -> None:
    flush(telemetry_dir(tmp_path), table_of("D1", range(0, 5)))
    incoming = pa.concat_tables([table_of("D1", range(3, 8)), table_of("D1", range(7, 9))])
    result = append_readings(tmp_path, incoming)
    assert (result.accepted, result.duplicates) == (4, 3)  # 5, 6, 7, 8 new; 3, 4, 7 again
    con = connect()
    assert totals(con, telemetry_dir(tmp_path))[0] == [("D1", 9, 9, 18)]
    assert READING_SCHEMA.names[-1] == "received_at"


def test_a_bulk_append_repairs_what_a_crashed_one_left(tmp_path: Path) -> None:
    """A bulk append killed mid-commit leaves a month's segment without its rollups and a
    temporary file; the next bulk append gives the segment its rollups (the same rows
    rollup_sql gives), drops the temporary file, and then appends as usual."""
    tdir = telemetry_dir(tmp_path)
    assert append_readings(tmp_path, table_of("D1", range(0, 5))).accepted == 5
    (segment,) = segment_files(tdir)
    assert segment.parent.name == "month=2025-06"
    twin_rollups = tdir / "history" / "rollups" / segment.parent.name / segment.name
    expected = pq.read_table(twin_rollups)
    twin_rollups.unlink()
    leftover = segment.with_name(".part-bulk-20250601T000000000000-abcdef.parquet.tmp")
    leftover.write_bytes(b"half a file")
    assert append_readings(tmp_path, table_of("D1", range(5, 7))).accepted == 2
    assert not leftover.exists()
    assert pq.read_table(twin_rollups).equals(expected)
    assert [p.parent.name for p in segment_files(tdir, "rollups")] == ["month=2025-06"] * 2
    con = connect()
    raw, minutes = totals(con, tdir)
    assert raw == [("D1", 7, 7, 14)]
    assert sum(m[2] for m in minutes) == 7  # every reading once in the rollups


def test_rollups_with_64_bit_sums_are_rebuilt_once(tmp_path: Path) -> None:
    """A store written before the wide sums: its first rollup file has BIGINT sums, and a new
    file with a sum beyond 64 bits could not be read together with it."""
    tdir = tmp_path / "telemetry"
    flush(tdir, table_of("D1", range(0, 3)))
    (old,) = segment_files(tdir, "rollups")
    narrow = ds.dataset(old).to_table()
    wide = [f.name for f in narrow.schema if pa.types.is_decimal(f.type)]
    assert wide == [
        "inferences",
        "inferences_p95",
        "inferences_energy",
        "bytes_on_device",
        "bytes_uplinked",
        "interval_s",
    ]
    narrow = narrow.cast(
        pa.schema([f.with_type(pa.int64()) if f.name in wide else f for f in narrow.schema])
    )
    pq.write_table(narrow, old)
    big = table_of("D1", range(3, 64, 60), day="2025-06-02")  # one minute: 10:03
    big = big.set_column(4, "inferences", pa.array([2**62, 2**62], pa.int64()))
    flush(tdir, big)
    con = connect()
    query = "SELECT sum(inferences) FROM read_parquet(?)"
    files = [str(p) for p in segment_files(tdir, "rollups")]
    with pytest.raises(duckdb.ConversionException, match="to type INT64"):
        rows(con, query, [files])
    assert segments.upgrade_rollups(tdir, con) == 1
    assert rows(con, query, [files]) == [(2**63 + 6,)]
    assert (tdir / "rollups" / ".wide-sums").exists()
    assert segments.upgrade_rollups(tdir, con) == 0


def _files_by_partition(tdir: Path, kind: str) -> dict[str, list[str]]:
    """The files of `kind` by their folder, relative to the telemetry directory."""
    found: dict[str, list[str]] = {}
    for path in segment_files(tdir, kind):
        found.setdefault(str(path.parent.relative_to(tdir)), []).append(path.name)
    return found


def _content(tdir: Path, kind: str, order: str) -> list[tuple]:
    """Every row of `kind`, in the files' own order within each file."""
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        return rows(
            con,
            f"SELECT * EXCLUDE (filename, file_row_number) FROM read_parquet(?, filename = true, "
            f"file_row_number = true, hive_partitioning = false) ORDER BY {order}",
            [[str(p) for p in segment_files(tdir, kind)]],
        )


@pytest.mark.parametrize("shared_minutes", [False, True])
@pytest.mark.parametrize("in_time_order", [True, False])
@pytest.mark.parametrize("batch_rows", [segments.BATCH_ROWS, 5])
def test_bulk_append_writes_one_segment_and_rollup_per_month_as_the_collector_does(
    tmp_path: Path,
    shared_minutes: bool,
    in_time_order: bool,
    batch_rows: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three days across a month's end, two devices, in one pass: one segment and one rollup
    file per UTC month in the history tree, of the same name, with the rollups the collector's
    flush computes of the same readings; rows in the file's order (by time), rollups by
    minute. Readings sharing a device and minute are aggregated; else each reading is its own
    rollup row (no aggregation needed). With 5 readings a batch, minutes and months span
    batches: a minute's rollup row still combines all its readings."""
    monkeypatch.setattr(segments, "BATCH_ROWS", batch_rows)
    step = 20 if shared_minutes else 60
    days = ("2025-05-31", "2025-06-01", "2025-06-02")
    tables = []
    for n, day in enumerate(days):
        for device in ("D2", "D1"):
            base = 1000 * n
            table = table_of(device, range(base, base + 6))
            moments = [
                timestamp_us(f"{day}T23:5{s // 3}:{s % 3 * step:02d}Z")
                if shared_minutes
                else timestamp_us(f"{day}T23:5{s}:00Z")
                for s in range(6)
            ]
            table = table.set_column(2, "ts", pa.array(moments, pa.timestamp("us", tz="UTC")))
            tables.append(table)
    incoming = pa.concat_tables(tables)
    order = pa.compute.sort_indices(incoming, [("ts", "ascending"), ("device_id", "ascending")])
    incoming = incoming.take(order)
    if not in_time_order:
        incoming = incoming.take(pa.array(range(incoming.num_rows - 1, -1, -1)))
    assert append_readings(tmp_path / "bulk", incoming) == segments.AppendResult(36, 0)
    flush(tmp_path / "flushed" / "telemetry", incoming)
    bulk, flushed = telemetry_dir(tmp_path / "bulk"), telemetry_dir(tmp_path / "flushed")
    names = _files_by_partition(bulk, "readings")
    assert sorted(names) == ["history/readings/month=2025-05", "history/readings/month=2025-06"]
    assert all(len(files) == 1 for files in names.values())
    assert list(_files_by_partition(bulk, "rollups").values()) == list(names.values())
    assert sorted(_files_by_partition(bulk, "rollups")) == [
        "history/rollups/month=2025-05",
        "history/rollups/month=2025-06",
    ]
    assert not list(bulk.rglob("*.tmp"))
    # The same rollup rows as the collector writes, sorted by minute within each file.
    in_files = _content(bulk, "rollups", "filename, file_row_number")
    assert sorted(in_files) == sorted(_content(flushed, "rollups", "minute, device_id"))
    assert [r[1] for r in in_files] == sorted(r[1] for r in in_files)
    assert len(in_files) == (12 if shared_minutes else 36)
    # The readings in the order they came (in time order: one day after the other).
    stored = _content(bulk, "readings", "filename, file_row_number")
    assert sorted(stored) == sorted(_content(flushed, "readings", "device_id, seq"))
    if in_time_order:
        expected = [(r["device_id"], r["seq"]) for r in incoming.to_pylist()]
        assert [(r[0], r[1]) for r in stored] == expected


def test_a_reading_alone_in_its_minute_is_its_own_rollup_row() -> None:
    """single_rollups gives each rollup column's value for one reading exactly as the
    aggregate does (values and Arrow types): NULLs, each status, sums beyond 64 bits, the
    default-less fields."""
    base = ["D1", 1, timestamp_us("2025-06-01T10:00:00Z"), 60, 2**62, 1.5, 2.5, 3.5]
    variants = [
        [*base, 0.25, 2**62, 1, 20.0, "ok", "1.0"],
        [*base[:5], None, None, None, None, None, None, None, "degraded", None],
        [*base[:4], 0, 1.0, None, 4.0, 0.0, 0, 0, -40.0, "error", None],
    ]
    readings = pa.concat_tables(
        batches_to_table([(f"D{n}", timestamp_us("2025-06-02T00:00:00Z"), [[f"D{n}", *r[1:]]])])
        for n, r in enumerate(variants)
    )
    con = connect()
    con.register("readings", readings)
    aggregated = con.sql(rollup_sql("readings")).to_arrow_table()
    single = single_rollups(readings)
    assert single.schema == aggregated.schema
    assert single.equals(aggregated)
    assert single.column("inferences").to_pylist() == [2**62, 2**62, 0]
    assert single.column("inferences_p95").to_pylist() == [2**62, 0, 0]
    assert [single.column(f"readings_{s}").to_pylist() for s in ("ok", "degraded", "error")] == [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
    ]


@pytest.mark.parametrize("bitmap_bits", [segments.BITMAP_BITS, 4])
def test_repeats_counts_rows_that_repeat_a_devices_value(
    bitmap_bits: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By hand: D1 has seqs 5, 6, 6, 9 (one repeat) and D2 seqs 5, 2**63 - 1 (none, and a
    range as wide as BIGINT: counted by hash); minutes 0, 0, 1, 1 for D1 (two repeats), 7, 7
    for D2 (one). With a bitmap of 4 bits every key is counted by hash instead."""
    monkeypatch.setattr(segments, "BITMAP_BITS", bitmap_bits)
    con = connect()
    con.execute(
        "CREATE TABLE r AS SELECT * FROM (VALUES ('D1', 5, 0), ('D1', 6, 0), ('D1', 6, 1), "
        "('D1', 9, 1), ('D2', 5, 7), ('D2', 9223372036854775807, 7)) v(device_id, seq, m)"
    )
    assert segments.repeats(con, "r", ("seq", "m")) == (6, [1, 3])
    # Without the widest seq, both keys fit the bitmap (unless it has 4 bits).
    assert segments.repeats(con, "(SELECT * FROM r WHERE seq < 10)", ("seq", "m")) == (5, [1, 2])
    assert segments.repeats(con, "(SELECT * FROM r WHERE false)", ("seq", "m")) == (0, [0, 0])
