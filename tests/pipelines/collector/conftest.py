"""A real collector process on a free port over a small warehouse built by the real ingest."""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pyarrow as pa
import pytest

from pipelines.collector.segments import prepare_segments
from pipelines.collector.tokens import TokenStore
from pipelines.ingest import ingest
from tests.pipelines.helpers import ROOT
from tests.waits import wait_until
from zakid_metrics.telemetry_store import connect, telemetry_lock

DELIVERY = {
    "companies.csv": "company_id;name;employees;postal_code;joined_on\n"
    "C1;Krohne Messtechnik GmbH;3000;47058;01.01.2025\n",
    "projects.csv": "project_id;title;company_id;partner;use_case;status;started_on\n"
    "P1;Durchflussmessung;C1;Krohne;predictive_maintenance;pilot;01.02.2025\n",
    "deployments.csv": "deployment_id;project_id;model_name;data_policy\n"
    "DEP1;P1;flow-anomaly;on_device_only\n",
    # D3 leaves report_interval_s empty: the contract's default of 60 s applies.
    "devices.csv": "device_id;deployment_id;device_class;report_interval_s\n"
    "D1;DEP1;microcontroller;60\nD2;DEP1;edge_soc;30\nD3;DEP1;fpga;\n",
}


def make_data_dir(root: Path) -> Path:
    """A data directory whose warehouse holds devices D1 (60 s), D2 (30 s) and D3 (default)."""
    delivery = root / "delivery"
    delivery.mkdir(parents=True)
    for name, text in DELIVERY.items():
        (delivery / name).write_text(text)
    data = root / "data"
    run = ingest([delivery], data)
    assert [f.rows_rejected for f in run.files] == [0, 0, 0, 0]
    return data


def flush(tdir: Path, readings: pa.Table, instance: str = "main") -> list[Path]:
    """Write `readings` as the collector's flush does (a segment and its rollups per UTC
    day in the daily tree, as `instance`); returns the segments."""
    with connect() as con:
        prepared = prepare_segments(tdir, readings, instance, con)
    with telemetry_lock(tdir, exclusive=True):
        return prepared.commit()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reading(
    seq: int, ts: str = "2025-06-02T10:00:00+02:00", device: str = "D1", **fields: Any
) -> dict[str, Any]:
    base = {"device_id": device, "seq": seq, "ts": ts, "inferences": 0}
    return {**base, **fields}


TEST_SETTINGS = {"ZAKID_TELEMETRY_MAX_AGE_DAYS": "3650"}
"""The tests' readings are dated 2025-06-02: the collector accepts ts up to ten years back."""


class Collector:
    """The collector as a child process, and an HTTP client to it."""

    def __init__(
        self,
        data_dir: Path,
        *extra: str,
        limit_file_bytes: int | None = None,
        limit_open_files: int | None = None,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.extra = extra
        # Real resource limits of the process: a file cannot grow past limit_file_bytes
        # (EFBIG; Python ignores the SIGXFSZ that would otherwise kill it), at most
        # limit_open_files descriptors are open.
        self.limits = {
            kind: value
            for kind, value in (
                (resource.RLIMIT_FSIZE, limit_file_bytes),
                (resource.RLIMIT_NOFILE, limit_open_files),
            )
            if value is not None
        }
        self.env = {**os.environ, **TEST_SETTINGS, **(settings or {})}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir.parent / f"collector-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def start(self) -> Collector:
        def apply_limits() -> None:
            for kind, value in self.limits.items():
                resource.setrlimit(kind, (value, value))

        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "pipelines",
                    "collector",
                    "--data-dir",
                    str(self.data_dir),
                    "--port",
                    str(self.port),
                    *self.extra,
                ],
                cwd=ROOT,
                stdout=log,
                stderr=log,
                env=self.env,
                preexec_fn=apply_limits if self.limits else None,
            )
        process = self.process

        def healthy() -> bool:
            assert process.poll() is None, self.log.read_text()
            try:
                # 503: up, but its store is failing (a test may start it so)
                return self.http.get("/healthz").status_code in (200, 503)
            except httpx.TransportError:
                return False

        wait_until(healthy, timeout_s=120, what=f"the collector to come up:\n{self.log}")
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """SIGTERM: graceful (final flush into segments); SIGKILL: a crash."""
        assert self.process is not None
        self.process.send_signal(sig)
        self.process.wait(timeout=30)
        self.http.close()
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def post(self, token: str | None, body: Any, ndjson: bool = False) -> httpx.Response:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        if isinstance(body, bytes):
            content = body
        elif ndjson:
            content = b"\n".join(orjson.dumps(r) for r in body) + b"\n"
        else:
            content = orjson.dumps(body)
        return self.http.post("/v1/telemetry", content=content, headers=headers)


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    return make_data_dir(tmp_path)


@pytest.fixture()
def tokens(data_dir: Path) -> dict[str, str]:
    store = TokenStore(data_dir)
    return {device: store.issue(device) for device in ("D1", "D2", "D3")}


@pytest.fixture()
def start(data_dir: Path) -> Iterator[Callable[..., Collector]]:
    """Start collectors on `data_dir`; any still running at the end are killed."""
    started: list[Collector] = []

    def _start(*extra: str, **options: Any) -> Collector:
        collector = Collector(data_dir, *extra, **options).start()
        started.append(collector)
        return collector

    yield _start
    for collector in started:
        if collector.process is not None and collector.process.poll() is None:
            os.kill(collector.process.pid, signal.SIGKILL)
            collector.process.wait()
        collector.http.close()
