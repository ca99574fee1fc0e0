"""A warehouse and telemetry store on which every alert rule fires, and a real SMTP server.

The KPI tests' delivery (tests/zakid_metrics/kpis/conftest.py) already has idle funds, premature
calls, two Einzelansätze over 20 %, two jobs forecasts off track, a device silent for a day (DV6)
and a deployment over its latency objective (DP3) on D = 30 June 2026, telemetry up to MOMENT.
Added here: a grant G5 whose final report is due on D, course data delivered 90 days before D
(overdue), and the snapshot's load run rejecting 3 rows.
"""

from __future__ import annotations

import copy
import datetime as dt
import email
import email.policy
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tests.zakid_metrics.kpis.conftest import DELIVERY, MOMENT, build_telemetry, insert_rows
from zakid_metrics.warehouse import next_snapshot

NOW = MOMENT  # 30 June 2026, 14:00:30 in Berlin
DELIVERED = {1: dt.datetime(2026, 4, 1, 10, 0), 2: dt.datetime(2026, 6, 29, 10, 0)}
BASE_RATES_2026 = "valid_from,rate_percent,source\n2026-01-01,1.27,test\n"


def delivery() -> dict[str, list[dict[str, Any]]]:
    rows = copy.deepcopy(DELIVERY)
    rows["grants"].append(
        # ends 31 December 2025: the final report is due on 30 June 2026, on D
        {"grant_id": "G5", "recipient": "Universität Duisburg-Essen", "sub_project": "Lehre",
         "programme": "STARK", "regime": "ANBest-P", "funding_rate": "1",
         "approved_eur": "1000.00", "decided_on": "2025-01-01", "starts_on": "2025-01-01",
         "ends_on": "2025-12-31"}
    )  # fmt: skip
    return rows


def build(data_dir: Path) -> Path:
    """The warehouse (courses in run 1, everything else in run 2, which rejected 3 rows and
    is the published one), the telemetry, and the base rate of 2026 in DATA_DIR/reference."""
    rows = delivery()
    with next_snapshot(data_dir) as con:
        for entity, entity_rows in rows.items():
            insert_rows(con, entity, entity_rows, 1 if entity == "courses" else 2)
        for run, at in DELIVERED.items():
            entities = ["courses"] if run == 1 else [e for e in rows if e != "courses"]
            rejected = 3 if run == 2 else 0
            con.execute(
                "INSERT INTO load_runs VALUES (?, ?, ?, 'ok', 'test', ?, 0, 0, ?, 0)",
                [run, at, at, len(entities), rejected],
            )
            for entity in entities:
                con.execute(
                    "INSERT INTO load_files VALUES (?, ?, ?, ?, 'loaded', ?, 1, 'csv', 'utf-8', "
                    "';', 0, 0, ?, 0, [], [], [], [])",
                    [run, f"{entity}.csv", f"/in/{entity}.csv", entity, f"{run}{entity}",
                     rejected if entity == "companies" else 0],
                )  # fmt: skip
        con.execute(
            "INSERT INTO rejected_rows SELECT 2, 'companies.csv', 'companies', line, c, v, "
            "'bad', 'schlecht', 'invalid', NULL FROM (VALUES (4, 'employees', '-1'), "
            "(7, 'postal_code', '1'), (9, 'joined_on', '0')) t(line, c, v)"
        )
        con.execute(
            "INSERT INTO meta VALUES ('snapshot_run_id', '2'), ('published_at', ?)",
            [DELIVERED[2].isoformat()],
        )
    build_telemetry(data_dir)
    (data_dir / "reference").mkdir(exist_ok=True)
    (data_dir / "reference" / "base_rates.csv").write_text(BASE_RATES_2026, encoding="utf-8")
    return data_dir


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Mail:
    sender: str
    to: tuple[str, ...]
    subject: str
    body: str
    attachments: tuple[tuple[str, bytes], ...]
    occurrence: str


class Inbox:
    """An aiosmtpd handler that keeps every mail it receives."""

    def __init__(self) -> None:
        self.mails: list[Mail] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = parsed.get_body(("plain",))
        mail = Mail(
            envelope.mail_from,
            tuple(envelope.rcpt_tos),
            str(parsed["Subject"]),
            body.get_content().replace("\r\n", "\n") if body is not None else "",
            tuple((part.get_filename(), part.get_content()) for part in parsed.iter_attachments()),
            str(parsed["X-Zakid-Occurrence"]),
        )
        with self.arrived:
            self.mails.append(mail)
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout_s: float = 30.0) -> list[Mail]:
        """The mails once at least `count` arrived; AssertionError after the deadline."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.mails) >= count, timeout_s):
                raise AssertionError(f"{len(self.mails)} of {count} mails arrived")
            return list(self.mails)


def smtp_server(port: int, **options: Any) -> tuple[Controller, Inbox]:
    """A real SMTP server on 127.0.0.1:`port`, started."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    return controller, inbox


def by_subject(mails: list[Mail]) -> list[tuple[tuple[str, ...], str, str]]:
    return sorted((mail.to, mail.subject, mail.body) for mail in mails)
