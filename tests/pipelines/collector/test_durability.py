"""Durable acks: a crash loses no acknowledged reading and doubles none; disk failure means 503."""

from __future__ import annotations

import datetime as dt
import shutil
import signal
import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import httpx
import orjson

from tests.pipelines.collector.conftest import Collector, reading
from tests.pipelines.collector.test_http import stats
from tests.waits import wait_until
from zakid_metrics.kpis import source_rows
from zakid_metrics.telemetry import Window, fleet_summary
from zakid_metrics.telemetry_store import HEADER
from zakid_metrics.warehouse import read_snapshot


def batch(device: str, first: int, size: int) -> list[dict[str, Any]]:
    """Readings first..first+size-1; inferences = seq % 7, so sums can be computed by hand."""
    return [
        reading(
            seq,
            device=device,
            ts=f"2025-06-02T10:{seq // 60 % 60:02d}:{seq % 60:02d}+02:00",
            inferences=seq % 7,
            latency_ms_mean=1.5,
        )
        for seq in range(first, first + size)
    ]


def send_concurrently(
    collector: Collector, tokens: dict[str, str], batches: int, size: int
) -> dict[str, int]:
    """Each device posts `batches` batches from its own thread; returns acknowledged counts."""
    acked = dict.fromkeys(tokens, 0)

    def device_loop(device: str) -> None:
        for n in range(batches):
            answer = collector.post(tokens[device], batch(device, n * size, size))
            assert answer.status_code == 200, answer.text
            acked[device] += answer.json()["accepted"]

    threads = [threading.Thread(target=device_loop, args=(d,)) for d in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return acked


def expected(count: int) -> tuple[int, int]:
    return count, sum(seq % 7 for seq in range(count))


def segment_keys(data_dir: Path) -> tuple[int, int]:
    """(rows, distinct (device_id, seq)) over all segments."""
    pattern = str(data_dir / "telemetry" / "readings" / "*" / "*.parquet")
    with duckdb.connect() as con:
        return con.execute(
            "SELECT count(*), count(DISTINCT (device_id, seq)) FROM read_parquet(?)", [pattern]
        ).fetchone()


def test_sigkill_right_after_acks_loses_nothing_and_doubles_nothing(
    start: Callable[..., Collector], tokens: dict[str, str], data_dir: Path
) -> None:
    # A long flush interval: the acknowledged readings exist only in the log when killed.
    collector = start("--flush-seconds", "600")
    acked = send_concurrently(collector, tokens, batches=8, size=250)
    collector.stop(signal.SIGKILL)
    assert acked == {"D1": 2000, "D2": 2000, "D3": 2000}
    assert list((data_dir / "telemetry" / "wal" / "main").glob("wal-*.log"))
    counts = {device: row[:2] for device, row in stats(data_dir).items()}
    assert counts == {device: expected(2000) for device in tokens}
    # Restart: replay moves the log into segments; a retry of everything is all duplicates.
    collector = start("--flush-seconds", "600")
    retried = collector.post(tokens["D2"], batch("D2", 0, 2000)).json()
    assert (retried["accepted"], retried["duplicates"]) == (0, 2000)
    collector.stop()
    assert not list((data_dir / "telemetry" / "wal" / "main").glob("wal-*.log"))
    assert segment_keys(data_dir) == (6000, 6000)
    counts = {device: row[:2] for device, row in stats(data_dir).items()}
    assert counts == {device: expected(2000) for device in tokens}


def test_replay_skips_what_already_reached_segments(
    start: Callable[..., Collector], tokens: dict[str, str], data_dir: Path
) -> None:
    wal = data_dir / "telemetry" / "wal" / "main"
    collector = start("--flush-seconds", "600")
    assert collector.post(tokens["D1"], batch("D1", 0, 300)).json()["accepted"] == 300
    collector.stop(signal.SIGKILL)
    kept = data_dir.parent / "kept-log"
    shutil.copytree(wal, kept)
    # The next start flushes the log into a segment and deletes it; put the log back, as if
    # the crash had come between writing the segment and deleting the log.
    start("--flush-seconds", "600").stop(signal.SIGKILL)
    assert segment_keys(data_dir) == (300, 300)
    assert not list(wal.glob("wal-*.log"))
    for path in kept.iterdir():
        shutil.copy(path, wal / path.name)
    assert stats(data_dir) == {
        "D1": (300, *expected(300)[1:], "2025-06-02T08:00:00Z", "2025-06-02T08:04:59Z")
    }
    collector = start("--flush-seconds", "600")
    assert collector.post(tokens["D1"], batch("D1", 295, 10)).json()["accepted"] == 5
    collector.stop()
    assert segment_keys(data_dir) == (305, 305)
    assert stats(data_dir)["D1"][:2] == expected(305)


def test_disk_write_failure_answers_503_and_acks_nothing(
    start: Callable[..., Collector], tokens: dict[str, str], data_dir: Path
) -> None:
    # The collector's files may not grow past 60 kB: a batch of 500 takes 38 kB.
    collector = start("--flush-seconds", "600", limit_file_bytes=60_000)
    first = batch("D1", 0, 500)
    assert collector.post(tokens["D1"], first).json()["accepted"] == 500
    second = batch("D1", 500, 500)
    answer = collector.post(tokens["D1"], second)
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "1"
    assert answer.json()["error"] == "not_durable"
    assert answer.json()["reason"].startswith("The batch could not be written to the log: ")
    assert answer.json()["hint"] == "Nothing of it was stored; send the same batch again later."
    # Not acknowledged means not claimed: the retry (to a fresh log file) is accepted in full.
    assert collector.post(tokens["D1"], second).json()["accepted"] == 500
    collector.stop(signal.SIGKILL)
    restarted = start("--flush-seconds", "600")
    restarted.stop()
    assert segment_keys(data_dir) == (1000, 1000)
    assert stats(data_dir)["D1"][:2] == expected(1000)


def healthz(collector: Collector) -> tuple[int, dict[str, Any]]:
    answer = collector.http.get("/healthz")
    return answer.status_code, answer.json()


def flushed(collector: Collector) -> bool:
    status, health = healthz(collector)
    return status == 200 and health["unflushed"] == 0 and not health["flushing"]


def flush_running(collector: Collector) -> bool:
    """Whether a flush with readings in it is running right now."""
    health = healthz(collector)[1]
    return health["flushing"] and health["unflushed"] > 0


BIG = 2**62  # the contract allows it: any inferences up to 2**63 - 1


def pill(seq: int, device: str) -> dict[str, Any]:
    """A reading whose sums with one more like it overflow 64 bits (all in one minute)."""
    return reading(
        seq,
        device=device,
        ts="2025-06-02T10:00:30+02:00",
        inferences=BIG,
        latency_ms_mean=1.0,
        bytes_on_device=BIG,
        interval_s=BIG,
    )


def test_a_poison_pill_stops_neither_flush_nor_restart_nor_the_read_side(
    start: Callable[..., Collector], tokens: dict[str, str], data_dir: Path
) -> None:
    collector = start("--flush-seconds", "600")
    assert collector.post(tokens["D1"], [pill(1, "D1"), pill(2, "D1")]).json()["accepted"] == 2
    assert collector.post(tokens["D2"], [pill(1, "D2")]).json()["accepted"] == 1
    collector.stop(signal.SIGKILL)
    # The restart replays the log into segments (that sum overflowed and stopped it).
    collector = start("--flush-seconds", "0.1")
    status, health = healthz(collector)
    assert (status, health["status"], health["flush"]["failures"]) == (200, "ok", 0)
    assert not list((data_dir / "telemetry" / "wal" / "main").glob("wal-*.log"))
    # A third one of D1 in the same minute goes through the periodic flush.
    assert collector.post(tokens["D1"], [pill(3, "D1")]).json()["accepted"] == 1
    wait_until(lambda: flushed(collector), "the flush")
    assert healthz(collector)[1]["status"] == "ok"
    collector.stop()
    assert segment_keys(data_dir) == (4, 4)
    assert {d: row[1] for d, row in stats(data_dir).items()} == {"D1": 3 * BIG, "D2": BIG}
    # The read side: the fleet summary and the drill-down of the 24 h inferences.
    window = Window.last(dt.timedelta(hours=24), dt.datetime(2025, 6, 2, 8, 5, tzinfo=dt.UTC))
    with read_snapshot(data_dir) as con:
        summary = fleet_summary(con, data_dir, window)
        rows = source_rows(con, "inferences_24h", as_of=dt.date(2025, 6, 2))
    assert summary.kpis["inferences_24h"].value == 4 * BIG
    assert summary.kpis["data_kept_on_device_share"].value == 1.0
    assert summary.kpis["data_kept_on_device_share"].details["bytes_on_device"] == 4 * BIG
    devices = summary.devices.set_index("device_id")["inferences"]
    assert {d: int(v) for d, v in devices.items()} == {"D1": 3 * BIG, "D2": BIG, "D3": 0}
    assert list(zip(rows["device_id"], rows["inferences"], strict=True)) == [
        ("D1", 3 * BIG),
        ("D2", BIG),
    ]


def test_healthz_reports_a_failing_flush_and_acks_go_on(
    start: Callable[..., Collector], tokens: dict[str, str], data_dir: Path
) -> None:
    # A real, lasting failure: a file where the flush wants the day's folder.
    blocker = data_dir / "telemetry" / "readings" / "day=2025-06-02"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("not a folder")
    collector = start("--flush-seconds", "0.1")
    assert collector.post(tokens["D1"], batch("D1", 0, 100)).json()["accepted"] == 100
    wait_until(lambda: healthz(collector)[1]["flush"]["failures"] >= 2, "two failed flushes")
    status, health = healthz(collector)
    assert (status, health["status"], health["unflushed"]) == (503, "failing", 100)
    assert health["flush"]["last_error"].startswith("FileExistsError: ")
    assert health["flush"]["failing_since"] is not None
    # The log still takes batches while the flush fails.
    assert collector.post(tokens["D1"], batch("D1", 100, 100)).json()["accepted"] == 100
    blocker.unlink()
    wait_until(lambda: flushed(collector), "a flush that works again")
    status, health = healthz(collector)
    assert (status, health["status"], health["flush"]["failures"]) == (200, "ok", 0)
    assert health["flush"]["last_error"] is None
    collector.stop()
    assert segment_keys(data_dir) == (200, 200)
    assert stats(data_dir)["D1"][:2] == expected(200)


def test_stops_during_flushes_store_every_ack_exactly_once(
    start: Callable[..., Collector], tokens: dict[str, str], data_dir: Path
) -> None:
    """SIGTERM, SIGINT and SIGKILL, each twice, while a flush is running."""
    acked: set[tuple[str, int]] = set()
    next_seq = dict.fromkeys(tokens, 0)
    signals = [signal.SIGTERM, signal.SIGINT, signal.SIGKILL] * 2
    for sig in signals:
        collector = start("--flush-seconds", "0.05")
        stop = threading.Event()

        def post_loop(device: str, collector: Collector = collector, stop: Any = stop) -> None:
            client = httpx.Client(base_url=collector.url, timeout=30)
            try:
                while not stop.is_set():
                    first = next_seq[device]
                    next_seq[device] += 500
                    try:
                        answer = client.post(
                            "/v1/telemetry",
                            content=orjson.dumps(batch(device, first, 500)),
                            headers={"Authorization": f"Bearer {tokens[device]}"},
                        )
                    except httpx.TransportError:
                        return
                    if answer.status_code != 200:
                        return
                    assert answer.json()["accepted"] == 500
                    acked.update((device, s) for s in range(first, first + 500))
            finally:
                client.close()

        threads = [threading.Thread(target=post_loop, args=(d,)) for d in tokens]
        for thread in threads:
            thread.start()
        # Stop while a flush with readings in it is running.
        wait_until(partial(flush_running, collector), "a running flush")
        assert collector.process is not None
        collector.process.send_signal(sig)
        stop.set()
        for thread in threads:
            thread.join()
        collector.process.wait(timeout=60)
    start().stop()
    rows, keys = segment_keys(data_dir)
    assert rows == keys  # nothing twice
    with duckdb.connect() as con:
        pattern = str(data_dir / "telemetry" / "readings" / "*" / "*.parquet")
        stored = set(
            con.execute("SELECT device_id, seq FROM read_parquet(?)", [pattern]).fetchall()
        )
    assert acked <= stored  # nothing acknowledged lost
    assert len(acked) >= 3 * 500 * len(signals)


def _records(path: Path) -> list[tuple[int, int]]:
    """(offset, length) of each record of a log file."""
    data = path.read_bytes()
    found, offset = [], 0
    while offset < len(data):
        _, length, _ = HEADER.unpack_from(data, offset)
        found.append((offset, HEADER.size + length))
        offset += HEADER.size + length
    return found


def test_a_damaged_log_record_is_kept_aside_and_the_rest_replayed(
    start: Callable[..., Collector], tokens: dict[str, str], data_dir: Path
) -> None:
    wal = data_dir / "telemetry" / "wal" / "main"
    collector = start("--flush-seconds", "600")
    for n in range(5):
        assert collector.post(tokens["D1"], batch("D1", n * 100, 100)).json()["accepted"] == 100
    collector.stop(signal.SIGKILL)
    (log_file,) = wal.glob("wal-*.log")
    records = _records(log_file)
    assert len(records) == 5
    data = bytearray(log_file.read_bytes())
    offset, length = records[2]
    data[offset + length // 2] ^= 0x01  # one flipped bit in the middle record
    damaged = bytes(data[offset : offset + length])
    last, last_length = records[4]
    torn = bytes(data[last : last + last_length // 2])  # and a write a crash cut short
    log_file.write_bytes(bytes(data) + torn)
    # The read side already sees every intact record, also those after the damage.
    seqs = [*range(0, 200), *range(300, 500)]
    assert stats(data_dir)["D1"][:2] == (400, sum(s % 7 for s in seqs))
    collector = start("--flush-seconds", "600")
    status, health = healthz(collector)
    kept = wal / "quarantine"
    name = f"damaged-{log_file.stem}-at-{offset}.bin"
    assert (status, health["status"]) == (200, "degraded")
    assert health["quarantine"] == {"directory": str(kept), "damaged": [name], "torn": 1}
    assert (kept / name).read_bytes() == damaged
    assert (kept / f"torn-{log_file.stem}-at-{len(data)}.bin").read_bytes() == torn
    assert "LOG DAMAGE: " in collector.log.read_text()
    assert not list(wal.glob("wal-*.log"))  # replayed into segments
    collector.stop()
    assert segment_keys(data_dir) == (400, 400)
    assert stats(data_dir)["D1"][:2] == (400, sum(s % 7 for s in seqs))
