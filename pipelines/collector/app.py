"""The collector's HTTP interface: POST /v1/telemetry and GET /healthz (Starlette on uvicorn)."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pipelines.collector.connections import (
    ConnectionCounts,
    ConnectionLimits,
    guarded_protocol,
    reserve_descriptors,
)
from pipelines.collector.store import Collector
from pipelines.collector.tokens import TokenStore
from zakid_metrics.errors import (
    BodyTimeoutError,
    BodyTooLargeError,
    ErrorCode,
    MalformedBodyError,
    NotDurableError,
    RequestError,
    UnauthorizedError,
    UnsupportedEncodingError,
)
from zakid_metrics.settings import Settings, get_settings

if TYPE_CHECKING:
    from pipelines.collector.mqtt import MqttSubscriber

log = logging.getLogger("zakid.collector")
MAX_BODY_BYTES = 5 * 1024 * 1024
"""At most 5 MB (MiB) per request, checked while the body streams in."""


# How the collector answers a refused request: HTTP status and extra headers per error code;
# the JSON body names the code, the reason and the hint.
ANSWERS: dict[ErrorCode, tuple[int, dict[str, str]]] = {
    "unauthorized": (401, {"WWW-Authenticate": "Bearer"}),
    "too_large": (413, {}),
    "body_timeout": (408, {}),
    "malformed_body": (400, {}),
    "unsupported_encoding": (400, {}),
    "request_error": (400, {}),
    "not_durable": (503, {"Retry-After": "1"}),
}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status, headers, media_type="application/json")


def authenticate(tokens: TokenStore, header: str | None) -> str:
    """The device a request's bearer token belongs to."""
    issue_hint = "Issue one with `python -m pipelines devices token DEVICE_ID`."
    if not header:
        raise UnauthorizedError(
            "The Authorization header is missing.",
            f"Send 'Authorization: Bearer <device token>'. {issue_hint}",
        )
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise UnauthorizedError(
            "The Authorization header is not of the form 'Bearer <token>'.",
            "Send exactly one device token after 'Bearer '.",
        )
    record = tokens.lookup(token)
    if record is None:
        raise UnauthorizedError(
            "The token is not valid (unknown, mistyped or replaced).",
            f"Use the device's current token. {issue_hint}",
        )
    if not record.active:
        raise UnauthorizedError(
            f"The token of device {record.device_id!r} was revoked at {record.revoked_at}.",
            f"Ask the operator for a new token. {issue_hint}",
        )
    return record.device_id


def check_encoding(header: str | None) -> None:
    """Refuse a body in a content coding (gzip, ...) before reading it."""
    if header and header.strip().lower() != "identity":
        raise UnsupportedEncodingError(
            f"The body is sent with Content-Encoding '{header}'; only plain bodies are read.",
            "Send the body uncompressed, without a Content-Encoding header.",
        )


async def read_body(request: Request, timeout_s: float) -> bytes:
    """The request body, refused with 413 as soon as it grows past MAX_BODY_BYTES, and with
    408 when it pauses for more than `timeout_s`."""
    too_large = BodyTooLargeError(
        f"The body is larger than {MAX_BODY_BYTES} bytes (5 MB).",
        "Send the readings in smaller batches.",
    )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large
    chunks = []
    size = 0
    stream = request.stream()
    while True:
        try:
            async with asyncio.timeout(timeout_s):
                chunk = await anext(stream)
        except StopAsyncIteration:
            return b"".join(chunks)
        except TimeoutError:
            raise BodyTimeoutError(
                f"The body paused for more than {timeout_s:g} s.",
                "Send the whole body without pausing; check the network.",
            ) from None
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large
        chunks.append(chunk)


def _malformed(reason: str) -> MalformedBodyError:
    return MalformedBodyError(
        reason, "Send a JSON array of reading objects, or NDJSON: one reading object per line."
    )


