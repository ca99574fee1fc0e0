"""Durable acks: a crash loses no acknowledged reading and doubles none; disk failure means 503."""

from __future__ import annotations

import shutil
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from tests.pipelines.collector.conftest import Collector, reading
from tests.pipelines.collector.test_http import stats


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
