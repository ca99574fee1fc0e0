"""The alerts' durable state and their delivery by SMTP: sent once per occurrence, never lost.

DATA_DIR/alerts/state.json (mode 0600, replaced atomically under a lock) holds the active
occurrences with the level last notified, the last period of each digest queued, and the
outbox. A run changes them in one write: the occurrences that fired or resolved and the mails
they cause are committed together, before any is sent, so a crash or a restart neither loses
a mail nor queues it twice. Delivery then takes the due mails out of the outbox one by one;
a failed try stays in it with its error and waits (ZAKID_ALERTS_RETRY_S, doubling up to
ZAKID_ALERTS_RETRY_MAX_S). Every send and every failed try is in the audit log.
"""

from __future__ import annotations

import base64
import datetime as dt
import smtplib
import ssl
import tomllib
import uuid
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict

from zakid_metrics.alerts import RULES, Occurrence, Param, render
from zakid_metrics.audit import audit
from zakid_metrics.auth import Role
from zakid_metrics.digests import Letter
from zakid_metrics.errors import AlertError
from zakid_metrics.files import changing_model, read_model, write_model
from zakid_metrics.i18n import t
from zakid_metrics.settings import PROJECT_ROOT, Settings, get_settings
from zakid_metrics.subscriptions import Delivery, alerts_dir, may_receive

STATE_FILE: Final = "state.json"
_LOCK_FILE: Final = ".state.lock"
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"
SENDER: Final = "scheduler"
"""Who sends, in the audit log."""
Event = Literal["fired", "resolved", "digest"]


class StoredAttachment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: str
    content_type: str
    data: str  # base64


class Message(BaseModel):
    """A mail in the outbox."""

    model_config = ConfigDict(extra="forbid")

    id: str
    topic: str  # a rule or digest id
    event: Event
    occurrence: str  # `rule:key@level`, or `digest:period`
    user: str
    to: str
    language: str
    subject: str
    body: str
    attachments: list[StoredAttachment] = []
    created_at: dt.datetime
    attempts: int = 0
    next_try_at: dt.datetime
    last_error: str | None = None


class Active(BaseModel):
    """An occurrence that fired and has not resolved yet."""

    model_config = ConfigDict(extra="forbid")

    rule: str
    key: str
    level: int
    notified_level: int  # a level above it fires again
    params: dict[str, list[Any]]  # name -> [kind, JSON value]
    since: dt.datetime


