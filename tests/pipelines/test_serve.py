"""`python -m pipelines serve` as a real process: up on the sample, one SIGINT stops it all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.pipelines.collector.conftest import ROOT, free_port, run_cli
from tests.waits import wait_until

READY = "serve: dashboard http://localhost:"


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

    def ready() -> bool:
        assert serve.poll() is None, log.read_text()
        return READY in log.read_text()

    try:
        wait_until(ready, timeout_s=180, what=f"serve to be ready:\n{log}")
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
    # The collector flushed every acknowledged reading on its way out: no log is left.
    assert not list((data_dir / "telemetry" / "wal").rglob("wal-*.log"))
    stats = run_cli("telemetry", "stats", "--data-dir", str(data_dir))
    assert stats.returncode == 0, stats.stderr
