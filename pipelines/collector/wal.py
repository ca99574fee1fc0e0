"""The collector's append-only log: a batch is acknowledged once its record is fsynced here."""

from __future__ import annotations

import contextlib
import os
import zlib
from pathlib import Path
from typing import Any

import orjson

from zakid_metrics.files import fsync_fd, fsync_path
from zakid_metrics.telemetry_store import HEADER, MAGIC, generation, log_files


def encode(device_id: str, received_us: int, rows: list[tuple[Any, ...]]) -> bytes:
    """A framed record: magic, length and CRC-32 let replay tell an intact record from a torn
    or damaged one, and find the next intact record after damage."""
    payload = orjson.dumps((device_id, received_us, rows))
    return HEADER.pack(MAGIC, len(payload), zlib.crc32(payload)) + payload


class LogWriter:
    """Appends records to numbered log files (generations); used from one thread at a time.

    Rotation closes the current generation so that the segment flusher can turn every closed
    generation into Parquet and then delete it, while new records go to the next one.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        existing = log_files(directory)
        self.generation = generation(existing[-1]) + 1 if existing else 1
        self._fd: int | None = None

    def append(self, records: list[bytes]) -> int:
        """Write and fsync `records` as one group; returns the generation they are in."""
        if self._fd is None:
            path = self.directory / f"wal-{self.generation:012d}.log"
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
            fsync_path(self.directory)
        data = memoryview(b"".join(records))
        while data:
            written = os.write(self._fd, data)
            data = data[written:]
        fsync_fd(self._fd, data_only=True)
        return self.generation

    def rotate(self) -> int:
        """Close the current generation; returns the newest closed one (0 if none yet)."""
        if self._fd is None:
            return self.generation - 1
        self.close()
        self.generation += 1
        return self.generation - 1

    def abandon(self) -> None:
        """After a failed write: never append to that file again (its tail may be torn)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        self.generation += 1

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def delete_through(self, closed: int) -> None:
        """Remove the log files of generations <= `closed`, once their records are in segments."""
        removed = False
        for path in log_files(self.directory):
            if generation(path) <= closed:
                path.unlink()
                removed = True
        if removed:
            fsync_path(self.directory)
