"""What the app's web server adds to Streamlit's: the route that turns a login ticket into the
HttpOnly session cookie, security headers on every answer, and no metrics for strangers.

app.py hands these to `st.App`, Streamlit's own ASGI application (Starlette on uvicorn since
Streamlit 1.5x), which `streamlit run app.py` serves; no fork, no second server.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit import config

from zakid_metrics import sessions
from zakid_metrics.settings import get_settings

SESSION_ROUTE: Final = "_zakid/session"
MAX_TICKET_BODY: Final = 1024
# Every answer: no MIME sniffing, and no address with filters in it sent to other sites.
COMMON_HEADERS: Final = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)
# The internal app is never shown inside another site's frame (clickjacking); the public app
# is meant to be embedded, so which sites may frame it is the reverse proxy's to say (README).
INTERNAL_HEADERS: Final = (
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-frame-options", b"DENY"),
)
# Streamlit's metrics (sessions, memory, cache sizes) would answer anyone without a login.
CLOSED_PATHS: Final = ("_stcore/metrics",)


def base_path() -> str:
    """`/` or `/<server.baseUrlPath>/`: where the app is served."""
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/" if base else "/"


def session_route() -> str:
    """The path of the session route, e.g. `/_zakid/session`."""
    return base_path() + SESSION_ROUTE


def routes() -> list[Route]:
    """The app's own routes, for st.App."""
    return [Route(session_route(), _session, methods=["POST", "DELETE"])]


def middleware() -> list[Middleware]:
    """The app's own middleware, for st.App: headers and closed paths."""
    return [Middleware(SecurityHeaders, internal=get_settings().mode == "internal")]


class SecurityHeaders:
    """Adds COMMON_HEADERS (and INTERNAL_HEADERS in the internal app) to every HTTP answer and
    answers CLOSED_PATHS with 404."""

    def __init__(self, app: ASGIApp, *, internal: bool) -> None:
        self.app = app
        self.headers = COMMON_HEADERS + (INTERNAL_HEADERS if internal else ())
        self.closed = tuple(base_path() + path for path in CLOSED_PATHS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"].rstrip("/") in self.closed:
            await Response(status_code=404)(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        await self.app(scope, receive, with_headers)


async def _session(request: Request) -> Response:
    """POST {"ticket": ...}: set the session cookie for a fresh login's one-time ticket.
    DELETE: remove the cookie (logout; the session itself has ended on the server already).

    Only for the app's own pages: another site's request carries another Origin.
    """
    if not _same_origin(request):
        return Response(status_code=403)
    secure = request.url.scheme == "https"
    if request.method == "DELETE":
        response = Response(status_code=204)
        response.delete_cookie(
            sessions.COOKIE_NAME, path=base_path(), secure=secure, httponly=True, samesite="strict"
        )
        return response
    body = await request.body()
    if len(body) > MAX_TICKET_BODY or request.headers.get("content-type") != "application/json":
        return Response(status_code=400)
    try:
        ticket = str((await request.json())["ticket"])
    except (ValueError, KeyError, TypeError):
        return Response(status_code=400)
    now = dt.datetime.now(dt.UTC)
    cookie = await run_in_threadpool(sessions.redeem, ticket, now)
    if cookie is None:
        return Response(status_code=403)
    response = Response(status_code=204)
    # No Max-Age: the cookie ends with the browser; the server ends the session earlier
    # (timeout, lifetime, logout) by forgetting it.
    response.set_cookie(
        sessions.COOKIE_NAME,
        cookie,
        path=base_path(),
        secure=secure,
        httponly=True,
        samesite="strict",
    )
    return response


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is not None and origin == f"{request.url.scheme}://{request.headers.get('host')}"