def parse_readings(body: bytes) -> list[dict[str, Any]]:
    """The readings of a body: a JSON array of objects, or NDJSON (one object per line)."""
    start = body.lstrip()[:1]
    if not start:
        raise _malformed("The body is empty.")
    if start == b"[":
        try:
            readings = orjson.loads(body)
        except orjson.JSONDecodeError as error:
            raise _malformed(f"The body is not valid JSON: {error}.") from None
        if type(readings) is not list:
            raise _malformed("The body is not a JSON array.")
        for i, reading in enumerate(readings):
            if type(reading) is not dict:
                raise _malformed(f"Element {i} of the array is not a JSON object.")
        return readings
    readings = []
    for number, line in enumerate(body.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            reading = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            raise _malformed(f"Line {number} is not valid JSON: {error}.") from None
        if type(reading) is not dict:
            raise _malformed(f"Line {number} is not a JSON object.")
        readings.append(reading)
    return readings


def create_app(
    collector: Collector,
    settings: Settings | None = None,
    counts: ConnectionCounts | None = None,
    subscriber: MqttSubscriber | None = None,
) -> Starlette:
    """The ASGI app over an opened collector; its lifespan flushes the store on shutdown.

    /healthz answers 200 with `status` ok or degraded (damaged log bytes in quarantine), 503
    while flushes fail, with the flush's and the connections' figures, and the MQTT
    subscription's under `mqtt` when the collector takes readings from the broker too."""
    tokens = TokenStore(collector.data_dir)
    body_timeout_s = (settings or get_settings()).collector_body_timeout_s

    async def telemetry(request: Request) -> Response:
        body_read = False
        try:
            device = authenticate(tokens, request.headers.get("authorization"))
            check_encoding(request.headers.get("content-encoding"))
            body = await read_body(request, body_timeout_s)
            body_read = True
            readings = parse_readings(body)
            receipt = await collector.receive(device, readings)
        except (RequestError, NotDurableError) as error:
            status, headers = ANSWERS[error.code]
            if not body_read:
                # The rest of the body is read and dropped as the connection closes (see
                # connections.py), so that a client still sending it sees this answer.
                headers = {**headers, "Connection": "close"}
            body = {"error": error.code, "reason": error.message, "hint": error.hint}
            return json_response(body, status, headers)
        return json_response(receipt.public())

    async def healthz(request: Request) -> Response:
        status = collector.status()
        if counts is not None:
            status["connections"] = counts.public()
        if subscriber is not None:
            status["mqtt"] = subscriber.status()
        return json_response(status, 503 if status["status"] == "failing" else 200)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        collector.start()
        if subscriber is not None:
            subscriber.start(asyncio.get_running_loop())
        yield
        if subscriber is not None:
            await subscriber.stop()
        await collector.close()

    return Starlette(
        routes=[
            Route("/v1/telemetry", telemetry, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


GC_YOUNG_THRESHOLD = 20_000
"""Allocations between two collections of young objects (Python's default: 700). A batch of
500 readings allocates some 15 000 objects, nearly all freed at once by reference counting."""


def quiet_garbage_collector() -> None:
    """Keep the garbage collector's pauses out of the acknowledgements.

    Everything alive after start-up (modules, the dedupe index) is frozen out of the
    collections, which otherwise walk it all now and then: a pause of 250 ms measured on the
    two-core machine, longer than an fsync. Young objects are collected less often.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


def serve(
    collector: Collector,
    host: str,
    port: int,
    settings: Settings | None = None,
    subscriber: MqttSubscriber | None = None,
) -> None:
    """Run the collector until SIGINT/SIGTERM; a graceful stop flushes the log into segments.
    With a `subscriber` it also takes readings from the MQTT broker.

    Opening (recovery and replay) happens first, so a missing warehouse or an unusable data
    directory ends with a clear message before the port is bound.
    """
    import uvicorn

    settings = settings or get_settings()
    limits = ConnectionLimits.of(settings)
    counts = ConnectionCounts(limits.max_connections)
    reserve_descriptors(limits)
    replayed = collector.open()
    quiet_garbage_collector()
    log.warning(
        "collector %s: %d reading(s) replayed from the log; listening on http://%s:%d",
        collector.instance,
        replayed,
        host,
        port,
    )
    uvicorn.run(
        create_app(collector, settings, counts, subscriber),
        host=host,
        port=port,
        loop="uvloop",
        http=guarded_protocol(limits, counts),
        timeout_keep_alive=limits.idle_timeout_s,  # type: ignore[arg-type]
        access_log=False,
        log_level="warning",
        lifespan="on",
    )
