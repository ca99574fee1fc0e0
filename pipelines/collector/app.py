"""The collector's HTTP interface: POST /v1/telemetry and GET /healthz (Starlette on uvicorn)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pipelines.collector.store import Collector
from pipelines.collector.tokens import TokenStore
from zakid_metrics.errors import (
    BodyTooLargeError,
    ErrorCode,
    MalformedBodyError,
    NotDurableError,
    RequestError,
    UnauthorizedError,
)

log = logging.getLogger("zakid.collector")
MAX_BODY_BYTES = 5 * 1024 * 1024
"""At most 5 MB (MiB) per request, checked while the body streams in."""


# How the collector answers a refused request: HTTP status and extra headers per error code;
# the JSON body names the code, the reason and the hint.
ANSWERS: dict[ErrorCode, tuple[int, dict[str, str]]] = {
    "unauthorized": (401, {"WWW-Authenticate": "Bearer"}),
    "too_large": (413, {}),
    "malformed_body": (400, {}),
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


async def read_body(request: Request) -> bytes:
    """The request body, refused with 413 as soon as it grows past MAX_BODY_BYTES."""
    too_large = BodyTooLargeError(
        f"The body is larger than {MAX_BODY_BYTES} bytes (5 MB).",
        "Send the readings in smaller batches.",
    )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


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


def create_app(collector: Collector) -> Starlette:
    """The ASGI app over an opened collector; its lifespan flushes the store on shutdown."""
    tokens = TokenStore(collector.data_dir)

    async def telemetry(request: Request) -> Response:
        try:
            device = authenticate(tokens, request.headers.get("authorization"))
            readings = parse_readings(await read_body(request))
            receipt = await collector.receive(device, readings)
        except (RequestError, NotDurableError) as error:
            status, headers = ANSWERS[error.code]
            body = {"error": error.code, "reason": error.message, "hint": error.hint}
            return json_response(body, status, headers)
        return json_response(receipt.public())

    async def healthz(request: Request) -> Response:
        return json_response({"status": "ok", **collector.status()})

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        collector.start()
        yield
        await collector.close()

    return Starlette(
        routes=[
            Route("/v1/telemetry", telemetry, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def serve(collector: Collector, host: str, port: int) -> None:
    """Run the collector until SIGINT/SIGTERM; a graceful stop flushes the log into segments.

    Opening (recovery and replay) happens first, so a missing warehouse or an unusable data
    directory ends with a clear message before the port is bound.
    """
    import uvicorn

    replayed = collector.open()
    log.warning(
        "collector %s: %d reading(s) replayed from the log; listening on http://%s:%d",
        collector.instance,
        replayed,
        host,
        port,
    )
    uvicorn.run(
        create_app(collector),
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
        lifespan="on",
    )
