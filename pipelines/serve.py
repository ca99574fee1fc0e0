"""One command runs the system: the sample on first start, the collector, the app, the alert
scheduler, the fleet.

They run as child processes in their own session, so that one Ctrl-C reaches only this
process, which stops them in order: the simulator first (nothing new comes in), the scheduler,
the app, and the collector, which flushes every acknowledged reading into segments before it
exits. With ZAKID_MQTT_ENABLED the MQTT broker starts first and stops last, and the collector
subscribes to it before anything else starts.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pipelines.scheduler import READY as SCHEDULER_READY
from zakid_metrics.errors import ServeError, UsageError
from zakid_metrics.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = {
    "simulator": 30.0,
    "scheduler": 30.0,
    "app": 15.0,
    "collector": 60.0,
    "broker": 30.0,
}
SIMULATOR_READY = "simulator:"
BROKER_READY = "broker: mosquitto listening"


@dataclass
class Child:
    """A child process, its output forwarded line by line with its name in front."""

    name: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    forwarder: threading.Thread | None = None

    def forward(self, stream: IO[str], out: Callable[[str], None]) -> None:
        for line in stream:
            self.lines.append(line)
            out(f"[{self.name}] {line.rstrip()}")

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, sig: int, timeout_s: float) -> int:
        """Signal, wait, and kill if it does not end in time; returns the exit code."""
        if self.alive():
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.forwarder is not None:
            self.forwarder.join(timeout=5)
        return self.process.returncode


def _say(text: str) -> None:
    print(text, flush=True)


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _start(name: str, command: list[str], env: dict[str, str]) -> Child:
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        start_new_session=True,  # Ctrl-C in the terminal reaches serve alone
    )
    child = Child(name, process)
    assert process.stdout is not None
    child.forwarder = threading.Thread(
        target=child.forward, args=(process.stdout, _say), daemon=True
    )
    child.forwarder.start()
    return child


def _wait_until(child: Child, ready: Callable[[], bool], stop: threading.Event, what: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not ready():
        if stop.is_set():
            return
        if not child.alive():
            raise ServeError(
                f"The {child.name} ended during start with exit code {child.process.returncode}.",
                "Its last output is above; fix what it says and run serve again.",
            )
        if time.monotonic() > deadline:
            raise ServeError(
                f"The {child.name} did not become ready ({what}) in {STARTUP_TIMEOUT_S:g} s.",
                "Its output is above; the machine may be overloaded.",
            )
        time.sleep(0.2)


def _http_ok(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                return answer.status == 200
        except (OSError, urllib.error.URLError):
            return False

    return check


def _subscribed(url: str) -> Callable[[], bool]:
    """Whether the collector's /healthz says its MQTT subscription is active."""

    def check() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                return bool(json.load(answer).get("mqtt", {}).get("subscribed"))
        except (OSError, urllib.error.URLError, ValueError):
            return False

    return check


def _load_sample(data_dir: Path) -> None:
    from pipelines.ingest import ingest
    from zakid_metrics.warehouse import warehouse_path

    if warehouse_path(data_dir).exists():
        return
    sample = get_settings().sample_dir
    if not sample.is_dir() or not any(sample.iterdir()):
        raise UsageError(
            f"No warehouse in {data_dir} and no sample delivery in {sample}.",
            "Write the sample with `python -m pipelines sample`, or load your delivery with "
            "`python -m pipelines ingest PATH`.",
        )
    _say(f"serve: first start, loading the sample delivery {sample} into {data_dir} ...")
    run = ingest([sample], data_dir)
    _say(f"serve: load run {run.run_id}: {run.status}")


