"""Telemetry history through `ingest`: set-wise checks, exact lines, dedupe, the store's order."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipelines import ingest as ingest_module
from pipelines import telemetry_history
from pipelines.collector.segments import device_stats
from pipelines.ingest import FileResult, ingest
from tests.pipelines.collector.conftest import DELIVERY
from tests.pipelines.helpers import run_cli, table
from zakid_metrics.settings import get_settings
from zakid_metrics.telemetry_store import ROLLUPS, segment_files, telemetry_dir
from zakid_metrics.warehouse import read_snapshot

HEADER = "device_id,seq,ts,inferences,latency_ms_mean,latency_ms_p95,energy_mwh,status,note"


@pytest.fixture()
def delivery(tmp_path: Path) -> Path:
    """Devices D1 (60 s), D2 (30 s) and D3 (default 60 s), as the collector tests have them."""
    folder = tmp_path / "delivery"
    folder.mkdir()
    for name, text in DELIVERY.items():
        (folder / name).write_text(text)
    return folder


def telemetry_file(folder: Path, lines: list[str], name: str = "telemetry_2026-11.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *lines]) + "\n")
    return path


def only(run: object, entity: str = "telemetry") -> FileResult:
    (result,) = [f for f in run.files if f.entity == entity]  # type: ignore[attr-defined]
    return result


REJECTED = (
    'SELECT line, "column", value, code, reason FROM rejected_rows '
    "WHERE run_id = ? AND entity = 'telemetry' ORDER BY line"
)


def rejected(data_dir: Path, run_id: int) -> list[tuple]:
    return table(data_dir, REJECTED, [run_id])


def stored(data_dir: Path) -> list[tuple]:
    """Every stored reading: device, seq, ts (UTC text), interval, inferences, mean, status."""
    with duckdb.connect() as con:
        return con.execute(
            "SELECT device_id, seq, strftime(timezone('UTC', ts), '%Y-%m-%dT%H:%M:%SZ'), "
            "interval_s, inferences, latency_ms_mean, status "
            "FROM read_parquet(?, hive_partitioning = false) ORDER BY device_id, seq",
            [[str(p) for p in segment_files(telemetry_dir(data_dir))]],
        ).fetchall()


def test_every_rule_rejects_its_row_with_line_and_reason(
    delivery: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def exact_reader(path: Path) -> None:
        raise AssertionError(f"{path.name} is regular: DuckDB's reader takes it")

    monkeypatch.setattr(telemetry_history, "read_table", exact_reader)
    telemetry_file(
        delivery,
        [
            "D1,1,2026-11-20T10:00:00Z,5,1.5,2.5,0.25,ok,x",  # line 2
            "D1,2,2026-11-20T10:01:00Z,6,1.5,1.0,,ok,",  # 3: p95 below the mean
            "D9,1,2026-11-20T10:01:00Z,6,1.5,2.0,,ok,",  # 4: no such device
            "D1,1,2026-11-20T10:00:00Z,7,1.5,2.0,,ok,",  # 5: seq 1 again: a duplicate
            "D2,1,2026-11-20T10:00:00+01:00,0,,,,DEGRADED,",  # 6: interval from the device
            "D2,2,2026-11-20T10:00:00,0,,,,ok,",  # 7: no offset
            "D2,3,2026-11-20T10:02:00Z,3,,,,ok,",  # 8: inferences without a latency
            "D2,4,2026-11-20T10:02:00Z,-3,,,,ok,",  # 9: negative
            "D2,5,2026-11-20T10:02:00Z,3,1,2,,broken,",  # 10: no such status
            "D3,7,2099-01-01T00:00:00Z,1,1,2,,ok,",  # 11: far in the future
            ",8,2026-11-20T10:02:00Z,1,1,2,,ok,",  # 12: no device
            # cells the typed reader turns away are checked again as text
            "D3,x1,2026-11-20T10:02:00Z,1,1,2,,ok,",  # 13: no number
            "D3,9,2026-11-20T10:03:00Z,1e3, 2 ,3,,ok,",  # 14: 1 000, spaces: valid
            "D3,10,2026-11-20T10:03:00Z,2.5,1,2,,ok,",  # 15: no whole number
            "D3,11,2026-11-20T10:04:00Z,1,1,0.5,,ok,",  # 16: p95 below the mean
            "D3,12,1900-01-01T00:00:00Z,1,1,2,,ok,",  # 17: more than 3660 days back
        ],
    )
    data_dir = tmp_path / "data"
    run = ingest([delivery], data_dir)
    result = only(run)
    assert (result.status, result.format, result.encoding, result.delimiter) == (
        "loaded",
        "csv",
        "utf-8",
        ",",
    )
    assert (result.rows_read, result.rows_loaded, result.rows_rejected, result.rows_duplicate) == (
        16,
        3,
        12,
        1,
    )
    assert [w.en for w in result.warnings] == [
        "telemetry_2026-11.csv: columns note are not part of the data contract and are ignored."
    ]
    found = rejected(data_dir, run.run_id)
    assert [row[:4] for row in found] == [
        (3, "latency_ms_p95", "1.0", "less_than_field"),
        (4, "device_id", "D9", "unknown_device"),
        (7, "ts", "2026-11-20T10:00:00", "not_a_timestamp"),
        (8, "latency_ms_mean", None, "required_when_positive"),
        (9, "inferences", "-3", "must_be_ge"),
        (10, "status", "broken", "not_an_option"),
        (11, "ts", "2099-01-01T00:00:00Z", "ts_in_future"),
        (12, "device_id", None, "missing"),
        (13, "seq", "x1", "not_a_number"),
        (15, "inferences", "2.5", "not_an_integer"),
        (16, "latency_ms_p95", "0.5", "less_than_field"),
        (17, "ts", "1900-01-01T00:00:00Z", "ts_too_old"),
    ]
    reasons = {line: reason for line, *_, reason in found}
    assert reasons[3] == "'latency_ms_p95' (1.0) must not be less than 'latency_ms_mean' (1.5)."
    assert (
        reasons[8] == "'latency_ms_mean' is required when 'inferences' is greater than 0 (here 3)."
    )
    assert reasons[9] == "'-3' in 'inferences' must not be less than 0."
    assert reasons[10] == "'broken' is not allowed in 'status'. Allowed: ok, degraded, error."
    assert reasons[11].startswith(
        "'2099-01-01T00:00:00Z' in 'ts' is more than 5 minutes in the future (received at 20"
    )
    assert reasons[17].startswith(
        "'1900-01-01T00:00:00Z' in 'ts' is more than 3660 days in the past (received at 20"
    )
    with read_snapshot(data_dir) as con:
        (german,) = con.execute(
            "SELECT reason_de FROM rejected_rows WHERE entity = 'telemetry' AND line = 4"
        ).fetchall()[0]
    assert (
        german
        == "„D9“ in „device_id“ ist kein registriertes Gerät. Bitte zuerst in devices.csv liefern."
    )
    # The first of the two seq-1 readings counts; D2's interval is its report interval.
    assert stored(data_dir) == [
        ("D1", 1, "2026-11-20T10:00:00Z", 60, 5, 1.5, "ok"),
        ("D2", 1, "2026-11-20T09:00:00Z", 30, 0, None, "degraded"),
        ("D3", 9, "2026-11-20T10:03:00Z", 60, 1000, 2.0, "ok"),
    ]


def test_german_excel_export_with_empty_lines_goes_through_the_exact_reader(
    delivery: Path, tmp_path: Path
) -> None:
    lines = [
        "Device_ID ; SEQ;ts;inferences;latency_ms_mean;latency_ms_p95;energy_mwh;status;Notiz",
        "D1;1;2026-11-20T10:00:00+01:00;1.234;1,5;2,25;0,5;ok;Prüfstand",
        "",
        "D1;2;2026-11-20T10:01:00+01:00;2;1.234,5;1.300,25;;ok;",  # line 4
        "D1;3;2026-11-20T10:02:00+01:00;2;1,5;1,0;;ok;",  # line 5: p95 below the mean
    ]
    path = delivery / "Telemetry_export.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n\r\n").encode("cp1252"))
    data_dir = tmp_path / "data"
    run = ingest([delivery], data_dir)
    result = only(run)
    assert (result.encoding, result.delimiter) == ("cp1252", ";")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    assert [row[:4] for row in rejected(data_dir, run.run_id)] == [
        (5, "latency_ms_p95", "1,0", "less_than_field")
    ]
    assert stored(data_dir) == [
        ("D1", 1, "2026-11-20T09:00:00Z", 60, 1234, 1.5, "ok"),
        ("D1", 2, "2026-11-20T09:01:00Z", 60, 2, 1234.5, "ok"),
    ]


def test_a_line_break_in_a_cell_goes_to_the_exact_reader_after_one_try(
    delivery: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB's reader reads a record over two lines as one: its row numbers are no lines.
    The typed read shows it (no cell turned away, fewer records than lines), so the text
    read is skipped and the exact reader gives the right line to the rejected row."""
    checks: list[str] = []  # the set-wise checks built, one per reader that tried
    build = telemetry_history.reading_checks_sql
    monkeypatch.setattr(
        telemetry_history,
        "reading_checks_sql",
        lambda source, *args: checks.append(source) or build(source, *args),
    )
    telemetry_file(
        delivery,
        [
            'D1,1,2026-11-20T10:00:00Z,5,1.5,2.5,,ok,"first line',
            'second line"',
            "D1,2,2026-11-20T10:01:00Z,6,1.5,1.0,,ok,",  # line 4: p95 below the mean
        ],
    )
    data_dir = tmp_path / "data"
    run = ingest([delivery], data_dir)
    result = only(run)
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (2, 1, 1)
    assert [row[:4] for row in rejected(data_dir, run.run_id)] == [
        (4, "latency_ms_p95", "1.0", "less_than_field")
    ]
    assert len(checks) == 2  # typed by DuckDB, then the exact reader


