"""A fleet of the registered devices posting real HTTP telemetry, so the live page has a pulse.

Every device of the warehouse that is not removed reports at its report interval with its own
token, like real hardware: more inferences in Duisburg's working hours, bursts, latency within
its deployment's objective and far below the cloud baseline, data kept on the device unless
the deployment uploads raw data. One device degrades (latency creeping over its objective,
status degraded) and one goes offline. `--speedup` lets the day and these stories pass faster;
timestamps stay real (the collector refuses readings from the future).
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import http.client
import random
import signal
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from pipelines.fleet_model import DEVICE_PROFILES, UPLINK_SHARE, working_load
from zakid_metrics.errors import CollectorUnreachableError, UsageError
from zakid_metrics.files import atomic_write

TOKENS_FILE = "tokens.json"
SIMULATOR_DIR = "simulator"
DEFAULT_COLLECTOR = "http://127.0.0.1:8787"
BATCH = 500
"""Readings held back while the collector is away are sent in batches of at most this many."""
BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
WORKERS = 4
DEGRADE_AFTER = dt.timedelta(minutes=2)
DEGRADE_OVER = dt.timedelta(minutes=10)
"""Simulated time: the degrading device starts creeping after 2 minutes, 10 minutes later its
p95 is three times its objective."""
OFFLINE_AFTER = dt.timedelta(minutes=3)
DEFAULT_SLO_MS = 40.0
DEFAULT_BASELINE_MS = 250.0


@dataclass
class SimDevice:
    """One device: what it is, its own token, where its seq stands, what it still has to send."""

    device_id: str
    device_class: str
    interval_s: int
    slo_ms: float
    policy: str
    model_version: str | None
    token: str
    seq: int
    rate: float  # inferences per second at full load
    latency_ms: float  # mean latency at rest
    siblings: int  # devices of its deployment
    role: str = "normal"  # normal | degrading | offline
    pending: list[dict[str, Any]] = field(default_factory=list)
    retry_at: float = 0.0
    failures: int = 0
    burst_left: int = 0
    stopped: bool = False


@dataclass
class Counters:
    """What the fleet sent and what the collector said; shared by the workers."""

    sent: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    failed_posts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


class SimClock:
    """Simulated time: starts at the real time and runs `speedup` times as fast."""

    def __init__(self, speedup: float) -> None:
        self.speedup = speedup
        self.started = time.monotonic()
        self.wall = dt.datetime.now(dt.UTC)

    def now(self) -> dt.datetime:
        return self.wall + dt.timedelta(seconds=(time.monotonic() - self.started) * self.speedup)

    def elapsed(self) -> dt.timedelta:
        return self.now() - self.wall


def rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- The fleet -------------------------------------------------------------------------------


def _registered(data_dir: Path, today: dt.date) -> list[tuple[Any, ...]]:
    """The fleet on `today` (kpis/shared.sql), with their deployment's objective and policy."""
    from zakid_metrics.warehouse import read_snapshot

    with read_snapshot(data_dir) as con:
        return con.execute(
            "SELECT v.device_id, v.device_class, v.report_interval_s, p.latency_slo_ms, "
            "p.cloud_baseline_latency_ms, p.data_policy, p.model_version, "
            "count(*) OVER (PARTITION BY v.deployment_id) AS siblings "
            "FROM fleet_devices(?) v JOIN deployments p USING (deployment_id) "
            "ORDER BY v.device_id",
            [today],
        ).fetchall()


