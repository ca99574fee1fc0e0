"""Alerts and digests delivered to a real SMTP server (aiosmtpd on a loopback port): the exact
mails of every rule, each once per occurrence and once when it resolves, across restarts of
the scheduler and while the mail server is down."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult

from pipelines.scheduler import run_once
from tests.pipelines.alerts_fixture import NOW, Inbox, build, by_subject, free_port, smtp_server
from tests.pipelines.helpers import ROOT
from zakid_metrics.alerts import RULES
from zakid_metrics.audit import read_audit
from zakid_metrics.auth import add_user
from zakid_metrics.outbox import load_state
from zakid_metrics.settings import get_settings
from zakid_metrics.subscriptions import subscribe

ANNA, VERA = ("anna@stadt.example",), ("vera@stadt.example",)
FOOT_DE = (
    "\n\n-- \nZaKI.D Wirkungsmonitor · Regel „{rule}“. Sie erhalten diese Mail, weil Sie die "
    "Regel abonniert haben; Abonnements verwaltet die Administration (Seite "
    "Benachrichtigungen).\n"
)
FOOT_EN = (
    "\n\n-- \nZaKI.D impact monitor · rule “{rule}”. You receive this mail because you "
    "subscribed to the rule; administrators manage subscriptions (page Notifications).\n"
)


def de(rule: str, subject: str, body: str) -> tuple[tuple[str, ...], str, str]:
    return ANNA, f"ZaKI.D: {subject}", body + FOOT_DE.format(rule=RULES[rule].name_de)


def en(rule: str, subject: str, body: str) -> tuple[tuple[str, ...], str, str]:
    return VERA, f"ZaKI.D: {subject}", body + FOOT_EN.format(rule=RULES[rule].name_en)


INTEREST_DE = "Zinsen nach § 49a Abs. 4 i. V. m. Abs. 3 VwVfG bis zum 30.06.2026: {}."
# Every rule fires on the fixture (alerts_fixture.py) on 30 June 2026: the analyst Anna gets
# all of them in German; the viewer Vera gets those without funding amounts, in English.
EXPECTED = sorted(
    [
        de("rejected_rows", "Abgelehnte Zeilen im veröffentlichten Stand: 3",
           "Der Ladelauf 2, aus dem der veröffentlichte Stand stammt, hat 3 Zeilen abgelehnt "
           "(Seite Datenqualität; python -m pipelines rejects --run 2). Erneut gemeldet wird, "
           "wenn die Zahl steigt."),
        de("budget_line_over_20", "Einzelansatz über 20 %: Investitionen (G2)",
           "Der Einzelansatz Investitionen der Zuwendung G2 liegt am 30.06.2026 bei 1.000,00 €, "
           "der Plan bei 0,00 € (Abweichung: kein Plan). Mehr als 20 % über dem Plan braucht "
           "die Einwilligung des Zuwendungsgebers."),
        de("budget_line_over_20", "Einzelansatz über 20 %: Sachausgaben (G1)",
           "Der Einzelansatz Sachausgaben der Zuwendung G1 liegt am 30.06.2026 bei 12.100,00 €, "
           "der Plan bei 10.000,00 € (Abweichung: 21,0 %). Mehr als 20 % über dem Plan braucht "
           "die Einwilligung des Zuwendungsgebers."),
        de("device_offline", "Gerät offline: DV6",
           "Das Gerät DV6 (Einsatz DP2) hat zuletzt am 29.06.2026 14:30 (Europe/Berlin) "
           "gemeldet, vor mehr als 10 Meldeintervallen von je 60 s."),
        de("slo_breach", "Latenzziel verletzt: DP3",
           "Der KI-Einsatz DP3 (cnn) hat in der letzten Stunde eine p95-Latenz von 50 ms bei "
           "einem Ziel von 40 ms."),
        de("entity_overdue", "Lieferung überfällig: Lehrveranstaltungen",
           "Die letzte Lieferung „Lehrveranstaltungen“ ist vom 01.04.2026, 90 Tage her; nach 45 "
           "Tagen gilt eine Lieferung als überfällig."),
        de("idle_funds", "Nicht fristgerecht verwendete Mittel: DB2 (G1)",
           "Vom Mittelabruf DB2 der Zuwendung G1, eingegangen am 10.05.2025, wurden 1.900,00 € "
           "nicht binnen der Verwendungsfrist verwendet (267 Tage). "
           + INTEREST_DE.format("89,80 €")),
        de("idle_funds", "Nicht fristgerecht verwendete Mittel: DB3 (G1)",
           "Vom Mittelabruf DB3 der Zuwendung G1, eingegangen am 20.01.2026, wurden 11.900,00 € "
           "nicht binnen der Verwendungsfrist verwendet (161 Tage). "
           + INTEREST_DE.format("329,11 €")),
        de("idle_funds", "Nicht fristgerecht verwendete Mittel: DB5 (G2)",
           "Vom Mittelabruf DB5 der Zuwendung G2, eingegangen am 01.06.2025, wurden 3.300,00 € "
           "nicht binnen der Verwendungsfrist verwendet (182 Tage). "
           + INTEREST_DE.format("105,79 €")),
        de("forecast_worse", "Prognose nicht auf Kurs: Externe Arbeitsplätze geschaffen",
           "Die Prognose für „Externe Arbeitsplätze geschaffen“ zum Förderende 31.12.2028 ist "
           "nicht auf Kurs: erwartet werden 14 gegenüber dem Ziel 500; die Wahrscheinlichkeit, "
           "das Ziel zu erreichen, liegt bei 0,0 %."),
        de("forecast_worse",
           "Prognose nicht auf Kurs: Projektbezogene Arbeitsplätze geschaffen",
           "Die Prognose für „Projektbezogene Arbeitsplätze geschaffen“ zum Förderende "
           "31.12.2028 ist nicht auf Kurs: erwartet werden 6 gegenüber dem Ziel 30; die "
           "Wahrscheinlichkeit, das Ziel zu erreichen, liegt bei 3,2 %."),
        de("report_due", "Verwendungsnachweis G5 fällig am 30.06.2026",
           "Der Verwendungsnachweis der Zuwendung G5 für 01.01.2025 bis 31.12.2025 ist am "
           "30.06.2026 fällig (noch 0 Tage). Erinnert wird 30, 14 und 7 Tage vorher."),
        de("premature_call", "Vorzeitiger Mittelabruf: DB7 (G4)",
           "Der Mittelabruf DB7 der Zuwendung G4, eingegangen am 01.02.2025, lag um 3.000,00 € "
           "vor den entstandenen Kosten. " + INTEREST_DE.format("8,37 €")),
        de("premature_call", "Vorzeitiger Mittelabruf: DB8 (G4)",
           "Der Mittelabruf DB8 der Zuwendung G4, eingegangen am 10.06.2025, lag um 1.000,00 € "
           "vor den entstandenen Kosten. " + INTEREST_DE.format("12,74 €")),
        de("premature_call", "Vorzeitiger Mittelabruf: DB9 (G4)",
           "Der Mittelabruf DB9 der Zuwendung G4, eingegangen am 01.09.2025, lag um 1.500,00 € "
           "vor den entstandenen Kosten. " + INTEREST_DE.format("77,82 €")),
        de("interest_threshold", "Zinsen auf Fördermittel: 623,63 €",
           "Die Zinsen nach § 49a VwVfG auf nicht fristgerecht verwendete (17.100,00 €) und "
           "vorzeitig abgerufene Mittel (5.500,00 €) betragen am 30.06.2026 623,63 € und "
           "erreichen die Schwelle von 100,00 €."),
        en("entity_overdue", "Delivery overdue: Courses",
           "The last delivery of “Courses” is from 2026-04-01, 90 days ago; after 45 days a "
           "delivery is overdue."),
        en("device_offline", "Device offline: DV6",
           "Device DV6 (deployment DP2) last reported on 2026-06-29 14:30 (Europe/Berlin), more "
           "than 10 report intervals of 60 s ago."),
        en("report_due", "Final report G5 due on 2026-06-30",
           "Final report of grant G5 for 2025-01-01 to 2025-12-31: due on 2026-06-30 (0 days "
           "left). Reminders go out 30, 14 and 7 days ahead."),
        en("forecast_worse", "Forecast off track: External jobs created",
           "The forecast of “External jobs created” for the end of funding on 2028-12-31 is off "
           "track: 14 expected against the target of 500; the probability of reaching it is "
           "0.0 %."),
        en("forecast_worse", "Forecast off track: Project-related jobs created",
           "The forecast of “Project-related jobs created” for the end of funding on 2028-12-31 "
           "is off track: 6 expected against the target of 30; the probability of reaching it "
           "is 3.2 %."),
        en("slo_breach", "Latency objective breached: DP3",
           "Deployment DP3 (cnn) had a p95 latency of 50 ms in the last hour against an "
           "objective of 40 ms."),
        en("rejected_rows", "Rejected rows in the published data: 3",
           "Load run 2, which the published data comes from, rejected 3 rows (page Data "
           "quality; python -m pipelines rejects --run 2). A rise is reported again."),
    ]
)  # fmt: skip
VIEWER_RULES = [rule for rule in RULES if RULES[rule].role == "viewer"]


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def fixture(data_dir: Path, port: int, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture warehouse, the accounts anna (analyst, every rule, German) and vera (viewer,
    the rules a viewer may receive, English), and the SMTP settings of a server on `port`."""
    smtp = {"HOST": "127.0.0.1", "PORT": str(port), "SECURITY": "none",
            "SENDER": "zakid@stadt.example"}  # fmt: skip
    for name, value in smtp.items():
        monkeypatch.setenv(f"ZAKID_SMTP_{name}", value)
    get_settings.cache_clear()
    build(data_dir)
    add_user("anna", "analyst", "anna-password-1", by="test", data_dir=data_dir)
    add_user("vera", "viewer", "vera-password-1", by="test", data_dir=data_dir)
    subscribe("anna", RULES, by="test", email=ANNA[0], language="de", data_dir=data_dir)
    subscribe("vera", VIEWER_RULES, by="test", email=VERA[0], language="en", data_dir=data_dir)
    return data_dir


