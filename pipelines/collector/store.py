"""The collector's state: dedupe index, group-committed log, and the flush into segments."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from pipelines.collector.segments import (
    check_instance,
    compact,
    prepare_segments,
    recover,
    seq_ranges,
    wal_dir,
)
from pipelines.collector.tokens import registered_devices
from pipelines.collector.validation import MAX_FUTURE_US, Invalid, validate_reading
from pipelines.collector.wal import LogWriter, encode
from zakid_metrics.errors import NotDurableError, WarehouseError
from zakid_metrics.telemetry_store import (
    READING_SCHEMA,
    TIMESTAMP,
    Batch,
    batches_to_table,
    connect,
    log_files,
    read_log,
    telemetry_dir,
    telemetry_lock,
)
from zakid_metrics.warehouse import warehouse_path

log = logging.getLogger("zakid.collector")
FLUSH_ROWS = 250_000
"""Unflushed readings that trigger a flush before the interval is up (bounds memory and replay)."""
_SEQ = 1  # position of seq in a validated row (READING_FIELDS order)


class SeqRuns:
    """The seqs of one device as sorted runs of consecutive numbers: tiny for real fleets."""

    __slots__ = ("ends", "starts")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def __contains__(self, seq: int) -> bool:
        i = bisect_right(self.starts, seq) - 1
        return i >= 0 and seq <= self.ends[i]

    @property
    def last(self) -> int:
        return self.ends[-1] if self.ends else -1

    def add_run(self, first: int, last: int) -> None:
        starts, ends = self.starts, self.ends
        if not starts or first > ends[-1] + 1:
            starts.append(first)
            ends.append(last)
            return
        i = bisect_left(ends, first - 1)
        j = bisect_right(starts, last + 1)
        if i >= j:
            starts.insert(i, first)
            ends.insert(i, last)
        else:
            starts[i:j] = [min(first, starts[i])]
            ends[i:j] = [max(last, ends[j - 1])]

    def add(self, seqs: Iterable[int]) -> None:
        ordered = sorted(seqs)
        if not ordered:
            return
        first = previous = ordered[0]
        for seq in ordered[1:]:
            if seq != previous + 1:
                self.add_run(first, previous)
                first = seq
            previous = seq
        self.add_run(first, previous)


class SeqIndex:
    """Which (device_id, seq) are durable, and which are claimed by a batch still being logged."""

    def __init__(self) -> None:
        self.durable: dict[str, SeqRuns] = {}
        self.pending: dict[str, set[int]] = {}

    def claim(
        self, device: str, rows: list[tuple[Any, ...]]
    ) -> tuple[list[tuple[Any, ...]], set[int], list[int]]:
        """Split rows into new ones (now claimed) and duplicates.

        Returns the new rows, their seqs, and the duplicate seqs whose first copy is still
        being logged: their ack has to wait for that write.
        """
        runs = self.durable.get(device)
        last = runs.last if runs is not None else -1
        pending = self.pending.get(device, ())
        fresh: list[tuple[Any, ...]] = []
        seqs: set[int] = set()
        waiting: list[int] = []
        for row in rows:
            seq = row[_SEQ]
            if seq in seqs or (seq <= last and seq in runs):  # type: ignore[operator]
                continue
            if seq in pending:
                waiting.append(seq)
                continue
            seqs.add(seq)
            fresh.append(row)
        if seqs:
            self.pending.setdefault(device, set()).update(seqs)
        return fresh, seqs, waiting

    def confirm(self, device: str, seqs: set[int]) -> None:
        self._release(device, seqs)
        self.durable.setdefault(device, SeqRuns()).add(seqs)

    def release(self, device: str, seqs: set[int]) -> None:
        self._release(device, seqs)

    def _release(self, device: str, seqs: set[int]) -> None:
        pending = self.pending[device]
        pending -= seqs
        if not pending:
            del self.pending[device]

    def is_durable(self, device: str, seq: int) -> bool:
        runs = self.durable.get(device)
        return runs is not None and seq in runs


class DeviceRegistry:
    """Registered devices and their report intervals, re-read when a load publishes anew."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = warehouse_path(data_dir)
        self._stamp: tuple[int, int] | None = None
        self._intervals: dict[str, int] = {}

    def interval(self, device: str) -> int | None:
        """The device's report_interval_s; None when the device is not registered."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            if self._stamp is None:
                raise WarehouseError(
                    f"No warehouse at {self.path}: the collector cannot tell devices apart.",
                    "Load a delivery with the devices first: python -m pipelines ingest PATH",
                    path=str(self.path),
                ) from None
            return self._intervals.get(device)  # keep the last known registry meanwhile
        if (st.st_ino, st.st_mtime_ns) != self._stamp:
            self._intervals = registered_devices(self.data_dir)
            self._stamp = (st.st_ino, st.st_mtime_ns)
        return self._intervals.get(device)


@dataclass
class Rejected:
    index: int
    seq: Any
    invalid: Invalid

    def public(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "seq": self.seq,
            "field": self.invalid.field,
            "code": self.invalid.code,
            "reason": self.invalid.problem().reason_en,
        }


@dataclass
class Receipt:
    """The answer to one batch: accepted and durable, already stored, rejected with reasons."""

    accepted: int = 0
    duplicates: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    def public(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": [r.public() for r in self.rejected],
        }


class Collector:
    """Validates, de-duplicates and durably logs batches; flushes the log into segments.

    Concurrent batches share one fsync (group commit): while one group is being written, the
    next collects; a batch is answered when the group holding it is on disk.
    """

    def __init__(self, data_dir: Path, instance: str = "main", flush_seconds: float = 5.0) -> None:
        self.data_dir = Path(data_dir)
        self.instance = check_instance(instance)
        self.flush_seconds = flush_seconds
        self.tdir = telemetry_dir(self.data_dir)
        self.registry = DeviceRegistry(self.data_dir)
        self.index = SeqIndex()
        self._log: LogWriter | None = None
        self._wal_thread = ThreadPoolExecutor(1, thread_name_prefix="wal")
        self._flush_thread = ThreadPoolExecutor(1, thread_name_prefix="flush")
        self._queue: list[bytes] = []
        self._queued: list[tuple[Batch, set[int]]] = []
        self._round: asyncio.Future[OSError | None] | None = None
        self._in_flight: asyncio.Future[OSError | None] | None = None
        self._rotations: list[asyncio.Future[tuple[int, list[pa.Table]]]] = []
        self._writer: asyncio.Task[None] | None = None
        # Acknowledged batches as Arrow, converted one by one as they are acknowledged: the
        # flush thread then holds the GIL only briefly, so acks stay fast while it writes.
        self._unflushed: list[pa.Table] = []
        self._unflushed_rows = 0
        self._carried: list[pa.Table] = []
        self._flush_wanted = asyncio.Event()
        self._flush_lock = asyncio.Lock()
        self._flusher: asyncio.Task[None] | None = None

    # --- start and stop ---------------------------------------------------------------------

    def open(self) -> int:
        """Recover, rebuild the dedupe index and replay the own log; returns readings replayed.

        Replay goes through the index built from the segments, so records that reached a
        segment before a crash are skipped, and what is replayed is flushed at once.
        """
        self.registry.interval("")
        # Arrow loads its time zone data on the first UTC timestamp it converts (~0.3 s):
        # here, rather than inside the first acknowledgement.
        pa.array([0], TIMESTAMP)
        con = connect()
        try:
            recover(self.tdir, self.instance, con)
            with telemetry_lock(self.tdir):
                ranges = seq_ranges(con, self.tdir)
            for device, first, last in ranges:
                self.index.durable.setdefault(device, SeqRuns()).add_run(first, last)
            directory = wal_dir(self.tdir, self.instance)
            logs = log_files(directory) if directory.exists() else []
            replayed: list[Batch] = []
            for path in logs:
                for device, received_us, rows in read_log(path):
                    fresh, seqs, _ = self.index.claim(device, rows)
                    if fresh:
                        self.index.confirm(device, seqs)
                        replayed.append((device, received_us, fresh))
            self._log = LogWriter(directory)
            if logs:
                prepared = prepare_segments(
                    self.tdir, batches_to_table(replayed), self.instance, con
                )
                with telemetry_lock(self.tdir, exclusive=True):
                    prepared.commit()
                    self._log.delete_through(self._log.rotate())
        finally:
            con.close()
        return sum(len(rows) for _, _, rows in replayed)

    def start(self) -> None:
        """Start the periodic flush on the running event loop."""
        self._flusher = asyncio.get_running_loop().create_task(self._flush_loop())

    async def close(self) -> None:
        """Flush everything acknowledged into segments and release the log."""
        if self._flusher is not None:
            self._flusher.cancel()
        try:
            await self.flush()
        except Exception:
            log.exception("final flush failed; the log keeps the readings for the next start")
        if self._log is not None:
            self._log.close()
        self._wal_thread.shutdown()
        self._flush_thread.shutdown()

    # --- receiving ---------------------------------------------------------------------------

    async def receive(self, device: str, readings: list[dict[str, Any]]) -> Receipt:
        """Validate, de-duplicate and durably log one batch of a device's readings.

        Raises NotDurableError when the log write fails; nothing of the batch is then
        acknowledged (and nothing of it counts as stored for a retry).
        """
        receipt = Receipt()
        now_us = time.time_ns() // 1000
        interval = self.registry.interval(device)
        rows = []
        for i, reading in enumerate(readings):
            seq = reading.get("seq")
            seq = seq if type(seq) is int else None
            claimed = reading.get("device_id")
            if claimed is not None and claimed != device:
                invalid = Invalid("device_id", "foreign_device", claimed, {"device": device})
            elif interval is None:
                invalid = Invalid("device_id", "unknown_device", device)
            else:
                result = validate_reading(reading, interval, now_us + MAX_FUTURE_US)
                if type(result) is not Invalid:
                    rows.append(result)
                    continue
                invalid = result
            receipt.rejected.append(Rejected(i, seq, invalid))
        fresh, seqs, waiting = self.index.claim(device, rows)
        receipt.duplicates = len(rows) - len(fresh)
        if fresh:
            error = await self._log_batch(
                encode(device, now_us, fresh), (device, now_us, fresh), seqs
            )
            if error is not None:
                raise NotDurableError(
                    f"The batch could not be written to the log: {error}",
                    "Nothing of it was stored; send the same batch again later.",
                )
        elif waiting and self._barrier() is not None:
            await asyncio.shield(self._barrier())  # type: ignore[arg-type]
        if any(not self.index.is_durable(device, seq) for seq in waiting):
            raise NotDurableError(
                "An earlier copy of readings in this batch failed to reach the disk.",
                "Send the same batch again later.",
            )
        receipt.accepted = len(fresh)
        return receipt

    def _barrier(self) -> asyncio.Future[OSError | None] | None:
        """The write that everything claimed so far waits for: queued, else in flight."""
        return self._round if self._queue else self._in_flight

    async def _log_batch(self, record: bytes, batch: Batch, seqs: set[int]) -> OSError | None:
        loop = asyncio.get_running_loop()
        if self._round is None or not self._queue:
            self._round = loop.create_future()
        round_ = self._round
        self._queue.append(record)
        self._queued.append((batch, seqs))
        self._wake_writer()
        # Shielded: a client that disconnects must not cancel the others' shared round.
        return await asyncio.shield(round_)

    def _wake_writer(self) -> None:
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_loop())

    async def _write_loop(self) -> None:
        """Write queued records as one group per fsync; rotate the log when the flush asks."""
        loop = asyncio.get_running_loop()
        assert self._log is not None
        while self._queue or self._rotations:
            if self._rotations:
                closed = self._log.rotate()
                batches, self._unflushed, self._unflushed_rows = self._unflushed, [], 0
                for waiter in self._rotations:
                    waiter.set_result((closed, batches))
                    batches = []
                self._rotations = []
            if not self._queue:
                continue
            records, queued, round_ = self._queue, self._queued, self._round
            self._queue, self._queued, self._round = [], [], None
            self._in_flight = round_
            try:
                await loop.run_in_executor(self._wal_thread, self._log.append, records)
            except OSError as error:
                log.error("log write failed, %d batch(es) not acknowledged: %s", len(queued), error)
                self._log.abandon()
                for (device, _, _), seqs in queued:
                    self.index.release(device, seqs)
                outcome: OSError | None = error
            else:
                for batch, seqs in queued:
                    self.index.confirm(batch[0], seqs)
                    self._unflushed.append(batches_to_table([batch]))
                    self._unflushed_rows += len(batch[2])
                outcome = None
            finally:
                self._in_flight = None
            assert round_ is not None
            round_.set_result(outcome)
            if self._unflushed_rows >= FLUSH_ROWS:
                self._flush_wanted.set()

    # --- flushing into segments ----------------------------------------------------------------

    async def _flush_loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._flush_wanted.wait(), self.flush_seconds)
            self._flush_wanted.clear()
            try:
                await self.flush()
            except Exception:
                log.exception("flush failed; the readings stay in the log and are retried")

    async def flush(self) -> int:
        """Move everything acknowledged so far from the log into segments; returns readings.

        The log is rotated first, so new batches keep going to a fresh generation while the
        closed ones become Parquet and are then deleted.
        """
        async with self._flush_lock:
            loop = asyncio.get_running_loop()
            waiter: asyncio.Future[tuple[int, list[pa.Table]]] = loop.create_future()
            self._rotations.append(waiter)
            self._wake_writer()
            closed, tables = await waiter
            pending = self._carried + tables
            self._carried = pending
            await loop.run_in_executor(self._flush_thread, self._flush_sync, pending, closed)
            self._carried = []
            return sum(t.num_rows for t in pending)

    def _flush_sync(self, tables: list[pa.Table], closed: int) -> None:
        assert self._log is not None
        con = connect()
        try:
            readings = pa.concat_tables(tables) if tables else READING_SCHEMA.empty_table()
            prepared = prepare_segments(self.tdir, readings, self.instance, con)
            with telemetry_lock(self.tdir, exclusive=True):
                prepared.commit()
                try:
                    self._log.delete_through(closed)
                except OSError as error:
                    # Harmless: a later flush deletes them, and replay skips what is stored.
                    log.warning("flushed log files not deleted yet: %s", error)
            try:
                compact(self.tdir, self.instance, con)
            except (OSError, duckdb.Error) as error:
                log.warning("compaction postponed: %s", error)
        finally:
            con.close()

    def status(self) -> dict[str, Any]:
        return {"instance": self.instance, "unflushed": self._unflushed_rows}
