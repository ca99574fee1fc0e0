"""Benchmark: durable telemetry acks over loopback, throughput and p99 latency, real processes;
and the same batches through the MQTT broker (mosquitto, QoS 1) into the collector."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import orjson

from bench.common import Figure
from zakid_metrics.files import fsync_fd

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")
THREADS = 4
BATCH = 500
THROUGHPUT_BATCHES = 60  # per thread: 4 x 60 x 500 = 120 000 readings
THROUGHPUT_RUNS = 5  # the figure is their median
LATENCY_RUNS = 3  # the figure is the median of their p99s
LATENCY_RATE = 10_000  # readings/s offered
LATENCY_BATCH = 100
LATENCY_SECONDS = 10
DEVICES = [f"B{n}" for n in range(THREADS)]
DAY = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date().isoformat()
"""Readings are dated yesterday: within the collector's ts bounds."""

ECHO_APP = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

async def echo(request):
    await request.body()
    return Response(b'{"accepted":0,"duplicates":0,"rejected":[]}', media_type="application/json")

app = Starlette(routes=[Route("/v1/telemetry", echo, methods=["POST"])])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), loop="uvloop", http="httptools",
            access_log=False, log_level="warning")
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _data_dir(root: Path) -> Path:
    """A warehouse with one device per client thread, built by the real ingest."""
    delivery = root / "delivery"
    delivery.mkdir()
    (delivery / "companies.csv").write_text(
        "company_id;name;employees;postal_code;joined_on\nC1;Bench GmbH;12;47051;01.01.2025\n"
    )
    (delivery / "projects.csv").write_text(
        "project_id;title;company_id;partner;use_case;status;started_on\n"
        "P1;Bench;C1;UDE;other;pilot;01.02.2025\n"
    )
    (delivery / "deployments.csv").write_text(
        "deployment_id;project_id;model_name;data_policy\nDEP1;P1;m;on_device_only\n"
    )
    (delivery / "devices.csv").write_text(
        "device_id;deployment_id;device_class\n" + "".join(f"{d};DEP1;edge_soc\n" for d in DEVICES)
    )
    data = root / "data"
    subprocess.run(
        [sys.executable, "-m", "pipelines", "ingest", str(delivery), "--data-dir", str(data)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return data


def _start(
    args: list[str], port: int, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=None if env is None else {**os.environ, **env},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{' '.join(args)} did not listen on port {port}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=60)


def _bodies(device: str, first_seq: int, batches: int, size: int) -> list[bytes]:
    """Serialized before timing: the clients must not be what is measured."""
    out = []
    for b in range(batches):
        seqs = range(first_seq + b * size, first_seq + (b + 1) * size)
        out.append(
            orjson.dumps(
                [
                    {
                        "device_id": device,
                        "seq": s,
                        "ts": f"{DAY}T10:{s // 60 % 60:02d}:{s % 60:02d}Z",
                        "interval_s": 60,
                        "inferences": 120,
                        "latency_ms_mean": 3.5,
                        "latency_ms_p95": 7.25,
                        "latency_ms_max": 12.0,
                        "energy_mwh": 0.8,
                        "bytes_on_device": 48_000,
                        "bytes_uplinked": 320,
                        "temperature_c": 41.5,
                        "status": "ok",
                        "model_version": "1.4.2",
                    }
                    for s in seqs
                ]
            )
        )
    return out


class _Client:
    """One keep-alive connection; http.client keeps the client's own CPU use small."""

    def __init__(self, port: int, token: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(self, body: bytes, expected: int | None = None) -> int:
        """Post a batch; `expected`: the readings the answer must accept (all of them)."""
        self.conn.request("POST", "/v1/telemetry", body, self.headers)
        response = self.conn.getresponse()
        answer = response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {answer[:300]!r}")
        accepted = orjson.loads(answer)["accepted"]
        if expected is not None and accepted != expected:
            raise RuntimeError(f"{accepted} of {expected} accepted: {answer[:300]!r}")
        return accepted


def _throughput(
    port: int,
    tokens: dict[str, str],
    bodies: dict[str, list[bytes]],
    per_batch: int,
    check: bool = True,
) -> float:
    """Readings/s acknowledged with THREADS clients posting back to back (`check`: every
    reading must be accepted; the echo server accepts none)."""
    clients = {d: _Client(port, tokens[d]) for d in DEVICES}
    accepted = dict.fromkeys(DEVICES, 0)
    start = threading.Barrier(len(DEVICES) + 1)

    def run(device: str) -> None:
        start.wait()
        for body in bodies[device]:
            clients[device].post(body, per_batch if check else None)
            accepted[device] += per_batch

    threads = [threading.Thread(target=run, args=(d,)) for d in DEVICES]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return sum(accepted.values()) / (time.perf_counter() - began)


def _p99_latency(
    port: int, tokens: dict[str, str], bodies: dict[str, list[bytes]]
) -> tuple[float, float]:
    """p99 ack latency (ms) at LATENCY_RATE readings/s offered, open loop, and the p99 of how
    late a 10 ms sleep wakes up meanwhile (ms): the machine's CPU scheduling delay.

    Each request has a scheduled send time; latency counts from it, so a slow ack that delays
    the next sends is charged to those too (no coordinated omission).
    """
    per_thread_interval = THREADS * LATENCY_BATCH / LATENCY_RATE
    latencies: list[float] = []
    lock = threading.Lock()
    began = time.perf_counter() + 0.2
    done = threading.Event()
    delays: list[float] = []

    def run(n: int, device: str) -> None:
        client = _Client(port, tokens[device])
        offset = n * per_thread_interval / THREADS
        for i, body in enumerate(bodies[device]):
            scheduled = began + offset + i * per_thread_interval
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            client.post(body, LATENCY_BATCH)
            with lock:
                latencies.append(time.perf_counter() - scheduled)

    def probe() -> None:
        while not done.is_set():
            started = time.perf_counter()
            time.sleep(0.01)
            delays.append(time.perf_counter() - started - 0.01)

    threads = [threading.Thread(target=run, args=(n, d)) for n, d in enumerate(DEVICES)]
    prober = threading.Thread(target=probe)
    prober.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    prober.join()
    return (
        statistics.quantiles(latencies, n=100)[98] * 1000,
        statistics.quantiles(delays, n=100)[98] * 1000,
    )


def _fsync_reference(directory: Path, count: int = 500) -> tuple[float, float]:
    """The disk's floor: fsyncs/s of 4 kB appends, and the p99 of one such fsync in ms."""
    path = directory / "fsync-probe.log"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    samples = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            os.write(fd, b"x" * 4096)
            fsync_fd(fd, data_only=True)  # as the collector's log does
            samples.append(time.perf_counter() - started)
    finally:
        os.close(fd)
        path.unlink()
    return count / sum(samples), statistics.quantiles(samples, n=100)[98] * 1000


def _with_server(
    args: list[str], port: int, work: Callable[[], T], env: dict[str, str] | None = None
) -> T:
    process = _start(args, port, env)
    try:
        return work()
    finally:
        _stop(process)


def _mqtt_throughput(
    mqtt_port: int, tokens: dict[str, str], bodies: dict[str, list[bytes]]
) -> float:
    """Readings/s durable through the broker: THREADS devices publish their batches with QoS 1
    back to back; the clock stops when the last receipt (sent after the log's fsync) is in."""
    import paho.mqtt.client as paho
    from paho.mqtt.enums import CallbackAPIVersion

    from pipelines.collector.broker import reply_topic, telemetry_topic

    done = {d: threading.Event() for d in DEVICES}
    subscribed = {d: threading.Event() for d in DEVICES}
    receipts = dict.fromkeys(DEVICES, 0)
    clients = {}
    for device in DEVICES:
        client = paho.Client(
            CallbackAPIVersion.VERSION2, client_id=f"bench-{device}", protocol=paho.MQTTv5
        )
        client.username_pw_set(device, tokens[device])
        client.max_inflight_messages_set(64)

        def on_message(
            c: object, u: object, message: paho.MQTTMessage, device: str = device
        ) -> None:
            receipt = orjson.loads(message.payload)
            if receipt.get("accepted") != BATCH:
                raise RuntimeError(f"MQTT receipt {message.payload[:300]!r}")
            receipts[device] += 1
            if receipts[device] == len(bodies[device]):
                done[device].set()

        client.on_message = on_message
        client.on_subscribe = lambda *args, device=device: subscribed[device].set()
        client.connect("127.0.0.1", mqtt_port)
        client.subscribe(reply_topic(device), qos=1)
        client.loop_start()
        clients[device] = client
    for device in DEVICES:
        if not subscribed[device].wait(30):
            raise RuntimeError(f"{device} did not subscribe to its replies")
    start = threading.Barrier(len(DEVICES) + 1)

    def run(device: str) -> None:
        start.wait()
        for body in bodies[device]:
            clients[device].publish(telemetry_topic(device), body, qos=1)

    threads = [threading.Thread(target=run, args=(d,)) for d in DEVICES]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for device in DEVICES:
        if not done[device].wait(300):
            raise RuntimeError(f"{device}: {receipts[device]} of {len(bodies[device])} receipts")
    elapsed = time.perf_counter() - began
    for thread in threads:
        thread.join()
    for client in clients.values():
        client.disconnect()
        client.loop_stop()
    return sum(len(b) for b in bodies.values()) * BATCH / elapsed


def _through_broker(data: Path, tokens: dict[str, str], batches: dict[str, list[bytes]]) -> float:
    """Broker and a subscribed collector on free ports; MQTT throughput after a warm-up."""
    mqtt_port, port = _free_port(), _free_port()
    env = {"ZAKID_MQTT_PORT": str(mqtt_port)}
    broker = _start(["-m", "pipelines", "broker", "--data-dir", str(data)], mqtt_port, env)
    try:
        collector = _start(
            ["-m", "pipelines", "collector", "--data-dir", str(data), "--port", str(port),
             "--mqtt"],
            port,
            env,
        )  # fmt: skip
        try:
            health = f"http://127.0.0.1:{port}/healthz"
            deadline = time.monotonic() + 30
            while True:
                with urllib.request.urlopen(health) as answer:
                    if orjson.loads(answer.read())["mqtt"]["subscribed"]:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("the collector did not subscribe to the broker")
                time.sleep(0.05)
            _mqtt_throughput(mqtt_port, tokens, {d: b[:4] for d, b in batches.items()})
            return _mqtt_throughput(mqtt_port, tokens, {d: b[4:] for d, b in batches.items()})
        finally:
            _stop(collector)
    finally:
        _stop(broker)


def run() -> list[Figure]:
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = _data_dir(root)
        from pipelines.collector.tokens import TokenStore

        store = TokenStore(data)
        tokens = {d: store.issue(d) for d in DEVICES}
        fsyncs_per_s, fsync_p99_ms = _fsync_reference(root)
        # seq increases per device: warm-up, the loads one after the other, the paced runs.
        warmup = {d: _bodies(d, 0, 4, BATCH) for d in DEVICES}
        loads_bodies = [
            {d: _bodies(d, (n + 1) * 10_000_000, THROUGHPUT_BATCHES, BATCH) for d in DEVICES}
            for n in range(THROUGHPUT_RUNS)
        ]
        paced_batches = LATENCY_RATE * LATENCY_SECONDS // LATENCY_BATCH // THREADS
        paced = [
            {d: _bodies(d, (n + 1) * 100_000_000, paced_batches, LATENCY_BATCH) for d in DEVICES}
            for n in range(LATENCY_RUNS)
        ]

        echo_port = _free_port()
        echo = _with_server(
            ["-c", ECHO_APP, str(echo_port)],
            echo_port,
            lambda: _throughput(echo_port, tokens, loads_bodies[0], BATCH, check=False),
        )

        port = _free_port()
        collector_args = [
            "-m",
            "pipelines",
            "collector",
            "--data-dir",
            str(data),
            "--port",
            str(port),
        ]

        def measure() -> list[float]:
            _throughput(port, tokens, warmup, BATCH)
            rates = []
            for bodies in loads_bodies:
                rates.append(_throughput(port, tokens, bodies, BATCH))
                loads.append(os.getloadavg()[0])
            return rates

        def paced_runs() -> list[tuple[float, float]]:
            runs = []
            for bodies in paced:
                runs.append(_p99_latency(port, tokens, bodies))
                loads.append(os.getloadavg()[0])
            return runs

        rates = _with_server(collector_args, port, measure)
        paced_figures = _with_server(collector_args, port, paced_runs)
        # Above every seq the HTTP runs stored (seq increases per device).
        mqtt = _through_broker(
            data,
            tokens,
            {d: _bodies(d, 900_000_000, 4 + THROUGHPUT_BATCHES, BATCH) for d in DEVICES},
        )
    p99s = [p99 for p99, _ in paced_figures]
    delays = [delay for _, delay in paced_figures]
    accepted = statistics.median(rates)
    return [
        Figure(
            f"collector: readings/s acked durably, median of {THROUGHPUT_RUNS} runs "
            f"(4 threads, batches of 500; runs {min(rates):,.0f}-{max(rates):,.0f})",
            accepted,
            "readings/s",
            100_000,
            "HTTP echo, same client",
            echo,
            higher_is_better=True,
        ),
        Figure(
            f"collector: readings/s acked durably vs raw fsyncs/s x {BATCH}",
            accepted,
            "readings/s",
            None,
            f"fdatasync x {BATCH}",
            fsyncs_per_s * BATCH,
            higher_is_better=True,
        ),
        Figure(
            "collector via MQTT (mosquitto, QoS 1): readings/s durable, acked to the broker",
            mqtt,
            "readings/s",
            None,
            "HTTP, same batches",
            accepted,
            higher_is_better=True,
        ),
        Figure(
            f"collector: p99 ack latency at 10 000 readings/s offered (batches of 100), "
            f"median of {LATENCY_RUNS} runs ({min(p99s):.1f}-{max(p99s):.1f} ms)",
            statistics.median(p99s),
            "ms",
            50,
            "p99 of one 4 kB fdatasync",
            fsync_p99_ms,
        ),
        Figure(
            "scheduling delay p99 during the paced runs (a 10 ms sleep's lateness), median",
            statistics.median(delays),
            "ms",
        ),
        Figure(
            "load average (1 min) during the collector runs, median",
            statistics.median(loads),
            "",
        ),
    ]