@pytest.fixture
def inbox(port: int) -> Iterator[Inbox]:
    controller, received = smtp_server(port)
    yield received
    controller.stop()


def sent_events(data_dir: Path) -> list[str]:
    return [r.details["subject"] for r in read_audit(data_dir=data_dir) if r.event == "alert_sent"]


def test_every_rule_sends_its_exact_mail_to_those_its_role_allows(
    fixture: Path, inbox: Inbox
) -> None:
    result = run_once(fixture, NOW)
    assert (len(result.queued), result.sent, result.waiting) == (23, 23, 0)
    mails = inbox.wait_for(23)
    assert by_subject(mails) == EXPECTED
    assert {m.sender for m in mails} == {"zakid@stadt.example"}
    assert sorted(sent_events(fixture)) == sorted(subject for _, subject, _ in EXPECTED)
    # The occurrence is named in the mail; the state keeps it as notified.
    assert "report_due:G5:final:2025-12-31@3" in {m.occurrence for m in mails}
    assert load_state(fixture).outbox == []
    # Nothing new: a second run sends nothing.
    assert run_once(fixture, NOW).queued == ()
    assert len(inbox.mails) == 23


def test_reminders_come_30_14_and_7_days_ahead_and_once_more_when_the_date_passed(
    fixture: Path, inbox: Inbox
) -> None:
    subscribe("anna", ["report_due"], by="test", data_dir=fixture)
    # 30, 15, 14, 7, 1 days before, and the day after
    for month, day in ((5, 31), (6, 15), (6, 16), (6, 23), (6, 29), (7, 1)):
        run_once(fixture, dt.datetime(2026, month, day, 12, tzinfo=dt.UTC))
    reminders = [
        (m.to, m.subject, m.body.partition("\n\n-- ")[0])
        for m in inbox.mails
        if m.occurrence.startswith("report_due:")
    ]
    due = "Der Verwendungsnachweis der Zuwendung G5 für 01.01.2025 bis 31.12.2025 ist am 30.06.2026 fällig (noch {} Tage). Erinnert wird 30, 14 und 7 Tage vorher."  # noqa: E501
    due_en = "Final report of grant G5 for 2025-01-01 to 2025-12-31: due on 2026-06-30 ({} days left). Reminders go out 30, 14 and 7 days ahead."  # noqa: E501
    subject, subject_en = (
        "ZaKI.D: Verwendungsnachweis G5 fällig am 30.06.2026",
        "ZaKI.D: Final report G5 due on 2026-06-30",
    )
    assert reminders == [
        (ANNA, subject, due.format(30)), (VERA, subject_en, due_en.format(30)),
        (ANNA, subject, due.format(14)), (VERA, subject_en, due_en.format(14)),
        (ANNA, subject, due.format(7)), (VERA, subject_en, due_en.format(7)),
        (ANNA, "ZaKI.D: Termin verstrichen: Verwendungsnachweis G5 (30.06.2026)",
         "Der Termin 30.06.2026 für den Verwendungsnachweis der Zuwendung G5 ist verstrichen; "
         "die Erinnerungen enden. Ob der Nachweis eingereicht wurde, steht nicht in der "
         "Lieferung."),
        (VERA, "ZaKI.D: Due date passed: Final report G5 (2026-06-30)",
         "Final report of grant G5: the due date 2026-06-30 has passed; the reminders end. "
         "Whether it was submitted is not part of the delivery."),
    ]  # fmt: skip


