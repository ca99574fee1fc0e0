"""`python -m pipelines serve` as a real process: up on the sample, one SIGINT stops it all."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.pipelines.collector.conftest import free_port
from tests.pipelines.collector.test_mqtt import Device
from tests.pipelines.helpers import ROOT, run_cli
from tests.waits import wait_until
from zakid_metrics.warehouse import read_snapshot

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

    def ready() -> bool:
        assert serve.poll() is None, log.read_text()
        return READY in log.read_text()

    try:
        wait_until(ready, timeout_s=180, what=f"serve to be ready:\n{log}")
        children = children_of(serve.pid)
        assert len(children) == 4, log.read_text()  # collector, app, scheduler, simulator
        text = log.read_text()
        assert "serve: first start, loading the sample delivery" in text
        assert f"collector http://127.0.0.1:{collector_port}" in text
        assert "[simulator] simulator: " in text
        assert f"[scheduler] scheduler: running every 300 s on {data_dir}" in text
        serve.send_signal(signal.SIGINT)
        assert serve.wait(timeout=120) == 0, log.read_text()
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
    assert all(gone(pid) for pid in children)
    text = log.read_text()
    stopped = ("simulator", "scheduler", "app", "collector")
    order = [text.index(f"serve: {name} stopped") for name in stopped]
    assert order == sorted(order), "simulator first, collector last"
    assert text.rstrip().endswith("serve: stopped")
    assert [line for line in text.splitlines() if ALARMING.search(line)] == []
    # The collector flushed every acknowledged reading on its way out: no log is left.
    assert not list((data_dir / "telemetry" / "wal").rglob("wal-*.log"))
    stats = run_cli("telemetry", "stats", "--data-dir", str(data_dir))
    assert stats.returncode == 0, stats.stderr


def test_serve_with_mqtt_starts_the_broker_first_and_stops_it_last(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    port, collector_port, mqtt_port = free_port(), free_port(), free_port()
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZAKID_")}
    env |= {"ZAKID_MQTT_ENABLED": "true", "ZAKID_MQTT_PORT": str(mqtt_port)}
    with log.open("w") as out:
        serve = subprocess.Popen(
            [sys.executable, "-m", "pipelines", "serve", "--data-dir", str(data_dir),
             "--port", str(port), "--collector-port", str(collector_port), "--no-simulator"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    device = None
    try:
        wait_until(
            lambda: READY in log.read_text() or serve.poll() is not None, "ready", timeout_s=180
        )
        text = log.read_text()
        assert f"MQTT broker port {mqtt_port}" in text, text
        assert "[collector] collector main: subscribed to zakid/v1/devices/+/telemetry" in text
        children = children_of(serve.pid)
        assert len(children) == 4, text  # broker, collector, app, scheduler
        (broker_pid,) = [p for p in children if "broker" in Path(f"/proc/{p}/cmdline").read_text()]
        (mosquitto,) = children_of(broker_pid)
        with read_snapshot(data_dir) as con:
            ((device_id,),) = con.execute("SELECT min(device_id) FROM devices").fetchall()
        issued = run_cli("devices", "token", device_id, "--data-dir", str(data_dir))
        assert issued.returncode == 0, issued.stderr
        token = issued.stdout.strip().splitlines()[-1]
        device = wait_until(
            lambda: (d := Device(mqtt_port, device_id, token)).refused is None and d,
            "the new token known to the broker",
        )
        assert device.subscribe() == 1
        now = dt.datetime.now(dt.UTC).isoformat()
        assert (
            device.publish([{"device_id": device_id, "seq": 10**9, "ts": now, "inferences": 0}])
            == 0
        )
        assert device.reply() == {"accepted": 1, "duplicates": 0, "rejected": []}
        serve.send_signal(signal.SIGINT)
        assert serve.wait(timeout=120) == 0, log.read_text()
    finally:
        if device is not None:
            device.close()
        if serve.poll() is None:
            serve.kill()
            serve.wait()
    assert all(gone(pid) for pid in [*children, mosquitto])
    text = log.read_text()
    order = [text.index(f"serve: {name} stopped") for name in ("app", "collector", "broker")]
    assert order == sorted(order), "broker last"
    assert not list((data_dir / "telemetry" / "wal").rglob("wal-*.log"))
    assert (data_dir / "mqtt" / "db" / "mosquitto.db").exists()  # saved on the way out


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
