"""Shared browser-test fixtures: the Streamlit server on a free port and Debian's chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from zakid_metrics.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags chromium keeps dialling out into a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT_S = 60

StartApp = Callable[..., AbstractContextManager[str]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"streamlit not healthy after {STARTUP_TIMEOUT_S} s:\n{log_path.read_text()}")


@contextmanager
def streamlit_app(data_dir: Path, mode: str, log_path: Path) -> Iterator[str]:
    """`streamlit run app.py` on a free port against `data_dir`; yields its URL."""
    port = free_port()
    env = {**os.environ, "ZAKID_DATA_DIR": str(data_dir), "ZAKID_MODE": mode}
    env.pop("ZAKID_LANGUAGE", None)
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server, log_path)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def start_app() -> StartApp:
    """The server starter, for module-scoped `app_url` fixtures."""
    return streamlit_app


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def cli(*args: str, env: dict[str, str] | None = None) -> None:
    """Run `python -m pipelines ARGS` as operations would; fail the test with its output."""
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"pipelines {args[0]} failed:\n{done.stdout}\n{done.stderr}"


def sample_data(data_dir: Path, *, user: str = "", role: str = "", password: str = "") -> Path:
    """`data_dir` with the bundled sample delivery loaded, and optionally one account."""
    sample = Settings().sample_dir  # data/sample unless ZAKID_SAMPLE_DIR says otherwise
    assert any(sample.iterdir()), f"{sample} is empty: write it with `python -m pipelines sample`"
    cli("ingest", str(sample), "--data-dir", str(data_dir))
    if user:
        cli("users", "add", user, "--role", role, "--data-dir", str(data_dir),
            env={"ZAKID_NEW_PASSWORD": password})  # fmt: skip
    return data_dir


@pytest.fixture(scope="session")
def load_sample() -> Callable[..., Path]:
    """The sample loader, for module-scoped data-directory fixtures."""
    return sample_data