def test_a_resolved_occurrence_is_mailed_once(fixture: Path, inbox: Inbox) -> None:
    run_once(fixture, NOW)
    inbox.wait_for(23)
    # A day later the window of the last hour holds no latency: DP3 meets its objective.
    later = NOW + dt.timedelta(days=1)
    run_once(fixture, later)
    run_once(fixture, later + dt.timedelta(minutes=5))
    resolved = sorted(
        (m.to, m.subject, m.body.partition("\n\n-- ")[0])
        for m in inbox.mails
        if m.occurrence.startswith("slo_breach:")
    )
    assert resolved == [
        (ANNA, "ZaKI.D: Latenzziel eingehalten: DP3",
         "Der KI-Einsatz DP3 (cnn) hält sein Ziel von 40 ms wieder ein."),
        (ANNA, "ZaKI.D: Latenzziel verletzt: DP3",
         "Der KI-Einsatz DP3 (cnn) hat in der letzten Stunde eine p95-Latenz von 50 ms bei "
         "einem Ziel von 40 ms."),
        (VERA, "ZaKI.D: Latency objective breached: DP3",
         "Deployment DP3 (cnn) had a p95 latency of 50 ms in the last hour against an "
         "objective of 40 ms."),
        (VERA, "ZaKI.D: Latency objective met: DP3",
         "Deployment DP3 (cnn) meets its objective of 40 ms again."),
    ]  # fmt: skip


