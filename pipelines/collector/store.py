"""The collector's state: dedupe index, group-committed log, and the flush into segments."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import threading
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.collector.segments import (
    check_instance,
    compact,
    prepare_segments,
    recover,
    seq_ranges,
    upgrade_rollups,
    wal_dir,
)
from pipelines.collector.tokens import registered_devices
from pipelines.collector.validation import Invalid, TsWindow, validate_reading
from pipelines.collector.wal import LogWriter, encode
from zakid_metrics.errors import NotDurableError, WarehouseError
from zakid_metrics.files import atomic_write
from zakid_metrics.settings import Settings, get_settings
from zakid_metrics.telemetry_store import (
    READING_SCHEMA,
    READINGS,
    TIMESTAMP,
    Batch,
    LogDamage,
    batches_to_table,
    connect,
    files_covering,
    log_files,
    read_log,
    segment_files,
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


@dataclass
class Claim:
    """A batch's rows split by SeqIndex.claim."""

    fresh: list[tuple[Any, ...]]  # new rows, now claimed
    seqs: set[int]  # their seqs
    waiting: list[int]  # duplicates whose first copy is still being logged: their ack waits
    behind: list[int]  # positions (in the rows) of seqs below the device's highest stored one
    last: int  # the device's highest stored seq (-1 when none)


class SeqIndex:
    """Which (device_id, seq) are durable, and which are claimed by a batch still being logged."""

    def __init__(self) -> None:
        self.durable: dict[str, SeqRuns] = {}
        self.pending: dict[str, set[int]] = {}

    def claim(self, device: str, rows: list[tuple[Any, ...]], ordered: bool = True) -> Claim:
        """Split rows into new ones (now claimed), duplicates, and, when `ordered`, seqs that
        go backwards.

        The contract's "seq increases per device": a seq that is not stored and not greater
        than the device's highest stored seq is refused. Within a batch, order is free.
        Replay passes ordered=False: what the log holds was acknowledged.
        """
        runs = self.durable.get(device)
        last = runs.last if runs is not None else -1
        pending = self.pending.get(device, ())
        claim = Claim([], set(), [], [], last)
        seqs = claim.seqs
        for position, row in enumerate(rows):
            seq = row[_SEQ]
            if seq in seqs or (seq <= last and seq in runs):  # type: ignore[operator]
                continue
            if seq in pending:
                claim.waiting.append(seq)
                continue
            if seq <= last and ordered:
                claim.behind.append(position)
                continue
            seqs.add(seq)
            claim.fresh.append(row)
        if seqs:
            self.pending.setdefault(device, set()).update(seqs)
        return claim

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


@dataclass
class FlushHealth:
    """How the flush into segments fares; /healthz reports it."""

    failures: int = 0  # in a row; 0 after a flush that worked
    last_error: str | None = None
    failing_since: float | None = None  # time.time() of the first failure in the row
    last_ok: float | None = None

    def ok(self) -> None:
        self.failures, self.last_error, self.failing_since = 0, None, None
        self.last_ok = time.time()

    def failed(self, error: BaseException) -> None:
        self.failures += 1
        self.last_error = f"{type(error).__name__}: {error}"
        if self.failing_since is None:
            self.failing_since = time.time()

    def public(self) -> dict[str, Any]:
        return {
            "failures": self.failures,
            "last_error": self.last_error,
            "failing_since": _utc(self.failing_since),
            "last_ok": _utc(self.last_ok),
        }


def _utc(moment: float | None) -> str | None:
    if moment is None:
        return None
    return dt.datetime.fromtimestamp(moment, dt.UTC).isoformat(timespec="seconds")


QUARANTINE = "quarantine"
DAMAGED, TORN = "damaged", "torn"


def quarantine_dir(tdir: Path, instance: str) -> Path:
    """Damaged log bytes set aside by replay: `damaged-…` (acknowledged readings may be lost in
    them) and `torn-…` (a write cut off by a crash, never acknowledged)."""
    return wal_dir(tdir, instance) / QUARANTINE


