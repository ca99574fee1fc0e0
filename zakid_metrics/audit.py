"""The append-only audit log: who logged in, uploaded, reported or changed accounts, and when.

One JSON object per line in DATA_DIR/audit.log (mode 0600):
`{"ts": "2026-11-24T13:05:00.123Z", "user": "anna", "event": "login_ok", "details": {}}`.
`ts` is UTC with milliseconds and fixed width, so lines sort as text in time order.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, get_args

from zakid_metrics.errors import AuditError
from zakid_metrics.files import PRIVATE_FILE_MODE, fsync_fd
from zakid_metrics.settings import get_settings

AuditEvent = Literal[
    "login_ok",
    "login_failed",
    "login_locked",
    "logout",
    "upload",
    "report",
    "export",
    "user_added",
    "user_removed",
    "user_disabled",
    "user_enabled",
    "token_issued",
    "token_revoked",
    "alert_sent",
    "alert_failed",
    "subscription_changed",
]
AUDIT_EVENTS: tuple[AuditEvent, ...] = get_args(AuditEvent)

AUDIT_FILE: Final = "audit.log"
# Concurrent writers may append a few milliseconds out of order; reading back from the end
# goes this far past the requested start so such lines are not missed.
_CLOCK_SLACK = dt.timedelta(seconds=60)
_BLOCK = 64 * 1024


@dataclass(frozen=True)
class AuditRecord:
    """One line of the audit log."""

    ts: dt.datetime  # aware, UTC
    user: str
    event: str
    details: dict[str, Any] = field(default_factory=dict)


def audit_path(data_dir: Path | None = None) -> Path:
    """DATA_DIR/audit.log."""
    return (data_dir or get_settings().data_dir) / AUDIT_FILE


def format_ts(moment: dt.datetime) -> str:
    """`2026-11-24T13:05:00.123Z`: UTC, milliseconds, fixed width."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def audit(
    event: AuditEvent,
    user: str,
    *,
    data_dir: Path | None = None,
    ts: dt.datetime | None = None,
    **details: Any,
) -> AuditRecord:
    """Append one event to the audit log and return it; durable (fsync) before returning.

    `user` is who acted (an account name, or `cli:<os user>` for the command line); `details`
    are JSON values (anything else is written as its text), e.g. `file=`, `run_id=`.
    """
    if event not in AUDIT_EVENTS:
        raise AuditError(
            f"Unknown audit event {event!r}.",
            f"Use one of {', '.join(AUDIT_EVENTS)} (zakid_metrics.audit.AUDIT_EVENTS).",
        )
    record = AuditRecord(ts or dt.datetime.now(dt.UTC), user, event, details)
    line = json.dumps(
        {"ts": format_ts(record.ts), "user": user, "event": event, "details": details},
        ensure_ascii=False,
        default=str,
    )
    path = audit_path(data_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
        try:
            # One write per line: appends of a few hundred bytes are not interleaved.
            os.write(fd, (line + "\n").encode("utf-8"))
            fsync_fd(fd)
        finally:
            os.close(fd)
    except OSError as error:
        raise AuditError(
            f"Cannot write the audit log {path}: {error.strerror}.",
            "Check that the data directory exists and is writable by the app's user.",
        ) from error
    return record


def read_audit(
    *, data_dir: Path | None = None, since: dt.datetime | None = None
) -> list[AuditRecord]:
    """The audit records from `since` on (all without it), oldest first.

    With `since`, only the end of the file is read, so a check over the last minutes stays
    fast however long the log grows. A line torn by a crash mid-write is skipped.
    """
    path = audit_path(data_dir)
    if not path.exists():
        return []
    if since is None:
        lines = path.read_bytes().split(b"\n")
    else:
        lines = _lines_since(path, format_ts(since - _CLOCK_SLACK))
    records = [record for line in lines if (record := _parse(line)) is not None]
    if since is not None:
        records = [record for record in records if record.ts >= since]
    return sorted(records, key=lambda record: record.ts)


def _lines_since(path: Path, bound: str) -> list[bytes]:
    """The lines at the end of the file, back to the first one older than `bound`."""
    with path.open("rb") as file:
        position = file.seek(0, os.SEEK_END)
        data = b""
        while position > 0:
            step = min(_BLOCK, position)
            position -= step
            file.seek(position)
            data = file.read(step) + data
            lines = data.split(b"\n")
            if position > 0:
                lines = lines[1:]  # the first piece may be the end of an earlier line
            oldest = next((r for line in lines if (r := _parse(line)) is not None), None)
            if oldest is not None and format_ts(oldest.ts) < bound:
                return lines
        return data.split(b"\n")


def _parse(line: bytes) -> AuditRecord | None:
    if not line.strip():
        return None
    try:
        raw = json.loads(line)
        ts = dt.datetime.fromisoformat(raw["ts"])
        return AuditRecord(ts, str(raw["user"]), str(raw["event"]), dict(raw.get("details", {})))
    except (ValueError, KeyError, TypeError):
        return None