def test_parquet_history_with_typed_columns(delivery: Path, tmp_path: Path) -> None:
    ts = pa.array(
        [dt.datetime(2026, 11, 20, 10, m, tzinfo=dt.UTC) for m in range(3)],
        pa.timestamp("ms", tz="UTC"),
    )
    table = pa.table(
        {
            "device_id": ["D1", "D3", "D3"],
            "seq": pa.array([1, 1, 2], pa.int32()),
            "ts": ts,
            "Inferences": pa.array([10, 20, -1], pa.int64()),
            "latency_ms_mean": pa.array([0.5, 0.25, 1.0], pa.float32()),
            "temperature_c": pa.array([40.5, None, 20.0]),
        }
    )
    pq.write_table(table, delivery / "telemetry.parquet")
    data_dir = tmp_path / "data"
    run = ingest([delivery], data_dir)
    result = only(run)
    assert (result.format, result.rows_read, result.rows_loaded, result.rows_rejected) == (
        "parquet",
        3,
        2,
        1,
    )
    # Parquet has no header line: the line is the row's number in the file.
    assert [row[:4] for row in rejected(data_dir, run.run_id)] == [
        (3, "inferences", "-1", "must_be_ge")
    ]
    assert stored(data_dir) == [
        ("D1", 1, "2026-11-20T10:00:00Z", 60, 10, 0.5, "ok"),
        ("D3", 1, "2026-11-20T10:01:00Z", 60, 20, 0.25, "ok"),
    ]


