"""The collector's connection guards on top of uvicorn's httptools protocol.

uvicorn (0.54) bounds neither a connection that never sends a request, nor how long or how
large a request's headers may be, nor how many connections are open; and closing a socket
whose client is still sending makes the kernel answer with a reset, so a client that sends
its whole body before reading (urllib) never sees an early 401 or 413. Here:
- at most `max_connections` are open; one more is answered 503 and closed at once (without
  lingering, so refused connections hold no descriptors);
- a connection without a request in progress is closed after `idle_timeout_s` without a byte
  (uvicorn's keep-alive timeout covers the time between requests, this the first request);
- a request's line and headers must be complete within `header_timeout_s` of the connection
  being ready for it, and at most MAX_HEADER_BYTES long (else 431);
- a close while the client may still be sending (an answer before the body was read, a
  request cut off) lingers: the answer is sent, the sending side shut (FIN), and what the
  client still sends is read and dropped, until it closes, LINGER_BYTES were dropped or
  `linger_s` passed.
"""

from __future__ import annotations

import asyncio
import resource
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from zakid_metrics.errors import UsageError
from zakid_metrics.settings import Settings

MAX_HEADER_BYTES = 64 * 1024
"""Request line and headers at most (a device sends a few hundred bytes)."""
LINGER_BYTES = 64 * 1024 * 1024
"""At most this much of a body is read and dropped after an early answer."""
FD_RESERVE = 256
"""File descriptors kept free of connections: the log, segments, DuckDB, the token store."""


@dataclass(frozen=True)
class ConnectionLimits:
    max_connections: int
    idle_timeout_s: float
    header_timeout_s: float
    linger_s: float

    @classmethod
    def of(cls, settings: Settings) -> ConnectionLimits:
        return cls(
            settings.collector_max_connections,
            settings.collector_idle_timeout_s,
            settings.collector_header_timeout_s,
            settings.collector_body_timeout_s,
        )


@dataclass
class ConnectionCounts:
    """What /healthz reports about connections."""

    max: int
    open: int = 0
    refused: int = 0  # at the cap
    timed_out: int = 0  # idle or header timeout

    def public(self) -> dict[str, int]:
        return {
            "open": self.open,
            "max": self.max,
            "refused": self.refused,
            "timed_out": self.timed_out,
        }


def reserve_descriptors(limits: ConnectionLimits) -> None:
    """Raise the process's open-file limit so that the connection cap is reached first."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = limits.max_connections + FD_RESERVE
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            raise UsageError(
                f"ZAKID_COLLECTOR_MAX_CONNECTIONS={limits.max_connections} needs {needed} open "
                f"files, and this process may open at most {hard}.",
                f"Set ZAKID_COLLECTOR_MAX_CONNECTIONS to at most {hard - FD_RESERVE}, or raise "
                "the hard limit (ulimit -Hn, LimitNOFILE= in a systemd unit).",
            )
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


_REFUSED = (
    b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: %d\r\nconnection: close\r\n%s\r\n%s"
)


def _refusal(status: int, phrase: bytes, text: bytes, extra: bytes = b"") -> bytes:
    return _REFUSED % (status, phrase, len(text), extra, text)


class _LingeringTransport:
    """The connection's transport, whose close() lingers (see the module docstring)."""

    def __init__(self, transport: asyncio.Transport, protocol: GuardedProtocol) -> None:
        self._transport = transport
        self._protocol = protocol
        self.lingering = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)

    def is_closing(self) -> bool:
        return self.lingering or self._transport.is_closing()

    def close(self) -> None:
        transport = self._transport
        if self.lingering or transport.is_closing():
            return
        if not self._protocol.client_sending() or not transport.can_write_eof():
            transport.close()
            return
        self.lingering = True
        transport.write_eof()  # after what is buffered: the answer reaches the client
        transport.resume_reading()
        self._protocol.linger()


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the guards of the module docstring."""

    limits: ConnectionLimits  # both set on the subclass guarded_protocol() makes
    counts: ConnectionCounts

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._idle_timer: asyncio.TimerHandle | None = None
        self._header_timer: asyncio.TimerHandle | None = None
        self._linger_timer: asyncio.TimerHandle | None = None
        self._header_bytes: int | None = None  # None while no request line and headers are due
        self._dropped = 0
        self._raw: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._raw = transport
        super().connection_made(_LingeringTransport(transport, self))  # type: ignore[arg-type]
        self.counts.open = len(self.connections)
        if len(self.connections) > self.limits.max_connections:
            self.counts.refused += 1
            transport.write(
                _refusal(
                    503,
                    b"Service Unavailable",
                    b"Too many open connections; try again shortly.",
                    b"retry-after: 1\r\n",
                )
            )
            # Closed at once, not lingering: refused connections must not hold descriptors.
            transport.close()
            return
        self._idle_timer = self.loop.call_later(self.limits.idle_timeout_s, self._expire)
        self._await_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        for timer in (self._idle_timer, self._header_timer, self._linger_timer):
            if timer is not None:
                timer.cancel()
        super().connection_lost(exc)
        self.counts.open = len(self.connections)

    def data_received(self, data: bytes) -> None:
        if self.transport.lingering:  # type: ignore[attr-defined]
            self._dropped += len(data)
            if self._dropped > LINGER_BYTES:
                self._close_now()
            return
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        super().data_received(data)
        if self._header_bytes is not None and not self.transport.is_closing():
            self._header_bytes += len(data)
            if self._header_bytes > MAX_HEADER_BYTES:
                self.transport.write(
                    _refusal(
                        431,
                        b"Request Header Fields Too Large",
                        b"The request line and headers exceed 64 KiB.",
                    )
                )
                self.transport.close()

    def on_headers_complete(self) -> None:
        self._header_bytes = None
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        pipelined = bool(self.pipeline)
        super().on_response_complete()
        if not pipelined and not self.transport.is_closing():
            self._await_headers()

    def _await_headers(self) -> None:
        self._header_bytes = 0
        self._header_timer = self.loop.call_later(self.limits.header_timeout_s, self._expire)

    def _expire(self) -> None:
        """An idle or header timeout: close (lingering, the client may still be sending)."""
        if self.transport.is_closing():
            return
        self.counts.timed_out += 1
        if self.cycle is None or self.cycle.response_complete:
            self.transport.close()
        else:  # a request whose headers came: its answer closes the connection
            self.cycle.keep_alive = False

    def client_sending(self) -> bool:
        """Whether the client may be sending: a request body not read to its end, or part
        of the next request's headers."""
        return bool(self._header_bytes) or (self.cycle is not None and self.cycle.more_body)

    def timeout_keep_alive_handler(self) -> None:
        """uvicorn's idle timeout between requests: counted like the others."""
        self._expire()

    def linger(self) -> None:
        self._linger_timer = self.loop.call_later(self.limits.linger_s, self._close_now)

    def _close_now(self) -> None:
        if self._raw is not None and not self._raw.is_closing():
            self._raw.close()


def guarded_protocol(limits: ConnectionLimits, counts: ConnectionCounts) -> type[GuardedProtocol]:
    """The protocol class to hand uvicorn (`http=`), bound to `limits` and `counts`."""
    return type("GuardedHttpProtocol", (GuardedProtocol,), {"limits": limits, "counts": counts})