def quarantine(tdir: Path, instance: str, damage: LogDamage) -> Path:
    """Keep a damaged stretch of the log aside (fsynced), and say so loudly."""
    kind = TORN if damage.torn else DAMAGED
    name = f"{kind}-{damage.path.stem}-at-{damage.start}.bin"
    target = quarantine_dir(tdir, instance) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, damage.data)
    if damage.torn:
        log.warning(
            "log %s ends in %d byte(s) of a write cut off by a crash (never acknowledged); "
            "kept in %s",
            damage.path,
            len(damage.data),
            target,
        )
    else:
        log.error(
            "LOG DAMAGE: %d byte(s) at offset %d of %s are no valid record; the intact records "
            "after them are replayed, the damaged ones are lost and kept in %s",
            len(damage.data),
            damage.start,
            damage.path,
            target,
        )
    return target


class Collector:
    """Validates, de-duplicates and durably logs batches; flushes the log into segments.

    Concurrent batches share one fsync (group commit): while one group is being written, the
    next collects; a batch is answered when the group holding it is on disk.
    """

    def __init__(
        self,
        data_dir: Path,
        instance: str = "main",
        flush_seconds: float = 5.0,
        settings: Settings | None = None,
    ) -> None:
        settings = settings or get_settings()
        self.data_dir = Path(data_dir)
        self.instance = check_instance(instance)
        self.flush_seconds = flush_seconds
        self.max_age_days = settings.telemetry_max_age_days
        self.max_future_minutes = settings.telemetry_max_future_minutes
        self.tdir = telemetry_dir(self.data_dir)
        self.registry = DeviceRegistry(self.data_dir)
        self.index = SeqIndex()
        self.health = FlushHealth()
        self._log: LogWriter | None = None
        self._wal_thread = ThreadPoolExecutor(1, thread_name_prefix="wal")
        self._flush_thread = ThreadPoolExecutor(
            1, thread_name_prefix="flush", initializer=_yield_to_acks
        )
        self._queue: list[bytes] = []
        self._queued: list[tuple[Batch, set[int]]] = []
        self._round: asyncio.Future[OSError | None] | None = None
        self._in_flight: asyncio.Future[OSError | None] | None = None
        self._rotations: list[asyncio.Future[int]] = []
        self._writer: asyncio.Task[None] | None = None
        # Acknowledged batches as Arrow, converted one by one as they are acknowledged: the
        # flush thread then holds the GIL only briefly, so acks stay fast while it writes.
        self._unflushed: list[pa.Table] = []
        self._unflushed_rows = 0
        # Rotated out of the log, not yet committed to segments (kept for the next try).
        self._carried: list[pa.Table] = []
        # After a failed flush some of the carried readings may have reached segments already.
        self._retry = False
        self._flushing = False
        self._stopping = False
        self._flush_wanted = asyncio.Event()
        self._flush_lock = asyncio.Lock()
        self._flusher: asyncio.Task[None] | None = None

    # --- start and stop ---------------------------------------------------------------------

    def open(self) -> int:
        """Recover, rebuild the dedupe index and replay the own log; returns readings replayed.

        Replay goes through the index built from the segments, so records that reached a
        segment before a crash are skipped, and what is replayed is flushed at once. Damaged
        stretches of the log are set aside (quarantine) and the intact records after them
        replayed. A failing flush does not stop the start: the readings stay in the log, the
        periodic flush tries again and /healthz reports it.
        """
        self.registry.interval("")
        # Arrow loads its time zone data on the first UTC timestamp it converts (~0.3 s):
        # here, rather than inside the first acknowledgement.
        pa.array([0], TIMESTAMP)
        con = connect()
        try:
            recover(self.tdir, self.instance, con)
            upgrade_rollups(self.tdir, con)
            with telemetry_lock(self.tdir):
                ranges = seq_ranges(con, self.tdir)
            for device, first, last in ranges:
                self.index.durable.setdefault(device, SeqRuns()).add_run(first, last)
            directory = wal_dir(self.tdir, self.instance)
            logs = log_files(directory) if directory.exists() else []
            replayed: list[Batch] = []
            for path in logs:
                damaged: list[LogDamage] = []
                for device, received_us, rows in read_log(path, damaged):
                    claim = self.index.claim(device, rows, ordered=False)
                    if claim.fresh:
                        self.index.confirm(device, claim.seqs)
                        replayed.append((device, received_us, claim.fresh))
                for damage in damaged:
                    quarantine(self.tdir, self.instance, damage)
            self._log = LogWriter(directory)
            if logs:
                table = batches_to_table(replayed)
                try:
                    prepared = prepare_segments(self.tdir, table, self.instance, con)
                    with telemetry_lock(self.tdir, exclusive=True):
                        prepared.commit()
                        self._log.delete_through(self._log.rotate())
                except Exception as error:
                    log.exception("replay flush failed; the log keeps the readings")
                    self.health.failed(error)
                    self._carried, self._retry = [table], True
                else:
                    self.health.ok()
        finally:
            con.close()
        return sum(len(rows) for _, _, rows in replayed)

    def start(self) -> None:
        """Start the periodic flush on the running event loop."""
        self._flusher = asyncio.get_running_loop().create_task(self._flush_loop())

    async def close(self) -> None:
        """Flush everything acknowledged into segments and release the log.

        A flush in progress is waited for, never abandoned: its thread cannot be stopped, and
        a second flush of the same readings would store them twice.
        """
        self._stopping = True
        self._flush_wanted.set()
        if self._flusher is not None:
            await self._flusher
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
        window = TsWindow(now_us, self.max_age_days, self.max_future_minutes)
        interval = self.registry.interval(device)
        rows = []
        positions = []
        for i, reading in enumerate(readings):
            seq = reading.get("seq")
            seq = seq if type(seq) is int else None
            claimed = reading.get("device_id")
            if claimed is not None and claimed != device:
                invalid = Invalid("device_id", "foreign_device", claimed, {"device": device})
            elif interval is None:
                invalid = Invalid("device_id", "unknown_device", device)
            else:
                result = validate_reading(reading, interval, window)
                if type(result) is not Invalid:
                    rows.append(result)
                    positions.append(i)
                    continue
                invalid = result
            receipt.rejected.append(Rejected(i, seq, invalid))
        claim = self.index.claim(device, rows)
        fresh, seqs, waiting = claim.fresh, claim.seqs, claim.waiting
        if claim.behind:
            for position in claim.behind:
                seq = rows[position][_SEQ]
                invalid = Invalid("seq", "seq_not_increasing", seq, {"last": claim.last})
                receipt.rejected.append(Rejected(positions[position], seq, invalid))
            receipt.rejected.sort(key=lambda r: r.index)
        receipt.duplicates = len(rows) - len(fresh) - len(claim.behind)
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
                self._carried.extend(self._unflushed)
                self._unflushed, self._unflushed_rows = [], 0
                for waiter in self._rotations:
                    if not waiter.done():
                        waiter.set_result(closed)
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
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._flush_wanted.wait(), self.flush_seconds)
            if self._stopping:
                return  # close() flushes once more itself
            self._flush_wanted.clear()
            try:
                await self.flush()
            except Exception:
                log.exception("flush failed; the readings stay in the log and are retried")

    async def flush(self) -> int:
        """Move everything acknowledged so far from the log into segments; returns readings.

        The log is rotated first, so new batches keep going to a fresh generation while the
        closed ones become Parquet and are then deleted. Cancelling the caller does not stop
        the flush thread: the lock is held until it is done, so no other flush can write the
        same readings meanwhile.
        """
        async with self._flush_lock:
            loop = asyncio.get_running_loop()
            waiter: asyncio.Future[int] = loop.create_future()
            self._rotations.append(waiter)
            self._wake_writer()
            closed = await asyncio.shield(waiter)
            pending = list(self._carried)
            self._flushing = True
            job = loop.run_in_executor(
                self._flush_thread, self._flush_sync, pending, closed, self._retry
            )
            try:
                await _uncancelled(job)
            finally:
                self._flushing = False
                self._settle(job, pending)
            return sum(t.num_rows for t in pending)

    def _settle(self, job: asyncio.Future[None], pending: list[pa.Table]) -> None:
        """Book a finished flush: its readings are stored, or they stay for the next try."""
        error = job.exception()
        if error is None:
            del self._carried[: len(pending)]
            self._retry = False
            self.health.ok()
        else:
            self._retry = True
            self.health.failed(error)

    def _flush_sync(self, tables: list[pa.Table], closed: int, retry: bool) -> None:
        """Commit `tables` as segments and delete the log through `closed`, then compact.

        After a failed try (`retry`), readings that reached a segment in it are left out.
        """
        assert self._log is not None
        con = _flush_connection()
        try:
            readings = pa.concat_tables(tables) if tables else READING_SCHEMA.empty_table()
            if retry and readings.num_rows:
                readings = self._not_stored(con, readings)
            prepared = prepare_segments(self.tdir, readings, self.instance, con)
            with telemetry_lock(self.tdir, exclusive=True):
                prepared.commit()
                try:
                    self._log.delete_through(closed)
                except OSError as error:
                    # Harmless: a later flush deletes them, and replay skips what is stored.
                    log.warning("flushed log files not deleted yet: %s", error)
        finally:
            con.close()
        self._compact()

    def _not_stored(self, con: duckdb.DuckDBPyConnection, readings: pa.Table) -> pa.Table:
        """`readings` without those already in a segment of their days."""
        days = pc.unique(readings["ts"].cast(pa.date32())).to_pylist()
        with telemetry_lock(self.tdir):
            files = [str(p) for p in files_covering(segment_files(self.tdir, READINGS), days)]
            if not files:
                return readings
            con.register("_carried", readings)
            try:
                return con.sql(
                    "SELECT * FROM _carried ANTI JOIN (SELECT device_id, seq FROM "
                    "read_parquet($files, hive_partitioning = false)) USING (device_id, seq)",
                    params={"files": files},
                ).to_arrow_table()
            finally:
                con.unregister("_carried")

    def _compact(self) -> None:
        con = _flush_connection()
        try:
            compact(self.tdir, self.instance, con)
        except Exception as error:
            log.warning("compaction postponed: %s", error)
        finally:
            con.close()

    def status(self) -> dict[str, Any]:
        """What /healthz reports: `failing` while flushes fail (the log keeps growing),
        `degraded` while damaged log bytes sit in quarantine, else `ok`."""
        kept = quarantine_dir(self.tdir, self.instance)
        files = sorted(p.name for p in kept.glob("*.bin")) if kept.exists() else []
        damaged = [name for name in files if name.startswith(DAMAGED)]
        if self.health.failures:
            state = "failing"
        elif damaged:
            state = "degraded"
        else:
            state = "ok"
        return {
            "status": state,
            "instance": self.instance,
            "unflushed": self._unflushed_rows + sum(t.num_rows for t in self._carried),
            "flushing": self._flushing,
            "flush": self.health.public(),
            "quarantine": {
                "directory": str(kept),
                "damaged": damaged,
                "torn": len(files) - len(damaged),
            },
        }


FLUSH_NICE = 10
"""How much lower the flush thread's CPU priority is than the acknowledging thread's."""


def _yield_to_acks() -> None:
    """Lower the calling (flush) thread's CPU priority: on a busy machine the event loop
    that acknowledges batches gets the CPU first, and a flush waits instead of an ack.

    Linux keeps a priority per thread; elsewhere this leaves the priority as it is.
    """
    own = threading.get_native_id()
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, own, os.getpriority(os.PRIO_PROCESS, own) + FLUSH_NICE)


def _flush_connection() -> duckdb.DuckDBPyConnection:
    """A DuckDB for the flush thread: one thread of work (in the flush thread itself, at its
    lower priority), so a flush never takes both cores from the acknowledgements."""
    con = connect()
    con.execute("SET threads = 1")
    return con


async def _uncancelled(job: asyncio.Future[None]) -> None:
    """Await `job`; when the caller is cancelled, still wait for its end, then pass it on."""
    try:
        await asyncio.shield(job)
    except asyncio.CancelledError:
        while not job.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait([job])
        raise
