"""`python -m pipelines serve` as a real process: up on the sample, one SIGINT stops it all."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.pipelines.collector.conftest import ROOT, free_port, run_cli

READY = "serve: dashboard http://localhost:"
# What a user would worry about in the output of a clean start and stop.
ALARMING = re.compile(
    r"Traceback|KeyboardInterrupt|Error|error|WARN|Warn|warn|exit code|Did not auto detect|"
    r"debugging hints|Killed",
)


def children_of(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


def test_serve_loads_the_sample_runs_everything_and_stops_on_one_sigint(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    port, collector_port = free_port(), free_port()
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZAKID_")}
    with log.open("w") as out:
        serve = subprocess.Popen(
            [sys.executable, "-m", "pipelines", "serve", "--data-dir", str(data_dir),
             "--port", str(port), "--collector-port", str(collector_port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while READY not in log.read_text():
            assert serve.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        children = children_of(serve.pid)
        assert len(children) == 3, log.read_text()  # collector, app, simulator
        text = log.read_text()
        assert "serve: first start, loading the sample delivery" in text
        assert f"collector http://127.0.0.1:{collector_port}" in text
        assert "[simulator] simulator: " in text
        serve.send_signal(signal.SIGINT)
        assert serve.wait(timeout=120) == 0, log.read_text()
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
    assert all(gone(pid) for pid in children)
    text = log.read_text()
    order = [text.index(f"serve: {name} stopped") for name in ("simulator", "app", "collector")]
    assert order == sorted(order), "simulator first, collector last"
    assert text.rstrip().endswith("serve: stopped")
    assert [line for line in text.splitlines() if ALARMING.search(line)] == []
    # The collector flushed every acknowledged reading on its way out: no log is left.
    assert not list((data_dir / "telemetry" / "wal").rglob("wal-*.log"))
    stats = run_cli("telemetry", "stats", "--data-dir", str(data_dir))
    assert stats.returncode == 0, stats.stderr


def test_make_run_takes_every_port_as_a_variable() -> None:
    done = subprocess.run(
        ["make", "-n", "run", "PORT=8601", "COLLECTOR_PORT=8887", "DATA_DIR=data2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    serve = [line for line in done.stdout.splitlines() if " -m pipelines serve " in line]
    assert serve == [
        ".venv/bin/python -m pipelines serve --data-dir data2 --port 8601 --collector-port 8887"
    ]
    done = subprocess.run(
        ["make", "-n", "public", "PUBLIC_PORT=8602"], cwd=ROOT, capture_output=True, text=True
    )
    assert "--server.port 8602" in done.stdout
