"""Connection guards over raw sockets on loopback: idle and header timeouts, header size,
body pauses, and the connection cap (which keeps the flush and later clients working)."""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from tests.pipelines.collector.conftest import Collector, reading
from tests.waits import wait_until

LIMITS = {
    "ZAKID_COLLECTOR_IDLE_TIMEOUT_S": "1",
    "ZAKID_COLLECTOR_HEADER_TIMEOUT_S": "2",
    "ZAKID_COLLECTOR_BODY_TIMEOUT_S": "1",
}
BOUND_S = 10  # no socket operation of these tests waits longer


@contextmanager
def raw(collector: Collector) -> Iterator[socket.socket]:
    sock = socket.create_connection(("127.0.0.1", collector.port), timeout=BOUND_S)
    try:
        yield sock
    finally:
        sock.close()


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (at most BOUND_S)."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def healthz(collector: Collector) -> dict:
    """/healthz over a connection of its own that is closed right after."""
    connection = http.client.HTTPConnection("127.0.0.1", collector.port, timeout=BOUND_S)
    try:
        connection.request("GET", "/healthz", headers={"Connection": "close"})
        return json.loads(connection.getresponse().read())
    finally:
        connection.close()


def test_idle_and_slow_connections_are_closed(start: Callable[..., Collector]) -> None:
    collector = start(settings=LIMITS)
    collector.http.close()  # its keep-alive connection would time out as well
    with raw(collector) as silent:  # connects and sends nothing
        opened = time.monotonic()
        assert read_until_closed(silent) == b""
        assert 0.9 < time.monotonic() - opened < 3
    with raw(collector) as slow:  # keeps sending, but the headers never end
        opened = time.monotonic()
        slow.sendall(b"POST /v1/telemetry HTTP/1.1\r\nHost: x\r\n")
        slow.settimeout(0.25)
        closed = False
        while not closed:
            try:
                closed = slow.recv(65536) == b""
            except TimeoutError:
                slow.sendall(b"X-Slow: 1\r\n")
            assert time.monotonic() - opened < BOUND_S
        assert 1.9 < time.monotonic() - opened < 4
    with raw(collector) as huge:
        huge.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 70_000)
        answer = read_until_closed(huge)
        assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
        assert answer.endswith(b"The request line and headers exceed 64 KiB.")
    with raw(collector) as paused:  # the headers come, the body stops after 10 of 100 bytes
        paused.sendall(
            b"POST /v1/telemetry HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n"
            b"Content-Length: 100\r\n\r\n[         "
        )
        answer = read_until_closed(paused)
        assert answer.startswith(b"HTTP/1.1 401 Unauthorized\r\n")
    assert healthz(collector)["connections"]["timed_out"] == 2


def test_a_pausing_body_gets_408(start: Callable[..., Collector], tokens: dict[str, str]) -> None:
    collector = start(settings=LIMITS)
    with raw(collector) as paused:
        paused.sendall(
            b"POST /v1/telemetry HTTP/1.1\r\nHost: x\r\n"
            + f"Authorization: Bearer {tokens['D1']}\r\n".encode()
            + b"Content-Length: 100\r\n\r\n[         "
        )
        opened = time.monotonic()
        answer = read_until_closed(paused)
        assert 0.9 < time.monotonic() - opened < 3
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert b"connection: close" in head
    assert json.loads(body) == {
        "error": "body_timeout",
        "reason": "The body paused for more than 1 s.",
        "hint": "Send the whole body without pausing; check the network.",
    }


def read_response(sock: socket.socket) -> tuple[bytes, bytes]:
    """The head and body of one answer with a Content-Length on a keep-alive connection."""
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(65536)
        assert chunk, received
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    length = int(re.search(rb"content-length: (\d+)", head).group(1))  # type: ignore[union-attr]
    while len(body) < length:
        body += sock.recv(65536)
    return head, body


def keep_alive_healthz(sock: socket.socket) -> dict | None:
    """/healthz on a raw keep-alive connection; None when the connection was refused (503)."""
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    head, body = read_response(sock)
    return None if head.startswith(b"HTTP/1.1 503 Service Unavailable") else json.loads(body)


def still_open(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        sock.recv(1)
    except BlockingIOError:
        return True
    finally:
        sock.setblocking(True)
    return False


def test_the_connection_cap_keeps_the_collector_working(
    start: Callable[..., Collector], tokens: dict[str, str], data_dir: Path
) -> None:
    """With 700 descriptors, 800 connections that nobody closes: without the cap the process
    runs out of descriptors and cannot flush; with a cap of 300 the rest is refused."""
    cap, extra = 300, 500
    settings = {
        "ZAKID_COLLECTOR_MAX_CONNECTIONS": str(cap),
        "ZAKID_COLLECTOR_IDLE_TIMEOUT_S": "10",
        "ZAKID_COLLECTOR_HEADER_TIMEOUT_S": "10",
    }
    collector = start("--flush-seconds", "0.5", limit_open_files=700, settings=settings)
    collector.http.close()
    # Only the health check's own connection is open now.
    wait_until(lambda: healthz(collector)["connections"]["open"] == 1, "one open connection")
    idle = [socket.create_connection(("127.0.0.1", collector.port)) for _ in range(cap - 1)]
    refused = 0
    while True:  # the last place: a keep-alive connection that can still post
        probe = socket.create_connection(("127.0.0.1", collector.port), timeout=BOUND_S)
        figures = keep_alive_healthz(probe)
        if figures is not None and figures["connections"]["open"] == cap:
            break
        refused += figures is None  # the health check's close was not seen yet
        probe.close()
    idle.append(probe)
    segments = data_dir / "telemetry" / "readings"
    try:
        held = [socket.create_connection(("127.0.0.1", collector.port)) for _ in range(extra)]
        try:
            for sock in held:
                sock.settimeout(BOUND_S)
                answer = read_until_closed(sock)
                assert answer.startswith(b"HTTP/1.1 503 Service Unavailable\r\n"), answer
                assert b"retry-after: 1\r\n" in answer
        finally:
            for sock in held:
                sock.close()
        # At the cap, a device posts over the last place, and the flush writes a segment.
        body = orjson.dumps([reading(1)])
        head = f"Authorization: Bearer {tokens['D1']}\r\nContent-Length: {len(body)}\r\n\r\n"
        probe.sendall(b"POST /v1/telemetry HTTP/1.1\r\nHost: x\r\n" + head.encode() + body)
        head, answer = read_response(probe)
        assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        assert json.loads(answer) == {"accepted": 1, "duplicates": 0, "rejected": []}
        wait_until(lambda: list(segments.glob("*/*.parquet")) != [], "a segment")
        assert all(still_open(sock) for sock in idle)
        # The idle connections are closed by the server after the idle timeout.
        for sock in idle:
            sock.settimeout(15)
            assert sock.recv(1) == b""
    finally:
        for sock in idle:
            sock.close()
    wait_until(lambda: healthz(collector)["connections"]["open"] == 1, "the idle ones closed")
    figures = healthz(collector)
    assert (figures["status"], figures["unflushed"], figures["flush"]["failures"]) == ("ok", 0, 0)
    assert figures["connections"] == {
        "open": 1,
        "max": cap,
        "refused": refused + extra,
        "timed_out": cap,
    }
