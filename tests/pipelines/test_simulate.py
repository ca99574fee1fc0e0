"""The simulator as a real process posting to a real collector: every device, seqs, retries."""

from __future__ import annotations

import datetime as dt
import json
import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest

from pipelines.collector.tokens import TokenStore
from pipelines.simulate import SimDevice, reading
from tests.pipelines.collector.conftest import Collector, free_port, make_data_dir
from tests.pipelines.helpers import ROOT, run_cli
from tests.waits import wait_until

HELD_BACK = "Retrying in 0.5 s; readings kept."  # the first backoff


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """Devices D1 (60 s), D2 (30 s) and D3 (60 s) of one deployment."""
    return make_data_dir(tmp_path)


@pytest.fixture()
def collectors(data_dir: Path) -> Iterator[list[Collector]]:
    started: list[Collector] = []
    yield started
    for collector in started:
        if collector.process is not None and collector.process.poll() is None:
            collector.stop()


def simulate(
    data_dir: Path, url: str, *extra: str, out: IO[str] | int = subprocess.PIPE
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines", "simulate", "--data-dir", str(data_dir),
         "--collector", url, *extra],
        cwd=ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip


def stats(data_dir: Path) -> dict[str, tuple[int, int]]:
    """Per device: (readings, last seq)."""
    done = run_cli("telemetry", "stats", "--json", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    return {d["device_id"]: d["readings"] for d in json.loads(done.stdout)["devices"]}


def test_every_device_posts_with_its_token_and_seqs_resume(
    data_dir: Path, collectors: list[Collector]
) -> None:
    collector = Collector(data_dir).start()
    collectors.append(collector)
    # Each device reports at once (staggered by up to 2 s), then every 30 or 60 s.
    first = simulate(data_dir, collector.url, "--duration", "5")
    output, _ = first.communicate(timeout=60)
    assert first.returncode == 0, output
    assert "simulator: 3 devices posting to" in output
    assert "simulator stopped: 3 reading(s) sent, 3 accepted, 0 duplicate(s)" in output
    assert stats(data_dir) == {"D1": 1, "D2": 1, "D3": 1}
    kept = json.loads((data_dir / "simulator" / "tokens.json").read_text())
    assert sorted(kept) == ["D1", "D2", "D3"]
    assert (data_dir / "simulator" / "tokens.json").stat().st_mode & 0o777 == 0o600
    # A restart goes on with the next seq and the same tokens: nothing is a duplicate.
    again = simulate(data_dir, collector.url, "--duration", "5")
    output, _ = again.communicate(timeout=60)
    assert "3 reading(s) sent, 3 accepted, 0 duplicate(s)" in output, output
    assert json.loads((data_dir / "simulator" / "tokens.json").read_text()) == kept
    collector.stop()
    assert stats(data_dir) == {"D1": 2, "D2": 2, "D3": 2}


def test_a_device_with_its_own_token_is_left_alone(
    data_dir: Path, collectors: list[Collector]
) -> None:
    real = TokenStore(data_dir).issue("D3")  # real hardware got its token from the operator
    collector = Collector(data_dir).start()
    collectors.append(collector)
    done = simulate(data_dir, collector.url, "--duration", "4")
    output, _ = done.communicate(timeout=60)
    assert "1 device(s) have a token the simulator did not issue and are left out" in output
    assert "simulator: 2 devices posting to" in output
    own = {"device_id": "D3", "seq": 0, "ts": "2026-11-20T10:00:00Z", "inferences": 0}
    assert collector.post(real, [own]).json()["accepted"] == 1  # its token still works


def test_readings_wait_for_a_collector_that_comes_late_and_ctrl_c_stops(
    data_dir: Path, collectors: list[Collector]
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = data_dir.parent / "simulate.log"
    with log.open("w") as out:
        process = simulate(data_dir, url, out=out)

    def held_back() -> bool:
        assert process.poll() is None, log.read_text()
        lines = log.read_text().splitlines()
        return all(
            any(line.startswith(f"{d}: ") and line.endswith(HELD_BACK) for line in lines)
            for d in ("D1", "D2", "D3")
        )

    # Nothing listens: every device's first post fails and its reading is held back.
    wait_until(held_back, timeout_s=120, what="every device to hold its reading back")
    collector = Collector(data_dir)
    collector.port, collector.url = port, url
    collector.http = httpx.Client(base_url=url, timeout=30)
    collectors.append(collector.start())
    wait_until(
        lambda: stats(data_dir) == {"D1": 1, "D2": 1, "D3": 1},
        timeout_s=120,
        what="the readings kept during the outage to arrive",
    )
    process.send_signal(signal.SIGINT)
    process.wait(timeout=60)
    output = log.read_text()
    assert process.returncode == 0, output
    assert "3 reading(s) sent, 3 accepted" in output
    assert "Traceback" not in output


class FixedClock:
    """Simulated time at a working hour in Duisburg, `elapsed` after the start."""

    def __init__(self, elapsed: dt.timedelta) -> None:
        self._elapsed = elapsed

    def now(self) -> dt.datetime:
        return dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)  # a Tuesday, 10:00 in Duisburg

    def elapsed(self) -> dt.timedelta:
        return self._elapsed


def device(role: str, policy: str = "on_device_only") -> SimDevice:
    return SimDevice(
        "D1", "edge_gpu", 60, 40.0, policy, "1.0", "token", 7, 10.0, 10.0, 1, role=role
    )


def test_the_degrading_device_creeps_over_its_objective() -> None:
    rng = random.Random(3)
    start = reading(device("degrading"), FixedClock(dt.timedelta(0)), rng)  # type: ignore[arg-type]
    assert (start["status"], start["latency_ms_p95"] < 40.0) == ("ok", True)
    later = device("degrading")
    after = reading(later, FixedClock(dt.timedelta(minutes=12)), rng)  # type: ignore[arg-type]
    # fully crept: p95 three times the 40 ms objective
    assert (after["status"], after["latency_ms_p95"]) == ("degraded", 120.0)
    assert (after["seq"], later.seq) == (7, 8)


def test_only_raw_upload_sends_the_data_off_the_device() -> None:
    rng = random.Random(5)
    kept = reading(device("normal"), FixedClock(dt.timedelta(0)), rng)  # type: ignore[arg-type]
    sent = reading(device("normal", "raw_upload"), FixedClock(dt.timedelta(0)), rng)  # type: ignore[arg-type]
    assert kept["bytes_uplinked"] == 0 < kept["bytes_on_device"]
    assert sent["bytes_uplinked"] == round(sent["bytes_on_device"] * 0.85)