def _tokens(data_dir: Path, devices: list[str], log: Callable[[str], None]) -> dict[str, str]:
    """Each device's token: the one this simulator keeps, else a new one for a device without
    an active token. A device with someone else's active token (real hardware) is left out."""
    from pipelines.collector.tokens import TokenStore, token_hash

    path = Path(data_dir) / SIMULATOR_DIR / TOKENS_FILE
    kept: dict[str, str] = orjson.loads(path.read_bytes()) if path.exists() else {}
    store = TokenStore(data_dir)
    records = store.load()
    tokens: dict[str, str] = {}
    foreign = []
    for device in devices:
        record = records.get(device)
        token = kept.get(device)
        if record is not None and record.active:
            if token is not None and token_hash(token) == record.token_sha256:
                tokens[device] = token
            else:
                foreign.append(device)
            continue
        tokens[device] = store.issue(device)
    if foreign:
        log(
            f"{len(foreign)} device(s) have a token the simulator did not issue and are left "
            f"out (real devices keep their tokens): {', '.join(foreign[:5])}"
            + (" ..." if len(foreign) > 5 else "")
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, orjson.dumps(tokens, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    return tokens


def build_fleet(data_dir: Path, rng: random.Random, log: Callable[[str], None]) -> list[SimDevice]:
    """Every registered device that is not removed, with its token and its next seq."""
    from pipelines.collector.segments import device_stats

    rows = _registered(data_dir, dt.date.today())
    if not rows:
        raise UsageError(
            f"The warehouse in {data_dir} has no devices to simulate.",
            "Load a delivery with devices first: python -m pipelines ingest data/sample",
        )
    tokens = _tokens(data_dir, [row[0] for row in rows], log)
    last_seq = {s.device_id: s.last_seq for s in device_stats(data_dir)}
    fleet = []
    for device_id, device_class, interval, slo, baseline, policy, version, siblings in rows:
        if device_id not in tokens:
            continue
        rate = DEVICE_PROFILES[device_class][0] * rng.uniform(0.5, 1.5)
        slo_ms = float(slo) if slo is not None else DEFAULT_SLO_MS
        # Well inside the objective, and an order of magnitude below the cloud's latency.
        latency = min(slo_ms * rng.uniform(0.3, 0.5), float(baseline or DEFAULT_BASELINE_MS) / 10)
        fleet.append(
            SimDevice(
                device_id,
                device_class,
                int(interval),
                slo_ms,
                policy,
                version,
                tokens[device_id],
                last_seq.get(device_id, -1) + 1,
                rate,
                latency,
                siblings,
            )
        )
    # The stories: the degrading device is the only one of its deployment (so the deployment
    # breaches its objective), the offline one another device.
    alone = [d for d in fleet if d.siblings == 1] or fleet
    degrading = rng.choice(alone)
    degrading.role = "degrading"
    offline = rng.choice([d for d in fleet if d is not degrading] or fleet)
    if offline is not degrading:
        offline.role = "offline"
    return fleet


def reading(device: SimDevice, clock: SimClock, rng: random.Random) -> dict[str, Any]:
    """The summary of the interval that ends now."""
    moment = clock.now()
    load = working_load(moment)
    if device.burst_left:
        device.burst_left -= 1
    elif rng.random() < 0.02:
        device.burst_left = 3
    burst = 3.0 if device.burst_left else 1.0
    inferences = round(device.rate * device.interval_s * load * burst * rng.uniform(0.8, 1.2))
    _, rest_mw, per_inference, rest_c, input_bytes = DEVICE_PROFILES[device.device_class]
    mean = device.latency_ms * (1 + 0.3 * load * burst) * rng.uniform(0.9, 1.1)
    status = "ok"
    if device.role == "degrading":
        creeping = (clock.elapsed() - DEGRADE_AFTER) / DEGRADE_OVER
        factor = 1 + max(0.0, min(1.0, creeping)) * (3 * device.slo_ms / 1.45 / mean - 1)
        mean *= max(1.0, factor)
        if mean * 1.45 > 0.9 * device.slo_ms:
            status = "degraded"
    if rng.random() < 0.001:
        inferences, status = 0, "error"
    kept = inferences * input_bytes
    body: dict[str, Any] = {
        "device_id": device.device_id,
        "seq": device.seq,
        "ts": rfc3339(dt.datetime.now(dt.UTC)),
        "interval_s": device.interval_s,
        "inferences": inferences,
        "energy_mwh": round(rest_mw * device.interval_s / 3_600 + per_inference * inferences, 4),
        "bytes_on_device": kept,
        "bytes_uplinked": round(kept * UPLINK_SHARE.get(device.policy, 0.0)),
        "temperature_c": round(rest_c + 12 * load * burst + rng.uniform(0, 2), 1),
        "status": status,
        "model_version": device.model_version,
    }
    if inferences:
        body["latency_ms_mean"] = round(mean, 2)
        body["latency_ms_p95"] = round(mean * 1.45, 2)
        body["latency_ms_max"] = round(mean * 2.3, 2)
    device.seq += 1
    return body


# --- Posting ---------------------------------------------------------------------------------


class Poster:
    """One keep-alive HTTP connection to the collector, used by one worker."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(
                f"{url!r} is no collector URL.", "Give e.g. --collector http://127.0.0.1:8787"
            )
        self.parts = parts
        self.connection: http.client.HTTPConnection | None = None

    def post(self, token: str, readings: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
        """(status, answer); raises CollectorUnreachableError when there is no answer."""
        body = orjson.dumps(readings)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        for attempt in range(2):  # a kept-alive connection the server closed: once more
            if self.connection is None:
                kind = (
                    http.client.HTTPSConnection
                    if self.parts.scheme == "https"
                    else http.client.HTTPConnection
                )
                self.connection = kind(self.parts.hostname, self.parts.port, timeout=15)
            try:
                self.connection.request("POST", "/v1/telemetry", body, headers)
                answer = self.connection.getresponse()
                data = answer.read()
                return answer.status, orjson.loads(data) if data else {}
            except (OSError, http.client.HTTPException, orjson.JSONDecodeError) as error:
                self.close()
                if attempt:
                    raise CollectorUnreachableError(
                        f"No answer from the collector at {self.parts.geturl()}: {error}",
                        "Start it (python -m pipelines collector); the readings are kept.",
                    ) from None
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class Simulator:
    """The fleet, its workers and their schedule; `run` until stopped or the duration is over."""

    def __init__(
        self,
        fleet: list[SimDevice],
        url: str,
        clock: SimClock,
        seed: int,
        log: Callable[[str], None],
    ) -> None:
        self.fleet = fleet
        self.url = url
        self.clock = clock
        self.seed = seed
        self.log = log
        self.stop = threading.Event()
        self.acknowledged = threading.Event()
        self.counters = Counters()

    def run(self, duration_s: float | None) -> Counters:
        """Post until `stop` is set or `duration_s` is over; says once when the first batch
        is acknowledged (what `serve` waits for)."""
        workers = [
            threading.Thread(target=self._work, args=(self.fleet[n::WORKERS], n), daemon=True)
            for n in range(min(WORKERS, len(self.fleet)))
        ]
        for worker in workers:
            worker.start()
        deadline = None if duration_s is None else time.monotonic() + duration_s
        announced = False
        while not self.stop.is_set():
            if not announced and self.acknowledged.is_set():
                announced = True
                self.log(
                    f"simulator: {len(self.fleet)} devices posting to {self.url} "
                    f"(speedup {self.clock.speedup:g}); Ctrl-C stops"
                )
            if deadline is not None and time.monotonic() >= deadline:
                break
            self.stop.wait(0.1)
        self.stop.set()
        for worker in workers:
            worker.join(timeout=30)
        return self.counters

    def _work(self, devices: list[SimDevice], number: int) -> None:
        """Report each device's interval when it is due, and retry held-back readings when
        their backoff is over."""
        rng = random.Random(self.seed * 1_000 + number)
        poster = Poster(self.url)
        now = time.monotonic()
        # Staggered first reports, so the fleet does not post in lockstep.
        queue = [
            (now + rng.uniform(0, min(2.0, d.interval_s)), i, True) for i, d in enumerate(devices)
        ]
        heapq.heapify(queue)
        try:
            while queue and not self.stop.is_set():
                due, index, report = queue[0]
                if due > time.monotonic():
                    self.stop.wait(min(due - time.monotonic(), 0.5))
                    continue
                heapq.heappop(queue)
                device = devices[index]
                if device.stopped:
                    continue
                if report:
                    if device.role == "offline" and self.clock.elapsed() >= OFFLINE_AFTER:
                        continue  # gone: no reading, no further schedule
                    device.pending.append(reading(device, self.clock, rng))
                    # Behind schedule (a slow collector): the next interval starts now.
                    next_due = max(due + device.interval_s, time.monotonic())
                    heapq.heappush(queue, (next_due, index, True))
                if device.pending and time.monotonic() >= device.retry_at:
                    self._send(poster, device)
                    if device.retry_at:
                        heapq.heappush(queue, (device.retry_at, index, False))
        finally:
            poster.close()

    def _send(self, poster: Poster, device: SimDevice) -> None:
        batch = device.pending[:BATCH]
        try:
            status, answer = poster.post(device.token, batch)
        except CollectorUnreachableError as error:
            self._back_off(device, error.message)
            return
        if status == 503:
            self._back_off(device, str(answer.get("reason", "the collector is busy")))
            return
        device.failures, device.retry_at = 0, 0.0
        del device.pending[: len(batch)]
        self.counters.add(sent=len(batch))
        if status == 200:
            self.acknowledged.set()
            self.counters.add(
                accepted=answer["accepted"],
                duplicates=answer["duplicates"],
                rejected=len(answer["rejected"]),
            )
            for item in answer["rejected"][:1]:
                self.log(f"{device.device_id}: reading refused: {item['reason']}")
        elif status == 401:
            device.stopped = True
            self.log(f"{device.device_id}: token refused ({answer.get('reason')}); it stops")
        else:
            self.counters.add(rejected=len(batch))
            self.log(f"{device.device_id}: batch refused ({status}): {answer.get('reason')}")

    def _back_off(self, device: SimDevice, reason: str) -> None:
        delay = BACKOFF_S[min(device.failures, len(BACKOFF_S) - 1)]
        device.failures += 1
        device.retry_at = time.monotonic() + delay
        self.counters.add(failed_posts=1)
        if device.failures in (1, len(BACKOFF_S)):
            self.log(f"{device.device_id}: {reason} Retrying in {delay:g} s; readings kept.")


# --- Command line ------------------------------------------------------------------------------


def _say(text: str) -> None:
    print(text, flush=True)


def cmd_simulate(args: argparse.Namespace) -> int:
    if args.speedup <= 0:
        raise UsageError(
            "--speedup must be positive.", "Give e.g. --speedup 60 (an hour a minute)."
        )
    if args.duration is not None and args.duration <= 0:
        raise UsageError("--duration must be positive.", "Give the seconds to run, e.g. 600.")
    Poster(args.collector)  # a wrong URL says so before any token is issued
    rng = random.Random(args.seed)
    fleet = build_fleet(args.data_dir, rng, _say)
    simulator = Simulator(fleet, args.collector, SimClock(args.speedup), args.seed, _say)

    def stop(signum: int, frame: object) -> None:
        simulator.stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)
    counts = simulator.run(args.duration)
    unsent = sum(len(d.pending) for d in fleet)
    _say(
        f"simulator stopped: {counts.sent} reading(s) sent, {counts.accepted} accepted, "
        f"{counts.duplicates} duplicate(s), {counts.rejected} rejected, {unsent} not sent "
        f"(collector away), {counts.failed_posts} failed post(s)."
    )
    return 0


def add_command(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register `simulate` with the CLI's `add` (which gives it --data-dir)."""
    sub = add(
        "simulate",
        cmd_simulate,
        "Simulate the registered devices posting telemetry to the collector (real HTTP).",
    )
    sub.add_argument(
        "--collector",
        default=DEFAULT_COLLECTOR,
        help=f"collector URL (default {DEFAULT_COLLECTOR})",
    )
    sub.add_argument(
        "--speedup",
        type=float,
        default=1.0,
        help="simulated time runs this many times faster: the day and the stories (default 1)",
    )
    sub.add_argument("--duration", type=float, help="stop after this many seconds")
    sub.add_argument("--seed", type=int, default=1, help="seed of the fleet's randomness")