class State(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    evaluated_at: dt.datetime | None = None
    active: dict[str, Active] = {}
    unknown: list[str] = []  # rules whose figures could not be computed at the last run
    digests: dict[str, str] = {}  # digest id -> the last period queued
    outbox: list[Message] = []
    last_sent_at: dt.datetime | None = None


@dataclass(frozen=True)
class Change:
    """An occurrence that fired (new, or a higher level) or resolved."""

    event: Literal["fired", "resolved"]
    rule: str
    key: str
    level: int
    params: dict[str, Param]

    @property
    def occurrence(self) -> str:
        return f"{self.rule}:{self.key}@{self.level}"


# --- State ------------------------------------------------------------------------------------


def state_path(data_dir: Path | None = None) -> Path:
    return alerts_dir(data_dir) / STATE_FILE


def load_state(data_dir: Path | None = None) -> State:
    """The state as the last run left it (empty before the first run)."""
    return read_model(state_path(data_dir), State, _unreadable)


def changing_state(data_dir: Path | None = None) -> AbstractContextManager[State]:
    """The state under the lock; written back atomically on success (`save` writes between)."""
    return changing_model(state_path(data_dir), State, _unreadable, _LOCK_FILE, timeout_s=600)


def save(state: State, data_dir: Path | None = None) -> None:
    write_model(state_path(data_dir), state)


def _unreadable(path: Path, error: Exception) -> AlertError:
    return AlertError(
        f"The alert state {path} cannot be read: {error}",
        "Move it away: the next run starts afresh (it may send the active alerts again).",
    )


def encode_params(params: Mapping[str, Param]) -> dict[str, list[Any]]:
    return {name: [kind, _encode(value)] for name, (kind, value) in params.items()}


def decode_params(stored: Mapping[str, list[Any]]) -> dict[str, Param]:
    return {name: (kind, _decode(kind, value)) for name, (kind, value) in stored.items()}


def _encode(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "datetime":
        return dt.datetime.fromisoformat(value)
    if kind == "eur":
        return Decimal(value)
    return value


def apply(
    state: State, evaluated: Mapping[str, list[Occurrence] | None], now: dt.datetime
) -> list[Change]:
    """Bring the active occurrences up to `evaluated` (alerts.evaluate); what fired or resolved.

    New, or at a level above the one notified: fired. Gone: resolved. At a lower level: kept
    quietly at that level, so that a rise fires again. A rule without figures (None) keeps its
    occurrences as they are.
    """
    changes: list[Change] = []
    state.unknown = sorted(rule for rule, found in evaluated.items() if found is None)
    for rule, found in evaluated.items():
        if found is None:
            continue
        current = {occurrence.id: occurrence for occurrence in found}
        for ident, occurrence in current.items():
            stored = encode_params(occurrence.params)
            before = state.active.get(ident)
            if before is None or occurrence.level > before.notified_level:
                changes.append(
                    Change("fired", rule, occurrence.key, occurrence.level, occurrence.params)
                )
                state.active[ident] = Active(
                    rule=rule, key=occurrence.key, level=occurrence.level,
                    notified_level=occurrence.level, params=stored,
                    since=before.since if before else now,
                )  # fmt: skip
            else:
                before.level = before.notified_level = occurrence.level
                before.params = stored
        for ident in [i for i, a in state.active.items() if a.rule == rule and i not in current]:
            gone = state.active.pop(ident)
            changes.append(
                Change("resolved", rule, gone.key, gone.level, decode_params(gone.params))
            )
    state.evaluated_at = now
    return changes


# --- Queueing -------------------------------------------------------------------------------


def alert_messages(
    changes: Iterable[Change], recipients: Iterable[Delivery], now: dt.datetime
) -> list[Message]:
    """The mails `changes` cause: one per change and recipient who receives its rule, in the
    recipient's language."""
    messages = []
    recipients = list(recipients)
    for change in changes:
        rule = RULES[change.rule]
        for delivery in recipients:
            if not delivery.receives(rule.id):
                continue
            lang = delivery.recipient.language
            subject, body = render(rule, change.params, lang, resolved=change.event == "resolved")
            messages.append(
                _message(delivery, rule.id, change.event, change.occurrence,
                         t("alerts.subject", lang, subject=subject),
                         body + _footer(rule.name(lang), lang), (), now)
            )  # fmt: skip
    return messages


def digest_message(
    delivery: Delivery, digest: str, period: str, letter: Letter, now: dt.datetime
) -> Message:
    footer = "\n\n-- \n" + t("digest.footer", delivery.recipient.language)
    return _message(
        delivery, digest, "digest", f"{digest}:{period}", letter.subject, letter.body + footer,
        letter.attachments, now,
    )  # fmt: skip


def _message(
    delivery: Delivery,
    topic: str,
    event: Event,
    occurrence: str,
    subject: str,
    body: str,
    attachments: Iterable[Any],
    now: dt.datetime,
) -> Message:
    return Message(
        id=uuid.uuid4().hex,
        topic=topic,
        event=event,
        occurrence=occurrence,
        user=delivery.recipient.user,
        to=delivery.recipient.email,
        language=delivery.recipient.language,
        subject=subject,
        body=body,
        attachments=[
            StoredAttachment(
                filename=a.filename,
                content_type=a.content_type,
                data=base64.b64encode(a.data).decode("ascii"),
            )
            for a in attachments
        ],
        created_at=now,
        next_try_at=now,
    )


def _footer(rule_name: str, lang: str) -> str:
    return "\n\n-- \n" + t("alerts.footer", lang, rule=rule_name)


def visible_alerts(state: State, role: Role) -> list[Active]:
    """The active occurrences an account of `role` may see, oldest first."""
    return sorted(
        (a for a in state.active.values() if may_receive(role, a.rule)),
        key=lambda a: (a.since, a.rule, a.key),
    )


# --- Delivery -------------------------------------------------------------------------------


def smtp_credentials(settings: Settings) -> tuple[str | None, str | None]:
    """(user, password): from the settings, else the `[smtp]` table of .streamlit/secrets.toml."""
    user = settings.smtp_user
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    if (user is None or password is None) and SECRETS_FILE.exists():
        table = tomllib.loads(SECRETS_FILE.read_text(encoding="utf-8")).get("smtp", {})
        user = user or table.get("user")
        password = password or table.get("password")
    return user, password


def _connect(settings: Settings) -> smtplib.SMTP:
    host, port, timeout = settings.smtp_host or "", settings.smtp_port, settings.smtp_timeout_s
    context = ssl.create_default_context()
    if settings.smtp_security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        server = smtplib.SMTP(host, port, timeout=timeout)
        if settings.smtp_security == "starttls":
            server.starttls(context=context)
    user, password = smtp_credentials(settings)
    if user and password:
        server.login(user, password)
    return server


def email_of(message: Message, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(message.created_at)
    mail["Message-ID"] = make_msgid(message.id, sender.rpartition("@")[2] or None)
    mail["X-Zakid-Occurrence"] = message.occurrence
    mail.set_content(message.body)
    for attachment in message.attachments:
        main, _, sub = attachment.content_type.partition("/")
        mail.add_attachment(
            base64.b64decode(attachment.data), maintype=main, subtype=sub,
            filename=attachment.filename,
        )  # fmt: skip
    return mail


def _failed(message: Message, error: str, now: dt.datetime, data_dir: Path | None) -> None:
    settings = get_settings()
    message.attempts += 1
    wait = min(settings.alerts_retry_s * 2 ** (message.attempts - 1), settings.alerts_retry_max_s)
    message.next_try_at = now + dt.timedelta(seconds=wait)
    message.last_error = error
    audit(
        "alert_failed", SENDER, data_dir=data_dir, to=message.to, subject=message.subject,
        occurrence=message.occurrence, attempts=message.attempts, error=error,
    )  # fmt: skip


def deliver(state: State, now: dt.datetime, data_dir: Path | None = None) -> int:
    """Send the outbox's mails due at `now`; returns how many were sent. Each sent mail leaves
    the outbox (and the state is saved) at once; a failed one stays with its error."""
    settings = get_settings()
    due = [m for m in state.outbox if m.next_try_at <= now]
    if not due:
        return 0
    if not settings.smtp_host:
        for message in due:
            _failed(message, "No mail server is set (ZAKID_SMTP_HOST).", now, data_dir)
        return 0
    try:
        server = _connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        text = (
            f"The mail server {settings.smtp_host}:{settings.smtp_port} is not reachable: {error}"
        )
        for message in due:
            _failed(message, text, now, data_dir)
        return 0
    sent = 0
    try:
        for position, message in enumerate(due):
            try:
                server.send_message(email_of(message, settings.smtp_sender))
            except (smtplib.SMTPServerDisconnected, OSError) as error:
                for rest in due[position:]:
                    _failed(rest, f"The mail server dropped the connection: {error}", now, data_dir)
                break
            except smtplib.SMTPException as error:
                _failed(message, f"The mail server refused the mail: {error}", now, data_dir)
                continue
            audit(
                "alert_sent", SENDER, data_dir=data_dir, to=message.to, subject=message.subject,
                topic=message.topic, occurrence=message.occurrence,
            )  # fmt: skip
            state.outbox.remove(message)
            state.last_sent_at = now
            save(state, data_dir)
            sent += 1
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            server.close()
    return sent