def test_mail_waits_while_the_server_is_down_and_goes_out_once_it_is_back(
    fixture: Path, port: int
) -> None:
    first = run_once(fixture, NOW)
    assert (first.sent, first.waiting) == (0, 23)
    assert first.next_try_at == NOW + dt.timedelta(seconds=30)
    state = load_state(fixture)
    assert {(m.attempts, m.next_try_at) for m in state.outbox} == {(1, first.next_try_at)}
    assert all(
        m.last_error.startswith("The mail server 127.0.0.1:") and "not reachable" in m.last_error
        for m in state.outbox
    )
    failed = [r for r in read_audit(data_dir=fixture) if r.event == "alert_failed"]
    assert len(failed) == 23
    # Before the retry is due nothing is tried; the next failure doubles the wait.
    assert run_once(fixture, NOW + dt.timedelta(seconds=29)).waiting == 23
    assert {m.attempts for m in load_state(fixture).outbox} == {1}
    second = run_once(fixture, NOW + dt.timedelta(seconds=30))
    assert second.next_try_at == NOW + dt.timedelta(seconds=90)
    assert {m.attempts for m in load_state(fixture).outbox} == {2}
    controller, inbox = smtp_server(port)
    try:
        back = run_once(fixture, NOW + dt.timedelta(seconds=90))
        assert (back.queued, back.sent, back.waiting) == ((), 23, 0)
        assert by_subject(inbox.wait_for(23)) == EXPECTED
    finally:
        controller.stop()
    assert len(sent_events(fixture)) == 23


