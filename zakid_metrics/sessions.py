"""Login sessions kept on the server: the browser holds a cookie that names one, this store says
whether it is still valid, so logout, timeout and disabling an account end it everywhere.

DATA_DIR/sessions.json (mode 0600, replaced atomically under a lock) holds one record per
session: its id (known only to the app's server memory), the account, when it started and was
last used, and the SHA-256 of its cookie. The cookie itself is never stored, and never seen by
the page's JavaScript: after a login the page receives a one-time ticket, valid for
TICKET_LIFETIME, which the browser exchanges at the app's own route for the HttpOnly cookie
(zakid_metrics.dashboard.server). A session ends at logout, after the inactivity timeout
(ZAKID_SESSION_TIMEOUT_MINUTES), MAX_LIFETIME after its start, and when its account is disabled
or removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict

from zakid_metrics.errors import UserStoreError
from zakid_metrics.files import changing_model, read_model
from zakid_metrics.settings import get_settings

SESSIONS_FILE: Final = "sessions.json"
_LOCK_FILE: Final = ".sessions.lock"
COOKIE_NAME: Final = "zakid_session"
TICKET_LIFETIME: Final = dt.timedelta(minutes=2)
# An absolute limit besides the inactivity timeout (OWASP session management): a stolen
# cookie of a session kept busy still stops working the same day.
MAX_LIFETIME: Final = dt.timedelta(hours=12)
# Ended records stay a while, so that a tab coming back can still say why its session ended.
_KEPT_FOR = MAX_LIFETIME + dt.timedelta(days=1)
# `last_seen` is written at most this often: a rerun of the page does not rewrite the file
# each time, and the timeout is kept to within this margin.
TOUCH_INTERVAL: Final = dt.timedelta(seconds=30)
_SECRET_BYTES = 32


@dataclass(frozen=True)
class Session:
    """One login session as the app sees it."""

    id: str
    user: str
    account_created_at: dt.datetime  # tells a re-added account of the same name apart
    started_at: dt.datetime
    last_seen: dt.datetime


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    user: str
    account_created_at: dt.datetime
    started_at: dt.datetime
    last_seen: dt.datetime
    cookie_sha256: str | None = None
    ticket_sha256: str | None = None
    ticket_expires: dt.datetime | None = None

    def public(self) -> Session:
        return Session(self.id, self.user, self.account_created_at, self.started_at, self.last_seen)


class _SessionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = 1
    sessions: list[_Record] = []


def sessions_path(data_dir: Path | None = None) -> Path:
    """DATA_DIR/sessions.json."""
    return (data_dir or get_settings().data_dir) / SESSIONS_FILE


def start(
    user: str, account_created_at: dt.datetime, now: dt.datetime, *, data_dir: Path | None = None
) -> tuple[Session, str]:
    """A new session of `user` and the one-time ticket its browser exchanges for the cookie."""
    ticket = secrets.token_urlsafe(_SECRET_BYTES)
    record = _Record(
        id=secrets.token_urlsafe(_SECRET_BYTES),
        user=user,
        account_created_at=account_created_at,
        started_at=now,
        last_seen=now,
        ticket_sha256=_sha256(ticket),
        ticket_expires=now + TICKET_LIFETIME,
    )
    with _changing(data_dir, now) as stored:
        stored.sessions.append(record)
    return record.public(), ticket


def redeem(ticket: str, now: dt.datetime, *, data_dir: Path | None = None) -> str | None:
    """The cookie value for a valid, unused `ticket` (used up hereby), else None."""
    digest = _sha256(ticket)
    cookie = secrets.token_urlsafe(_SECRET_BYTES)
    with _changing(data_dir, now) as stored:
        for record in stored.sessions:
            if (
                record.ticket_sha256 == digest
                and record.ticket_expires
                and now <= (record.ticket_expires)
            ):
                record.ticket_sha256 = record.ticket_expires = None
                record.cookie_sha256 = _sha256(cookie)
                return cookie
    return None


def ticket_pending(session_id: str, *, data_dir: Path | None = None) -> bool:
    """Whether the session's ticket has not been exchanged for its cookie yet."""
    record = _by_id(_load(sessions_path(data_dir)), session_id)
    return record is not None and record.ticket_sha256 is not None


def find(
    session_id: str | None,
    now: dt.datetime,
    timeout: dt.timedelta,
    *,
    cookie: str | None = None,
    data_dir: Path | None = None,
) -> Session | None:
    """The live session with this id (or, without an id, whose cookie this is), else None.

    Pure read: an auto-refreshing part of a page checks with it and does not keep the
    session alive.
    """
    stored = _load(sessions_path(data_dir))
    if session_id is not None:
        record = _by_id(stored, session_id)
    elif cookie:
        digest = _sha256(cookie)
        record = next((r for r in stored.sessions if r.cookie_sha256 == digest), None)
    else:
        record = None
    if record is None or not _alive(record, now, timeout):
        return None
    return record.public()


def touch(session: Session, now: dt.datetime, *, data_dir: Path | None = None) -> None:
    """Record activity in `session` (at most every TOUCH_INTERVAL)."""
    if now - session.last_seen < TOUCH_INTERVAL:
        return
    with _changing(data_dir, now) as stored:
        record = _by_id(stored, session.id)
        if record is not None:
            record.last_seen = max(record.last_seen, now)


def end(session_id: str, *, data_dir: Path | None = None) -> Session | None:
    """End the session (logout, timeout): every tab that uses it is logged out at its next
    interaction. The session as it was, or None when it had ended already."""
    with _changing(data_dir, None) as stored:
        record = _by_id(stored, session_id)
        stored.sessions = [r for r in stored.sessions if r.id != session_id]
        return None if record is None else record.public()


def end_user(user: str, *, data_dir: Path | None = None) -> int:
    """End every session of `user` (account disabled or removed); how many there were."""
    with _changing(data_dir, None) as stored:
        before = len(stored.sessions)
        stored.sessions = [r for r in stored.sessions if r.user != user]
        return before - len(stored.sessions)


def _alive(record: _Record, now: dt.datetime, timeout: dt.timedelta) -> bool:
    return now - record.last_seen <= timeout and now - record.started_at <= MAX_LIFETIME


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _by_id(stored: _SessionsFile, session_id: str) -> _Record | None:
    return next((r for r in stored.sessions if r.id == session_id), None)


def _load(path: Path) -> _SessionsFile:
    return read_model(path, _SessionsFile, _unreadable)


def _unreadable(path: Path, error: Exception) -> UserStoreError:
    return UserStoreError(
        f"The session file {path} cannot be read: {error}.",
        "Delete it (everyone then logs in again) and restart the app.",
    )


@contextmanager
def _changing(data_dir: Path | None, now: dt.datetime | None) -> Iterator[_SessionsFile]:
    """The sessions to change under an exclusive lock, written back atomically on success;
    with `now`, records long past their lifetime are dropped on the way (the file does not
    grow)."""
    path = sessions_path(data_dir)
    with changing_model(path, _SessionsFile, _unreadable, _LOCK_FILE) as stored:
        if now is not None:
            stored.sessions = [r for r in stored.sessions if now - r.started_at <= _KEPT_FOR]
        yield stored
