"""Two collector instances behind a real HAProxy (deploy/haproxy/collectors.cfg), one killed."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import orjson
import pytest

from pipelines.collector.segments import device_stats
from pipelines.collector.tokens import TokenStore
from pipelines.collector.validation import TsWindow, validate_reading
from pipelines.ingest import ingest
from tests.pipelines.collector.conftest import DELIVERY, Collector, flush, free_port
from tests.pipelines.collector.test_durability import batch
from tests.pipelines.helpers import ROOT
from tests.waits import wait_until
from zakid_metrics.telemetry import Window, fleet_summary
from zakid_metrics.telemetry_store import batches_to_table, segment_files, telemetry_dir
from zakid_metrics.warehouse import read_snapshot

HAPROXY = "/usr/sbin/haproxy"
CONFIG = ROOT / "deploy" / "haproxy" / "collectors.cfg"
DEVICES = [f"D{n}" for n in range(1, 9)]
BATCHES, SIZE = 10, 200
SEED_FILES = 8  # COMPACT_MIN_FILES: an instance with this many small segments a day compacts


def make_data_dir(root: Path) -> Path:
    """A warehouse with the eight devices D1..D8 (60 s report interval)."""
    delivery = root / "delivery"
    delivery.mkdir()
    for name, text in DELIVERY.items():
        if name != "devices.csv":
            (delivery / name).write_text(text)
    (delivery / "devices.csv").write_text(
        "device_id;deployment_id;device_class;report_interval_s\n"
        + "".join(f"{d};DEP1;edge_soc;60\n" for d in DEVICES)
    )
    data = root / "data"
    run = ingest([delivery], data)
    assert [f.rows_rejected for f in run.files] == [0, 0, 0, 0]
    return data


def seed(data_dir: Path, instance: str) -> None:
    """SEED_FILES one-reading segments of device S_<instance>, as `instance` flushed them."""
    now_us = time.time_ns() // 1000
    window = TsWindow(now_us, 3650, 5)
    for seq in range(SEED_FILES):
        row = validate_reading(batch(f"S_{instance}", seq, 1)[0], 60, window)
        table = batches_to_table([(f"S_{instance}", now_us, [row])])
        assert len(flush(telemetry_dir(data_dir), table, instance)) == 1


def digests(data_dir: Path, instance: str) -> dict[str, str]:
    """SHA-256 of each committed file (readings and rollups) an instance wrote."""
    tdir = telemetry_dir(data_dir)
    return {
        str(p.relative_to(tdir)): hashlib.sha256(p.read_bytes()).hexdigest()
        for kind in ("readings", "rollups")
        for p in segment_files(tdir, kind, instance)
    }


class Proxy:
    """haproxy in the foreground on the shipped configuration."""

    def __init__(self, tmp: Path, backends: list[Collector]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "ZAKID_PROXY_BIND": f"127.0.0.1:{self.port}",
            "ZAKID_COLLECTOR_1": f"127.0.0.1:{backends[0].port}",
            "ZAKID_COLLECTOR_2": f"127.0.0.1:{backends[1].port}",
        }
        self.log = tmp / "haproxy.log"
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [HAPROXY, "-db", "-f", str(CONFIG)], stdout=log, stderr=log, env=env, cwd=tmp
            )
        wait_until(self.listening, "haproxy's port open")

    def listening(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()
        try:
            return httpx.get(f"{self.url}/healthz", timeout=5).status_code in (200, 503)
        except httpx.TransportError:
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


@pytest.fixture()
def cluster(tmp_path: Path) -> Iterator[tuple[Path, Collector, Collector, Proxy]]:
    data_dir = make_data_dir(tmp_path)
    for instance in ("c1", "c2", "c3"):
        seed(data_dir, instance)
    c1 = Collector(data_dir, "--instance", "c1", "--flush-seconds", "600").start()
    c2 = Collector(data_dir, "--instance", "c2", "--flush-seconds", "600").start()
    proxy = Proxy(tmp_path, [c1, c2])
    yield data_dir, c1, c2, proxy
    proxy.stop()
    for collector in (c1, c2):
        if collector.process is not None and collector.process.poll() is None:
            collector.process.kill()
            collector.process.wait()
        collector.http.close()


def post(client: httpx.Client, token: str, body: list[dict[str, object]]) -> httpx.Response:
    return client.post(
        "/v1/telemetry", content=orjson.dumps(body), headers={"Authorization": f"Bearer {token}"}
    )


def pinned_tokens(data_dir: Path, proxy: Proxy) -> dict[str, str]:
    """A token per device such that both instances get devices (routing hashes the token)."""
    store = TokenStore(data_dir)
    with httpx.Client(base_url=proxy.url, timeout=30) as client:
        for _ in range(20):
            tokens = {d: store.issue(d) for d in DEVICES}
            served = {post(client, tokens[d], []).headers["x-zakid-collector"] for d in DEVICES}
            if served == {"c1", "c2"}:
                return tokens
    raise AssertionError("20 sets of tokens all hashed to one instance")


def test_two_collectors_behind_haproxy_one_killed_mid_load(
    cluster: tuple[Path, Collector, Collector, Proxy],
) -> None:
    data_dir, c1, c2, proxy = cluster
    c3_files = digests(data_dir, "c3")
    assert len(c3_files) == 2 * SEED_FILES
    tokens = pinned_tokens(data_dir, proxy)
    accepted = dict.fromkeys(DEVICES, 0)
    served: dict[str, set[str]] = {d: set() for d in DEVICES}
    refused: list[int] = []
    deadline = time.monotonic() + 120
    # No device sends its last third before the kill: c1's devices still have batches to send
    # while it is down, however fast the first two thirds went.
    killed = threading.Event()

    def device_loop(device: str) -> None:
        with httpx.Client(base_url=proxy.url, timeout=30) as client:
            for n in range(BATCHES):
                if n == 2 * BATCHES // 3:
                    assert killed.wait(timeout=deadline - time.monotonic()), "no kill"
                while True:  # a batch is sent again until acknowledged, as a device does
                    assert time.monotonic() < deadline, "the load did not finish"
                    try:
                        answer = post(client, tokens[device], batch(device, n * SIZE, SIZE))
                    except httpx.TransportError:
                        refused.append(0)
                        continue
                    if answer.status_code == 200:
                        break
                    # 502: the instance died while answering; 503: it is down (restarting).
                    assert answer.status_code in (502, 503), answer.text
                    refused.append(answer.status_code)
                    time.sleep(0.05)
                served[device].add(answer.headers["x-zakid-collector"])
                # A batch whose first answer was lost in the crash may come back as duplicates:
                # it was durable before the kill.
                receipt = answer.json()
                accepted[device] += receipt["accepted"] + receipt["duplicates"]

    threads = [threading.Thread(target=device_loop, args=(d,)) for d in DEVICES]
    for thread in threads:
        thread.start()
    total = len(DEVICES) * BATCHES * SIZE
    wait_until(lambda: sum(accepted.values()) >= total // 3, "a third of the load acknowledged")
    c1.stop(signal.SIGKILL)
    killed.set()
    wait_until(lambda: bool(refused), "c1's devices refused while it is down")
    c1.start()  # same port: the proxy's c1
    for thread in threads:
        thread.join()

    # Every device stayed with one instance, both instances served, and what was
    # acknowledged is stored exactly once.
    assert all(len(instances) == 1 for instances in served.values()), served
    assert set().union(*served.values()) == {"c1", "c2"}
    assert accepted == dict.fromkeys(DEVICES, BATCHES * SIZE)
    seeds = {f"S_{i}": SEED_FILES for i in ("c1", "c2", "c3")}
    in_logs = {
        i: list((telemetry_dir(data_dir) / "wal" / i).glob("wal-*.log")) for i in ("c1", "c2")
    }
    assert all(in_logs.values()), in_logs  # the read side has to merge both logs
    assert {s.device_id: s.readings for s in device_stats(data_dir)} == {
        **dict.fromkeys(DEVICES, BATCHES * SIZE),
        **seeds,
    }
    inferences = sum(r["inferences"] for r in batch("X", 0, BATCHES * SIZE)) * len(DEVICES)
    inferences += sum(r["inferences"] for r in batch("X", 0, SEED_FILES)) * len(seeds)
    window = Window.between(
        dt.datetime(2025, 6, 2, tzinfo=dt.UTC), dt.datetime(2025, 6, 3, tzinfo=dt.UTC)
    )
    with read_snapshot(data_dir) as con:
        assert fleet_summary(con, data_dir, window).kpis["inferences_24h"].value == inferences

    c1.stop()
    c2.stop()
    # Each instance compacted its own small segments of the day (the seeds among them) and
    # never another's: c3's files are as they were.
    assert digests(data_dir, "c3") == c3_files
    for instance in ("c1", "c2"):
        readings = segment_files(telemetry_dir(data_dir), "readings", instance)
        assert len(readings) == 1, readings
    pattern = str(telemetry_dir(data_dir) / "readings" / "*" / "*.parquet")
    with duckdb.connect() as con:
        rows = con.execute(
            "SELECT device_id, seq, regexp_extract(filename, 'part-(c[0-9])-', 1) "
            "FROM read_parquet(?, filename = true)",
            [pattern],
        ).fetchall()
    assert len(rows) == len({(d, s) for d, s, _ in rows}) == total + SEED_FILES * len(seeds)
    assert {(d, s) for d, s, _ in rows if d in DEVICES} == {
        (d, s) for d in DEVICES for s in range(BATCHES * SIZE)
    }
    stored_by: dict[str, set[str]] = {d: set() for d in DEVICES}
    for device, _, instance in rows:
        stored_by.setdefault(device, set()).add(instance)
    assert {d: stored_by[d] for d in DEVICES} == served
    with read_snapshot(data_dir) as con:
        assert fleet_summary(con, data_dir, window).kpis["inferences_24h"].value == inferences