def test_digests_in_each_recipients_language(fixture: Path, inbox: Inbox) -> None:
    for user in ("anna", "vera"):
        subscribe(user, ["weekly_kpis", "monthly_quality"], by="test", data_dir=fixture)
    run_once(fixture, NOW)
    mails = inbox.wait_for(27)
    digests = {
        (m.to, m.subject): m for m in mails if m.occurrence.startswith(("weekly", "monthly"))
    }
    assert sorted(digests) == [
        (ANNA, "ZaKI.D: Datenqualität 2026-06"),
        (ANNA, "ZaKI.D: Wochenüberblick 2026-W27"),
        (VERA, "ZaKI.D: Data quality 2026-06"),
        (VERA, "ZaKI.D: Weekly digest 2026-W27"),
    ]
    weekly = digests[(ANNA, "ZaKI.D: Wochenüberblick 2026-W27")]
    assert weekly.body == (
        "Die Kennzahlen der Übersicht am 30.06.2026, verglichen mit dem 23.06.2026.\n\n"
        "- Projektbezogene Arbeitsplätze geschaffen: 3 (+1 ggü. Vorwoche) · Ziel: 30 bis "
        "31.12.2028 · erreicht 10,0 % · Prognose nicht auf Kurs\n"
        "- Externe Arbeitsplätze geschaffen: 4 (+1 ggü. Vorwoche) · Ziel: 500 bis 31.12.2028 · "
        "erreicht 0,8 % · Prognose nicht auf Kurs\n"
        "- Beteiligte Unternehmen nach Größenklasse: 5 (+1 ggü. Vorwoche) · Ziel: 40 bis "
        "31.12.2028 · erreicht 12,5 % · Prognose –\n"
        "- KMU-Anteil der beteiligten Unternehmen: 40,0 % (−10,0 Pp. ggü. Vorwoche) · – · "
        "erreicht – · Prognose –\n"
        "- Beteiligte Handwerksbetriebe: 1 (±0 ggü. Vorwoche) · – · erreicht – · Prognose –\n"
        "- Aktive KI-Einsätze nach Geräteklasse: 3 (±0 ggü. Vorwoche) · – · erreicht – · "
        "Prognose –\n"
        "- Abgedeckte Nachhaltigkeitsziele (SDGs): 4 (+1 ggü. Vorwoche) · – · erreicht – · "
        "Prognose –\n"
        "- Öffentliche Mittel je externem Arbeitsplatz: 51.200 € (−17.067 € ggü. Vorwoche) · – · "
        "erreicht – · Prognose –\n\n"
        "Die Übersicht liegt als PDF bei.\n\n-- \n"
        "ZaKI.D Wirkungsmonitor. Sie erhalten diesen Bericht, weil Sie ihn abonniert haben; "
        "Abonnements verwaltet die Administration (Seite Benachrichtigungen).\n"
    )
    ((name, pdf),) = weekly.attachments
    assert name == "zakid-overview-2026-06-30.pdf" and pdf.startswith(b"%PDF-")
    # A viewer's digest leaves the money figure out.
    viewer = digests[(VERA, "ZaKI.D: Weekly digest 2026-W27")].body
    assert "Public funds per external job" not in viewer
    assert viewer.count("\n- ") == 7
    assert digests[(VERA, "ZaKI.D: Data quality 2026-06")].body.startswith(
        "Data quality on 2026-06-30: the published data comes from load run 2 (2026-06-29 "
        "12:00), which rejected 3 rows. 1 entities are overdue (last delivery older than 45 "
        "days).\n\nEntities:\n- Companies: 6 rows, 1 of them stale · last delivery 2026-06-29 "
        "(1 days) · current\n"
    )
    assert (
        "Rejected rows per file:\n- companies.csv: 3\n"
        in digests[(VERA, "ZaKI.D: Data quality 2026-06")].body
    )
    # Each period's digest goes out once.
    run_once(fixture, NOW + dt.timedelta(hours=1))
    again = [m for m in inbox.mails if m.occurrence.startswith(("weekly", "monthly"))]
    assert len(again) == 4


def test_dry_run_prints_what_would_be_sent_and_changes_nothing(fixture: Path, port: int) -> None:
    controller, inbox = smtp_server(port)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pipelines", "alerts", "run", "--dry-run", "--now",
             NOW.isoformat(), "--data-dir", str(fixture)],
            cwd=ROOT, capture_output=True, text=True, env={**os.environ}, timeout=120,
        )  # fmt: skip
    finally:
        controller.stop()
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("To: anna <anna@stadt.example>\n") == 16
    assert done.stdout.count("To: vera <vera@stadt.example>\n") == 7
    assert (
        "To: anna <anna@stadt.example>\nSubject: ZaKI.D: Lieferung überfällig: "
        "Lehrveranstaltungen\n\nDie letzte Lieferung „Lehrveranstaltungen“ ist vom 01.04.2026"
    ) in done.stdout
    assert done.stdout.rstrip().endswith("23 mail(s) would queue, 0 sent, 0 waiting.")
    assert inbox.mails == []
    assert not (fixture / "alerts" / "state.json").exists()
    assert sent_events(fixture) == []