def test_unusable_files_fail_with_a_message_and_load_nothing(
    delivery: Path, tmp_path: Path
) -> None:
    naive = pa.table({"device_id": ["D1"], "seq": [1], "ts": [dt.datetime(2026, 11, 20)]})
    pq.write_table(
        naive.append_column("inferences", pa.array([1])), delivery / "telemetry_a.parquet"
    )
    (delivery / "telemetry_b.parquet").write_bytes(b"PAR1 not really")
    (delivery / "telemetry_c.csv").write_text("device_id,seq,inferences\nD1,1,5\n")
    run = ingest([delivery], tmp_path / "data")
    failed = {f.file: f for f in run.files if f.entity == "telemetry"}
    assert {name: f.status for name, f in failed.items()} == dict.fromkeys(failed, "failed")
    assert (
        failed["telemetry_a.parquet"]
        .errors[0]
        .en.startswith(
            "telemetry_a.parquet: the column ts holds times without a time zone (TIMESTAMP)."
        )
    )
    assert (
        failed["telemetry_b.parquet"]
        .errors[0]
        .en.startswith("telemetry_b.parquet is not a readable Parquet file")
    )
    assert (
        failed["telemetry_c.csv"]
        .errors[0]
        .en.startswith(
            "telemetry_c.csv: required column(s) ts missing (found: device_id, seq, inferences)."
        )
    )
    assert "Traceback" not in " ".join(e.de for f in failed.values() for e in f.errors)
    assert run.status == "partial"
    assert device_stats(tmp_path / "data") == []


def test_loading_again_is_unchanged_and_overlaps_are_duplicates(
    delivery: Path, tmp_path: Path
) -> None:
    first = telemetry_file(delivery, [f"D1,{s},2026-11-20T10:0{s}:00Z,1,1,1,,ok," for s in (1, 2)])
    data_dir = tmp_path / "data"
    ingest([delivery], data_dir)
    done = run_cli("ingest", str(first), "--data-dir", str(data_dir), "--json")
    assert done.returncode == 0, done.stderr
    (again,) = json.loads(done.stdout)["files"]
    assert (again["status"], again["rows_read"]) == ("unchanged", 0)
    overlapping = telemetry_file(
        delivery, [f"D1,{s},2026-11-20T10:0{s}:00Z,1,1,1,,ok," for s in (2, 3)], "telemetry_b.csv"
    )
    result = only(ingest([overlapping], data_dir))
    assert (result.rows_read, result.rows_loaded, result.rows_duplicate) == (2, 1, 1)
    assert [s[1] for s in stored(data_dir)] == [1, 2, 3]


