"""Who receives which alert and digest, at which address and in which language.

A recipient is an account of the app (zakid_metrics.auth): its role decides what it may
receive (TOPIC_ROLES; a viewer gets no funding amounts or interest), now and at every send,
so a lowered role or a disabled account stops the mail at once. Stored in
DATA_DIR/alerts/subscriptions.json (mode 0600, replaced atomically under a lock); every change
is audited as `subscription_changed`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict

from zakid_metrics.alerts import RULES
from zakid_metrics.audit import audit
from zakid_metrics.auth import ROLES, Role, User, list_users, normalise_name
from zakid_metrics.digests import DIGESTS
from zakid_metrics.errors import AlertError
from zakid_metrics.files import PRIVATE_DIR_MODE, changing_model, read_model
from zakid_metrics.i18n import LANGUAGES, Language, t
from zakid_metrics.settings import get_settings

ALERTS_DIR: Final = "alerts"
SUBSCRIPTIONS_FILE: Final = "subscriptions.json"
_LOCK_FILE: Final = ".subscriptions.lock"
# What a role may receive: each rule's and digest's least role. Funding amounts and interest
# (idle funds, premature calls, plan lines, interest) only reach analysts and admins; the
# weekly digest leaves money figures out for a viewer (digests.confidential).
TOPIC_ROLES: dict[str, Role] = {
    **{rule.id: rule.role for rule in RULES.values()},
    **{digest.id: digest.role for digest in DIGESTS.values()},
}
TOPICS: tuple[str, ...] = tuple(TOPIC_ROLES)
# Enough to catch a typo; whether the address exists only the mail server knows.
_ADDRESS = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")


def alerts_dir(data_dir: Path | None = None) -> Path:
    """DATA_DIR/alerts/, created private on first use."""
    folder = (data_dir or get_settings().data_dir) / ALERTS_DIR
    folder.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    return folder


def topic_name(topic: str, lang: str) -> str:
    """A rule's or digest's name in `lang`."""
    if topic in RULES:
        return RULES[topic].name(lang)
    return t(DIGESTS[topic].name_key, lang)


def may_receive(role: Role, topic: str) -> bool:
    """Whether an account of `role` may receive `topic` (viewer < analyst < admin)."""
    return ROLES.index(role) >= ROLES.index(TOPIC_ROLES[topic])


class Recipient(BaseModel):
    """An account's mail address, language and topics."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    user: str
    email: str
    language: Language
    topics: tuple[str, ...]


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    recipients: list[Recipient] = []


@dataclass(frozen=True)
class Delivery:
    """A recipient as a send sees it: with the account's current role (None: the account is
    gone or disabled, so nothing is sent)."""

    recipient: Recipient
    role: Role | None

    def receives(self, topic: str) -> bool:
        return (
            self.role is not None
            and topic in self.recipient.topics
            and may_receive(self.role, topic)
        )


def list_recipients(*, data_dir: Path | None = None) -> list[Recipient]:
    """Every recipient, by user name."""
    return _load(_path(data_dir)).recipients


def deliveries(*, data_dir: Path | None = None) -> list[Delivery]:
    """Every recipient with its account's current role."""
    roles = {u.name: u.role for u in list_users(data_dir=data_dir) if not u.disabled}
    return [Delivery(r, roles.get(r.user)) for r in list_recipients(data_dir=data_dir)]