def test_no_duplicate_after_a_restart_of_the_scheduler(fixture: Path, inbox: Inbox) -> None:
    env = {**os.environ, "ZAKID_ALERTS_INTERVAL_S": "0.2"}
    command = [sys.executable, "-m", "pipelines", "alerts", "scheduler", "--data-dir", str(fixture)]

    def run_until(condition: str) -> str:
        """Start the scheduler, wait until `condition` holds, stop it with SIGTERM."""
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        try:
            while not check(condition):
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, f"no {condition} in time"
                time.sleep(0.1)
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=60)
        assert process.returncode == 0, output
        return output

    runs: list[str] = []

    def check(condition: str) -> bool:
        state = fixture / "alerts" / "state.json"
        if not state.exists():
            return False
        stored = json.loads(state.read_text())
        if condition == "sent":
            return bool(inbox.mails) and not stored["outbox"]
        runs.append(stored["evaluated_at"])
        return len(set(runs)) >= 3  # two full runs after the first one seen

    first = run_until("sent")
    assert "scheduler: running every 0.2 s" in first and first.rstrip().endswith("stopped")
    count = len(inbox.mails)
    assert count > 0
    run_until("runs")
    assert len(inbox.mails) == count
    assert len(sent_events(fixture)) == count


def test_starttls_and_login(
    fixture: Path, port: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """STARTTLS with a certificate checked against its CA, then a login; the server refuses
    mail before both."""
    import ssl

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
         "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bytes]] = []

    def authenticate(server: object, session: object, envelope: object, mechanism: str,
                     data: object) -> AuthResult:  # fmt: skip
        logins.append((data.login, data.password))  # type: ignore[attr-defined]
        return AuthResult(success=data.password == b"mail-secret-42")  # type: ignore[attr-defined]

    for name, value in (("SMTP_SECURITY", "starttls"), ("SMTP_USER", "zakid"),
                        ("SMTP_PASSWORD", "mail-secret-42")):  # fmt: skip
        monkeypatch.setenv(f"ZAKID_{name}", value)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    get_settings.cache_clear()
    controller, inbox = smtp_server(
        port, tls_context=context, require_starttls=True, authenticator=authenticate,
        auth_required=True,
    )  # fmt: skip
    try:
        assert run_once(fixture, NOW).sent == 23
        assert by_subject(inbox.wait_for(23)) == EXPECTED
    finally:
        controller.stop()
    assert logins == [(b"zakid", b"mail-secret-42")]


def test_the_subscription_commands(data_dir: Path) -> None:
    add_user("vera", "viewer", "vera-password-1", by="test", data_dir=data_dir)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pipelines", "alerts", *args, "--data-dir", str(data_dir)],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    refused = cli("subscribe", "vera", "idle_funds", "--email", "vera@stadt.example")
    assert refused.returncode == 1
    assert "vera has the role viewer and may not receive: idle_funds (analyst)" in refused.stderr
    done = cli("subscribe", "vera", "slo_breach", "report_due", "--email", "vera@stadt.example",
               "--language", "en")  # fmt: skip
    assert done.stdout == "vera <vera@stadt.example> (en): report_due, slo_breach\n"
    listed = json.loads(cli("list", "--json").stdout)
    assert listed == {
        "recipients": [{"user": "vera", "email": "vera@stadt.example", "language": "en",
                        "topics": ["report_due", "slo_breach"]}],
        "outbox": [],
    }  # fmt: skip
    assert cli("unsubscribe", "vera", "--all").stdout == "vera: no subscriptions left\n"
    changes = [
        r.details for r in read_audit(data_dir=data_dir) if r.event == "subscription_changed"
    ]
    assert [c["topics"] for c in changes] == [["report_due", "slo_breach"], []]