def serve(
    data_dir: Path,
    port: int,
    collector_port: int,
    simulator: bool,
    stop: threading.Event,
    mqtt_port: int | None = None,
) -> int:
    """Run until `stop` is set; 0 after a clean stop, 1 when a part failed or ended.

    With `mqtt_port` the broker runs too (settings mqtt_host, mqtt_port) and the collector
    subscribes to it.
    """
    ports = [("--port", port), ("--collector-port", collector_port)]
    if mqtt_port is not None:
        ports.append(("ZAKID_MQTT_PORT", mqtt_port))
    for name, number in ports:
        if not 0 < number < 65536:
            raise UsageError(f"{name} {number} is not a TCP port.", f"Give {name} 1 to 65535.")
        if not _port_free(number):
            raise UsageError(
                f"Port {number} ({name}) is in use.",
                f"Stop what runs there, or choose another one with {name}.",
            )
    if port == collector_port:
        raise UsageError("The app and the collector need two ports.", "Give different ports.")
    data_dir = Path(data_dir).resolve()
    _load_sample(data_dir)
    env = {**os.environ, "ZAKID_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    collector_url = f"http://127.0.0.1:{collector_port}"
    app_url = f"http://localhost:{port}"
    python = sys.executable
    children: list[Child] = []
    failed = False
    try:
        if mqtt_port is not None:
            children.append(
                _start(
                    "broker",
                    [python, "-m", "pipelines", "broker", "--data-dir", str(data_dir)],
                    env,
                )
            )
            broker = children[-1]
            _wait_until(
                broker, lambda: any(line.startswith(BROKER_READY) for line in broker.lines), stop,
                "port open",
            )  # fmt: skip
        children.append(
            _start(
                "collector",
                [python, "-m", "pipelines", "collector", "--data-dir", str(data_dir),
                 "--port", str(collector_port), *(["--mqtt"] if mqtt_port is not None else [])],
                env,
            )
        )  # fmt: skip
        ready = _http_ok if mqtt_port is None else _subscribed
        _wait_until(children[-1], ready(f"{collector_url}/healthz"), stop, "GET /healthz")
        children.append(
            _start(
                "app",
                [python, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                 "--server.headless", "true"],
                env,
            )
        )  # fmt: skip
        _wait_until(
            children[-1], _http_ok(f"http://127.0.0.1:{port}/_stcore/health"), stop, "health"
        )
        # The alert scheduler (pipelines/scheduler.py): evaluates the rules, sends the mail.
        children.append(
            _start(
                "scheduler",
                [python, "-m", "pipelines", "alerts", "scheduler", "--data-dir", str(data_dir)],
                env,
            )
        )
        scheduler = children[-1]
        _wait_until(
            scheduler,
            lambda: any(line.startswith(SCHEDULER_READY) for line in scheduler.lines),
            stop,
            "running",
        )
        if simulator:
            children.append(
                _start(
                    "simulator",
                    [python, "-m", "pipelines", "simulate", "--data-dir", str(data_dir),
                     "--collector", collector_url],
                    env,
                )
            )  # fmt: skip
            sim = children[-1]
            _wait_until(
                sim,
                lambda: any(line.startswith(SIMULATOR_READY) for line in sim.lines),
                stop,
                "first readings acknowledged",
            )
        if not stop.is_set():
            mqtt = f" · MQTT broker port {mqtt_port}" if mqtt_port is not None else ""
            _say(
                f"serve: dashboard {app_url} · collector {collector_url} (POST /v1/telemetry)"
                f"{mqtt}{' · simulator running' if simulator else ''} · data {data_dir} · "
                "Ctrl-C stops everything"
            )
        while not stop.wait(0.5):
            ended = [child for child in children if not child.alive()]
            if ended:
                failed = True
                _say(
                    f"serve: the {ended[0].name} ended on its own (exit code "
                    f"{ended[0].process.returncode}); stopping the rest."
                )
                break
    except ServeError as error:
        failed = True
        _say(f"serve: {error.message} {error.hint}")
    finally:
        for child in sorted(children, key=lambda c: list(STOP_TIMEOUT_S).index(c.name)):
            sig = signal.SIGINT if child.name == "simulator" else signal.SIGTERM
            code = child.stop(sig, STOP_TIMEOUT_S[child.name])
            _say(f"serve: {child.name} stopped (exit code {code})")
    return 1 if failed else 0


def cmd_serve(args: argparse.Namespace) -> int:
    stop = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, request_stop)
    settings = get_settings()
    code = serve(
        args.data_dir,
        args.port,
        args.collector_port,
        not args.no_simulator,
        stop,
        settings.mqtt_port if settings.mqtt_enabled else None,
    )
    _say("serve: stopped" if code == 0 else "serve: stopped after a failure")
    return code


def add_command(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register `serve` with the CLI's `add` (which gives it --data-dir)."""
    sub = add(
        "serve",
        cmd_serve,
        "Run everything: load the sample on first start, then the collector, the app and the "
        "device simulator, until Ctrl-C.",
    )
    sub.add_argument("--port", type=int, default=8501, help="port of the app (default 8501)")
    sub.add_argument(
        "--collector-port", type=int, default=8787, help="port of the collector (default 8787)"
    )
    sub.add_argument(
        "--no-simulator", action="store_true", help="no simulated devices: only real ones post"
    )