def test_a_failed_publish_after_the_append_loses_and_doubles_nothing(
    delivery: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    telemetry_file(delivery, [f"D2,{s},2026-11-20T10:0{s}:00Z,2,1,1,,ok," for s in range(4)])
    data_dir = tmp_path / "data"

    def crash(*args: object) -> None:
        raise OSError("disk full while recording the run")

    monkeypatch.setattr(ingest_module, "_record", crash)
    with pytest.raises(OSError):
        ingest([delivery], data_dir)
    monkeypatch.undo()
    # The readings reached the store, the warehouse was not published.
    assert not (data_dir / "warehouse.duckdb").exists()
    assert len(stored(data_dir)) == 4
    result = only(ingest([delivery], data_dir))
    assert (result.status, result.rows_loaded, result.rows_duplicate) == ("loaded", 0, 4)
    assert [(s.device_id, s.readings, s.inferences) for s in device_stats(data_dir)] == [
        ("D2", 4, 8)
    ]


def test_seqs_beyond_double_precision_stay_exact(delivery: Path, tmp_path: Path) -> None:
    # 2**62 + 1 and + 2 are the same number as a DOUBLE: the file is read again as text.
    big = 2**62
    telemetry_file(delivery, [f"D1,{big + n},2026-11-20T10:0{n}:00Z,1,1,1,,ok," for n in (1, 2)])
    result = only(ingest([delivery], tmp_path / "data"))
    assert (result.rows_loaded, result.rows_duplicate) == (2, 0)
    assert [row[1] for row in stored(tmp_path / "data")] == [big + 1, big + 2]


def test_sums_beyond_64_bits_load_and_add_up(delivery: Path, tmp_path: Path) -> None:
    """Two readings of one device in one minute with 2**62 inferences each: the minute's sum
    needs more than 64 bits (BIGINT), and so does the fleet's with one more device."""
    big = 2**62
    telemetry_file(
        delivery,
        [f"D1,{n},2026-11-20T10:00:{n:02d}Z,{big},1,1,,ok," for n in (1, 2)]
        + [f"D2,1,2026-11-20T10:00:00Z,{big},1,1,,ok,"],
    )
    data_dir = tmp_path / "data"
    result = only(ingest([delivery], data_dir))
    assert (result.status, result.rows_loaded, result.rows_rejected) == ("loaded", 3, 0)
    assert [(s.device_id, s.inferences) for s in device_stats(data_dir)] == [
        ("D1", 2 * big),
        ("D2", big),
    ]
    with duckdb.connect() as con:
        rollups = con.execute(
            "SELECT device_id, readings, inferences, typeof(inferences) FROM read_parquet(?) "
            "ORDER BY device_id",
            [[str(p) for p in segment_files(telemetry_dir(data_dir), ROLLUPS)]],
        ).fetchall()
    assert rollups == [
        ("D1", 2, 2 * big, "DECIMAL(38,0)"),
        ("D2", 1, big, "DECIMAL(38,0)"),
    ]


def test_history_files_have_a_size_guard_of_their_own(
    delivery: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ZAKID_MAX_FILE_MB guards the entity files, which are read into memory; a history file,
    read by DuckDB within a fixed memory limit, has ZAKID_MAX_HISTORY_MB (10 M readings are
    741 MB, beyond the entity files' 250)."""
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    lines = [
        f"D1,{n},{(start + dt.timedelta(minutes=n)):%Y-%m-%dT%H:%M:%SZ},5,1.5,2.5,0.25,ok,"
        for n in range(1, 25_001)
    ]
    path = telemetry_file(delivery, lines)
    assert 1_000_000 < path.stat().st_size < 2_000_000

    def load(env: str, data_dir: Path) -> FileResult:
        monkeypatch.setenv(env, "1")
        get_settings.cache_clear()
        try:
            return only(ingest([delivery], data_dir))
        finally:
            monkeypatch.delenv(env)
            get_settings.cache_clear()

    entity_guard = load("ZAKID_MAX_FILE_MB", tmp_path / "a")
    assert (entity_guard.status, entity_guard.rows_loaded) == ("loaded", 25_000)
    history_guard = load("ZAKID_MAX_HISTORY_MB", tmp_path / "b")
    assert (history_guard.status, history_guard.rows_read) == ("failed", 0)
    assert [m.en for m in history_guard.errors] == [
        "telemetry_2026-11.csv has 2 MB, more than the 1 MB a telemetry history file may have "
        "(setting ZAKID_MAX_HISTORY_MB); it is not read. Split it by period into smaller files, "
        "or raise the setting."
    ]