def subscribe(
    user: str,
    topics: Iterable[str],
    *,
    by: str,
    email: str | None = None,
    language: str | None = None,
    data_dir: Path | None = None,
) -> Recipient:
    """Add `topics` to `user`'s subscriptions (a first subscription needs `email`); `email`
    and `language` replace the stored ones. AlertError when the account does not exist, the
    address is not one, or the role may not receive a topic."""
    account = _account(user, data_dir)
    wanted = _topics(topics)
    refused = [topic for topic in wanted if not may_receive(account.role, topic)]
    if refused:
        needed = ", ".join(f"{topic} ({TOPIC_ROLES[topic]})" for topic in refused)
        raise AlertError(
            f"{account.name} has the role {account.role} and may not receive: {needed}.",
            "Give the account the role named in brackets, or choose other topics "
            "(README, Alerts: who may receive what).",
        )
    if language is not None and language not in LANGUAGES:
        raise AlertError(f"Unknown language {language!r}.", f"Use one of {', '.join(LANGUAGES)}.")
    if email is not None and not _ADDRESS.fullmatch(email.strip()):
        raise AlertError(f"{email!r} is not a mail address.", "Give it as name@example.org.")
    with _changing(data_dir) as stored:
        old = next((r for r in stored.recipients if r.user == account.name), None)
        if old is None and email is None:
            raise AlertError(
                f"{account.name} has no mail address yet.", "Give it once with --email."
            )
        recipient = Recipient(
            user=account.name,
            email=email.strip() if email else old.email,  # type: ignore[union-attr]
            language=language or (old.language if old else get_settings().language),  # type: ignore[arg-type]
            topics=tuple(t for t in TOPICS if t in wanted or (old and t in old.topics)),
        )
        stored.recipients = sorted(
            [*(r for r in stored.recipients if r.user != account.name), recipient],
            key=lambda r: r.user,
        )
    audit(
        "subscription_changed", by, data_dir=data_dir, recipient=recipient.user,
        email=recipient.email, language=recipient.language, topics=list(recipient.topics),
    )  # fmt: skip
    return recipient


def unsubscribe(
    user: str, topics: Iterable[str] | None, *, by: str, data_dir: Path | None = None
) -> Recipient | None:
    """Remove `topics` (None: all, and the address) from `user`'s subscriptions; returns what
    is left, None when nothing is."""
    name = normalise_name(user)
    wanted = None if topics is None else _topics(topics)
    with _changing(data_dir) as stored:
        old = next((r for r in stored.recipients if r.user == name), None)
        if old is None:
            raise AlertError(
                f"{name} has no subscriptions.",
                "List them with: python -m pipelines alerts list",
            )
        left = () if wanted is None else tuple(t for t in old.topics if t not in wanted)
        rest = [r for r in stored.recipients if r.user != name]
        recipient = old.model_copy(update={"topics": left}) if left else None
        stored.recipients = rest + ([recipient] if recipient else [])
        stored.recipients.sort(key=lambda r: r.user)
    audit("subscription_changed", by, data_dir=data_dir, recipient=name, topics=list(left))
    return recipient


def _account(user: str, data_dir: Path | None) -> User:
    name = normalise_name(user)
    account = next((u for u in list_users(data_dir=data_dir) if u.name == name), None)
    if account is None:
        raise AlertError(
            f"There is no user named {name!r}.",
            "Recipients are accounts of the app: add one with python -m pipelines users add.",
        )
    return account


def _topics(topics: Iterable[str]) -> set[str]:
    wanted = set(topics)
    unknown = sorted(wanted - set(TOPICS))
    if unknown or not wanted:
        raise AlertError(
            f"Unknown topic(s): {', '.join(unknown) or '(none given)'}.",
            f"Choose from {', '.join(TOPICS)} (python -m pipelines alerts rules).",
        )
    return wanted


def _path(data_dir: Path | None) -> Path:
    return alerts_dir(data_dir) / SUBSCRIPTIONS_FILE


def _load(path: Path) -> _File:
    return read_model(path, _File, _unreadable)


def _changing(data_dir: Path | None) -> AbstractContextManager[_File]:
    return changing_model(_path(data_dir), _File, _unreadable, _LOCK_FILE)


def _unreadable(path: Path, error: Exception) -> AlertError:
    return AlertError(
        f"The subscriptions file {path} cannot be read: {error}",
        "Restore it from the backup, or move it away and subscribe the recipients again.",
    )
