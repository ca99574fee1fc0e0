"""The alert scheduler: evaluate the rules, queue what fired or resolved and the digests due,
deliver the outbox; once (`alerts run`, for cron) or every ZAKID_ALERTS_INTERVAL_S seconds
(`alerts scheduler`, which `serve` starts beside the app and the collector).

Also the `alerts` commands that manage subscriptions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.commands import PrintTable, add_data_dir
from zakid_metrics.alerts import RULES, evaluate, read_facts
from zakid_metrics.digests import (
    DIGESTS,
    period_due,
    quality_figures,
    quality_letter,
    weekly_figures,
    weekly_letter,
)
from zakid_metrics.errors import UsageError, ZakidError
from zakid_metrics.outbox import (
    Message,
    State,
    alert_messages,
    apply,
    changing_state,
    deliver,
    digest_message,
    load_state,
    save,
)
from zakid_metrics.settings import get_settings
from zakid_metrics.subscriptions import (
    TOPICS,
    Delivery,
    deliveries,
    list_recipients,
    subscribe,
    unsubscribe,
)
from zakid_metrics.warehouse import read_snapshot, warehouse_path

READY = "scheduler: running"


@dataclass(frozen=True)
class RunResult:
    """What one run did."""

    queued: tuple[Message, ...]  # mails the run put into the outbox (or would, dry)
    sent: int
    waiting: int  # mails left in the outbox
    next_try_at: dt.datetime | None  # the earliest retry of a mail left


def _queue(
    state: State, data_dir: Path, now: dt.datetime, recipients: list[Delivery]
) -> list[Message]:
    """Evaluate on the published snapshot and the telemetry store: the mails to queue."""
    if not warehouse_path(data_dir).exists():
        return []
    messages: list[Message] = []
    with read_snapshot(data_dir) as con:
        facts = read_facts(con, data_dir, now)
        changes = apply(state, evaluate(facts), now)
        messages += alert_messages(changes, recipients, now)
        messages += _digests(state, con, facts.as_of, now, recipients)
    return messages


def _digests(
    state: State,
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    now: dt.datetime,
    recipients: list[Delivery],
) -> list[Message]:
    messages = []
    for digest in DIGESTS.values():
        period, _ = period_due(digest, now)
        if state.digests.get(digest.id) == period:
            continue
        state.digests[digest.id] = period
        receivers = [d for d in recipients if d.receives(digest.id)]
        if not receivers:
            continue
        if digest.cadence == "weekly":
            weekly = weekly_figures(con, as_of)
            for d in receivers:
                letter = weekly_letter(weekly, d.recipient.language, d.role or "viewer", period)
                messages.append(digest_message(d, digest.id, period, letter, now))
        else:
            quality = quality_figures(con, as_of)
            for d in receivers:
                letter = quality_letter(quality, d.recipient.language, period)
                messages.append(digest_message(d, digest.id, period, letter, now))
    return messages


def run_once(data_dir: Path, now: dt.datetime | None = None, *, dry_run: bool = False) -> RunResult:
    """One evaluation and delivery. `dry_run` returns what would be queued and changes nothing:
    no state written, nothing sent."""
    now = now or dt.datetime.now(dt.UTC)
    recipients = deliveries(data_dir=data_dir)
    if dry_run:
        state = load_state(data_dir)
        queued = _queue(state, data_dir, now, recipients)
        return RunResult(tuple(queued), 0, len(state.outbox), None)
    with changing_state(data_dir) as state:
        queued = _queue(state, data_dir, now, recipients)
        state.outbox += queued
        save(state, data_dir)
        sent = deliver(state, now, data_dir)
    waits = [m.next_try_at for m in state.outbox]
    return RunResult(tuple(queued), sent, len(state.outbox), min(waits) if waits else None)


def run_forever(data_dir: Path, stop: threading.Event, say: Callable[[str], None]) -> None:
    """Run every alerts_interval_s seconds until `stop`, sooner when a retry is due; an error
    of one run is reported and the next run tries again."""
    interval = get_settings().alerts_interval_s
    say(f"{READY} every {interval:g} s on {data_dir}")
    while not stop.is_set():
        wait = interval
        try:
            result = run_once(data_dir)
        except (ZakidError, duckdb.Error, OSError) as error:
            say(f"scheduler: this run failed, trying again in {interval:g} s: {error}")
        else:
            if result.queued or result.sent or result.waiting:
                say(
                    f"scheduler: {len(result.queued)} queued, {result.sent} sent, "
                    f"{result.waiting} waiting"
                )
            if result.next_try_at is not None:
                until = (result.next_try_at - dt.datetime.now(dt.UTC)).total_seconds()
                wait = min(interval, max(until, 0.1))
        stop.wait(wait)
    say("scheduler: stopped")


# --- The `alerts` commands ------------------------------------------------------------------


def _by() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def _print(text: str) -> None:
    print(text, flush=True)


def cmd_alerts(args: argparse.Namespace, print_table: PrintTable) -> int:
    action = args.action
    if action == "run":
        result = run_once(args.data_dir, args.now, dry_run=args.dry_run)
        for message in result.queued:
            print(f"To: {message.user} <{message.to}>\nSubject: {message.subject}")
            for attachment in message.attachments:
                print(f"Attachment: {attachment.filename} ({attachment.content_type})")
            print(f"\n{message.body}\n\n{'=' * 72}")
        verb = "would queue" if args.dry_run else "queued"
        print(f"{len(result.queued)} mail(s) {verb}, {result.sent} sent, {result.waiting} waiting.")
    elif action == "scheduler":
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        run_forever(args.data_dir, stop, _print)
    elif action == "subscribe":
        recipient = subscribe(
            args.user, args.topics, by=_by(), email=args.email, language=args.language,
            data_dir=args.data_dir,
        )  # fmt: skip
        topics = ", ".join(recipient.topics)
        print(f"{recipient.user} <{recipient.email}> ({recipient.language}): {topics}")
    elif action == "unsubscribe":
        if not args.all and not args.topics:
            raise UsageError("Name the topics to unsubscribe from, or give --all.", "See --help.")
        left = unsubscribe(
            args.user, None if args.all else args.topics, by=_by(), data_dir=args.data_dir
        )
        print(f"{args.user}: {', '.join(left.topics) if left else 'no subscriptions left'}")
    elif action == "rules":
        rows = [(r.id, "rule", r.role, r.name_en) for r in RULES.values()]
        rows += [
            (d.id, f"digest, {d.cadence}", d.role, d.id.replace("_", " ")) for d in DIGESTS.values()
        ]
        print_table(rows, ("topic", "kind", "least role", "name"))
    else:
        recipients = list_recipients(data_dir=args.data_dir)
        state = load_state(args.data_dir)
        if args.json:
            print(json.dumps(
                {
                    "recipients": [r.model_dump(mode="json") for r in recipients],
                    "outbox": [
                        {"to": m.to, "subject": m.subject, "attempts": m.attempts,
                         "next_try_at": m.next_try_at.isoformat(), "last_error": m.last_error}
                        for m in state.outbox
                    ],
                },
                indent=2, ensure_ascii=False,
            ))  # fmt: skip
            return 0
        if recipients:
            print_table(
                [(r.user, r.email, r.language, ", ".join(r.topics)) for r in recipients],
                ("user", "email", "language", "topics"),
            )
        else:
            print(
                "No subscriptions yet: python -m pipelines alerts subscribe USER TOPIC... --email X"
            )
        print(f"\nOutbox: {len(state.outbox)} mail(s) waiting")
        for message in state.outbox:
            error = message.last_error or "not tried yet"
            print(f"  {message.to}: {message.subject} (tries {message.attempts}; {error})")
    return 0


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time like 2026-11-24T08:00+01:00"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no time zone, e.g. +01:00")
    return moment


def add_command(add: Callable[..., argparse.ArgumentParser], print_table: PrintTable) -> None:
    """Register `alerts run|scheduler|subscribe|unsubscribe|list|rules` on the CLI's parser."""
    settings = get_settings()
    alerts = add(
        "alerts",
        lambda args: cmd_alerts(args, print_table),
        "Alerts and digests by mail: evaluate and send, run the scheduler, manage subscriptions.",
        data_dir=False,
    )
    actions = alerts.add_subparsers(dest="action", required=True, metavar="ACTION")
    texts = {
        "run": "Evaluate the rules once, queue what fired or resolved and the digests due, "
        "and deliver the outbox (for cron).",
        "scheduler": "Run every ZAKID_ALERTS_INTERVAL_S seconds until stopped (serve starts it).",
        "subscribe": "Subscribe an account of the app to topics (rules or digests).",
        "unsubscribe": "Unsubscribe an account from topics, or from everything with --all.",
        "list": "List the subscriptions and the mails waiting in the outbox.",
        "rules": "List the topics: every rule and digest with the least role that receives it.",
    }
    for action, text in texts.items():
        sub = actions.add_parser(action, help=text, description=text)
        add_data_dir(sub, settings.data_dir)
        if action == "run":
            sub.add_argument(
                "--dry-run", action="store_true",
                help="print the recipients, subjects and bodies that would be sent; change nothing",
            )  # fmt: skip
            sub.add_argument("--now", type=_moment, help="evaluate as of this time (default: now)")
        if action in ("subscribe", "unsubscribe"):
            sub.add_argument("user", metavar="USER", help="an account of the app")
            # No argparse `choices`: with nargs="*" they refuse the empty list; the
            # subscriptions name the known topics when one is unknown.
            sub.add_argument(
                "topics", nargs="*" if action == "unsubscribe" else "+", metavar="TOPIC",
                help=f"one of {', '.join(TOPICS)}",
            )  # fmt: skip
        if action == "subscribe":
            sub.add_argument("--email", help="the mail address (needed the first time)")
            sub.add_argument("--language", choices=("de", "en"), help="language of the mails")
        if action == "unsubscribe":
            sub.add_argument("--all", action="store_true", help="every topic, and the address")
        if action == "list":
            sub.add_argument("--json", action="store_true", help="print one JSON object")
