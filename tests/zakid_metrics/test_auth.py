"""Local accounts, sessions and the audit log on real files: hashes and their upgrade, policy,
login, the throttle under concurrency, sessions, audit, and the modes of private data files."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
import subprocess
import sys
import threading
import unicodedata
from pathlib import Path

import pytest

from zakid_metrics import auth, sessions, throttle
from zakid_metrics.audit import AuditRecord, audit, format_ts, read_audit
from zakid_metrics.auth import (
    User,
    add_user,
    list_users,
    login,
    logout,
    remove_user,
    session_user,
    set_disabled,
    verify_password,
)
from zakid_metrics.dashboard import uploads
from zakid_metrics.errors import (
    AccountDisabledError,
    AccountLockedError,
    AuditError,
    LoginFailedError,
    PasswordPolicyError,
    UserStoreError,
)
from zakid_metrics.reports.generate import write_atomic

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
T0 = dt.datetime(2026, 11, 24, 13, 0, tzinfo=dt.UTC)
TS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def audit_lines(data_dir: Path) -> list[str]:
    """The audit log's lines with each (checked) timestamp replaced by TS."""
    lines = (data_dir / "audit.log").read_text(encoding="utf-8").splitlines()
    stamps = [json.loads(line)["ts"] for line in lines]
    assert all(TS.fullmatch(stamp) for stamp in stamps), stamps
    return [line.replace(stamp, "TS", 1) for line, stamp in zip(lines, stamps, strict=True)]


def record(minutes: float, event: str, user: str = "anna") -> AuditRecord:
    return AuditRecord(T0 + dt.timedelta(minutes=minutes), user, event)


def test_add_and_list_without_ever_exposing_the_password(tmp_path: Path) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    anna = add_user("Anna.Schmidt ", "analyst", PASSWORD, by="cli:ops", data_dir=tmp_path)
    add_user("bob", "viewer", PASSWORD, by="cli:ops", data_dir=tmp_path)
    assert anna.name == "anna.schmidt"
    assert before <= anna.created_at <= dt.datetime.now(dt.UTC)
    assert list_users(data_dir=tmp_path) == [
        User("anna.schmidt", "analyst", anna.created_at, False),
        User("bob", "viewer", list_users(data_dir=tmp_path)[1].created_at, False),
    ]
    text = (tmp_path / "users.json").read_text(encoding="utf-8")
    assert PASSWORD not in text
    hashes = [user["password_hash"] for user in json.loads(text)["users"]]
    pattern = re.compile(r"\$scrypt\$ln=17,r=8,p=1\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})")
    salts = [pattern.fullmatch(h).group(1) for h in hashes]  # type: ignore[union-attr]
    assert salts[0] != salts[1]  # same password, different salt ...
    assert hashes[0] != hashes[1]  # ... so different hashes
    assert verify_password(PASSWORD, hashes[0])
    assert not verify_password(PASSWORD + "!", hashes[0])


def test_store_and_log_are_private_to_the_app_user(tmp_path: Path) -> None:
    add_user("anna", "admin", PASSWORD, by="cli:ops", data_dir=tmp_path)
    assert stat.S_IMODE((tmp_path / "users.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "audit.log").stat().st_mode) == 0o600
    set_disabled("anna", True, by="cli:ops", data_dir=tmp_path)  # rewritten: still private
    assert stat.S_IMODE((tmp_path / "users.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "sessions.json").stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".sessions.lock", ".users.lock", "audit.log", "sessions.json", "users.json"
    ]  # fmt: skip


def test_password_policy(tmp_path: Path) -> None:
    with pytest.raises(PasswordPolicyError) as caught:
        add_user("anna", "admin", "elevenchars", by="cli:ops", data_dir=tmp_path)
    assert caught.value.message == "The password has 11 characters; at least 12 are required."
    assert caught.value.params == {"min_length": 12}
    assert not (tmp_path / "users.json").exists()
    add_user("anna", "admin", "twelve chars", by="cli:ops", data_dir=tmp_path)
    # An umlaut typed as one code point or as letter + combining mark is the same password.
    add_user("jörg", "viewer", "Grüße aus Duisburg", by="cli:ops", data_dir=tmp_path)
    decomposed = unicodedata.normalize("NFD", "Grüße aus Duisburg")
    assert login("jörg", decomposed, data_dir=tmp_path).name == "jörg"


def test_login_wrong_password_unknown_name_and_disabled_account(tmp_path: Path) -> None:
    add_user("anna", "analyst", PASSWORD, by="cli:ops", data_dir=tmp_path)
    with pytest.raises(LoginFailedError) as wrong:
        login("anna", "correct horse battery?", data_dir=tmp_path)
    with pytest.raises(LoginFailedError) as unknown:
        login("nobody", PASSWORD, data_dir=tmp_path)
    assert (
        str(wrong.value)
        == str(unknown.value)
        == (
            "Name or password is wrong. Check both and try again; after 5 failed attempts each "
            "further one has to wait a little longer."
        )
    )
    user = login(" ANNA", PASSWORD, data_dir=tmp_path)
    assert (user.name, user.role, user.disabled) == ("anna", "analyst", False)
    assert user.has_role("viewer") and user.has_role("analyst") and not user.has_role("admin")
    set_disabled("anna", True, by="cli:ops", data_dir=tmp_path)
    with pytest.raises(AccountDisabledError, match=r"The account 'anna' is disabled\."):
        login("anna", PASSWORD, data_dir=tmp_path)
    with pytest.raises(LoginFailedError):  # the wrong password tells nothing about the state
        login("anna", "not the password", data_dir=tmp_path)
    set_disabled("anna", False, by="cli:ops", data_dir=tmp_path)
    logout(login("anna", PASSWORD, data_dir=tmp_path), data_dir=tmp_path)
    assert audit_lines(tmp_path) == [
        '{"ts": "TS", "user": "cli:ops", "event": "user_added", '
        '"details": {"name": "anna", "role": "analyst"}}',
        '{"ts": "TS", "user": "anna", "event": "login_failed", '
        '"details": {"reason": "bad_credentials", "address": null}}',
        '{"ts": "TS", "user": "unknown account", "event": "login_failed", '
        '"details": {"reason": "bad_credentials", "address": null}}',
        '{"ts": "TS", "user": "anna", "event": "login_ok", '
        '"details": {"role": "analyst", "address": null}}',
        '{"ts": "TS", "user": "cli:ops", "event": "user_disabled", '
        '"details": {"name": "anna", "sessions_ended": 0}}',
        '{"ts": "TS", "user": "anna", "event": "login_failed", '
        '"details": {"reason": "disabled", "address": null}}',
        '{"ts": "TS", "user": "anna", "event": "login_failed", '
        '"details": {"reason": "bad_credentials", "address": null}}',
        '{"ts": "TS", "user": "cli:ops", "event": "user_enabled", "details": {"name": "anna"}}',
        '{"ts": "TS", "user": "anna", "event": "login_ok", '
        '"details": {"role": "analyst", "address": null}}',
        '{"ts": "TS", "user": "anna", "event": "logout", "details": {}}',
    ]


def test_account_changes_with_bad_input_get_a_clear_message(tmp_path: Path) -> None:
    add_user("anna", "analyst", PASSWORD, by="cli:ops", data_dir=tmp_path)
    cases = [
        (lambda: add_user("ANNA", "viewer", PASSWORD, by="x", data_dir=tmp_path),
         "A user named 'anna' already exists."),
        (lambda: add_user("a b", "viewer", PASSWORD, by="x", data_dir=tmp_path),
         "'a b' is not a valid user name."),
        (lambda: add_user("carl", "root", PASSWORD, by="x", data_dir=tmp_path),  # type: ignore[arg-type]
         "Unknown role 'root'."),
        (lambda: remove_user("carl", by="x", data_dir=tmp_path),
         "There is no user named 'carl'."),
    ]  # fmt: skip
    for change, message in cases:
        with pytest.raises(UserStoreError) as caught:
            change()
        assert caught.value.message == message
        assert caught.value.hint
    remove_user("anna", by="cli:ops", data_dir=tmp_path)
    assert list_users(data_dir=tmp_path) == []
    (tmp_path / "users.json").write_text('{"version": 1, "users": [{"name": "x"}]}')
    with pytest.raises(UserStoreError) as broken:
        list_users(data_dir=tmp_path)
    assert broken.value.message == (
        f"The user file {tmp_path / 'users.json'} is not valid: users.0.role: Field required."
    )


def test_concurrent_changes_are_not_lost(tmp_path: Path) -> None:
    names = [f"user{i}" for i in range(6)]
    threads = [
        threading.Thread(
            target=add_user,
            args=(name, "viewer", PASSWORD),
            kwargs={"by": "t", "data_dir": tmp_path},
        )
        for name in names
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [user.name for user in list_users(data_dir=tmp_path)] == names


def seconds(n: float) -> dt.timedelta:
    return dt.timedelta(seconds=n)


def test_the_delays_grow_from_15_seconds_to_their_cap() -> None:
    account = [throttle.delay(n, 5, throttle.ACCOUNT_MAX_DELAY) for n in range(4, 12)]
    assert account == [seconds(s) for s in (0, 15, 30, 60, 120, 240, 300, 300)]
    address = [throttle.delay(n, 20, throttle.ADDRESS_MAX_DELAY) for n in (19, 20, 25, 26, 99)]
    assert address == [seconds(s) for s in (0, 15, 480, 900, 900)]


def test_failures_delay_the_next_attempt_progressively(tmp_path: Path) -> None:
    add_user("anna", "viewer", PASSWORD, by="cli:ops", data_dir=tmp_path)
    for n in range(5):
        with pytest.raises(LoginFailedError):
            login("anna", "wrong password", address="198.51.100.7", data_dir=tmp_path,
                  now=T0 + seconds(n))  # fmt: skip
    with pytest.raises(AccountLockedError) as waiting:  # even with the right password
        login("anna", PASSWORD, address="203.0.113.1", data_dir=tmp_path, now=T0 + seconds(10))
    assert waiting.value.params == {"seconds": 9}  # 15 s after the fifth failure at 4 s
    with pytest.raises(LoginFailedError):  # the sixth, once waited
        login("anna", "wrong again", address="198.51.100.7", data_dir=tmp_path,
              now=T0 + seconds(19))  # fmt: skip
    with pytest.raises(AccountLockedError) as longer:
        login("anna", PASSWORD, address="203.0.113.1", data_dir=tmp_path, now=T0 + seconds(20))
    assert longer.value.params == {"seconds": 29}  # then 30 s
    user = login("anna", PASSWORD, address="203.0.113.1", data_dir=tmp_path, now=T0 + seconds(49))
    assert user.name == "anna"
    # The success cleared the account's failures: the next mistake costs nothing.
    with pytest.raises(LoginFailedError):
        login("anna", "wrong", address="203.0.113.1", data_dir=tmp_path, now=T0 + seconds(50))
    assert [line.split('"event": ')[1].split(",")[0] for line in audit_lines(tmp_path)] == [
        '"user_added"', *['"login_failed"'] * 5, '"login_locked"', '"login_failed"',
        '"login_locked"', '"login_ok"', '"login_failed"',
    ]  # fmt: skip


def test_a_stranger_cannot_lock_the_owner_out(tmp_path: Path) -> None:
    """The owner's usual address is exempt from the account's delays; elsewhere she waits
    as long as the account's delay says, never more than five minutes."""
    add_user("anna", "viewer", PASSWORD, by="cli:ops", data_dir=tmp_path)
    login("anna", PASSWORD, address="192.0.2.10", data_dir=tmp_path, now=T0)  # her office
    refused = []
    # A stranger: five quick failures, then a try every 10 s for two minutes.
    for moment in [*range(1, 6), *range(10, 130, 10)]:
        try:
            login("anna", "guess", address="203.0.113.66", data_dir=tmp_path,
                  now=T0 + seconds(moment))  # fmt: skip
        except AccountLockedError:
            refused.append(moment)
        except LoginFailedError:
            pass
    # Checked: 1-5 (free), 20 (15 s after 5), 50 (30 s after 20), 110 (60 s after 50).
    assert refused == [10, 30, 40, 60, 70, 80, 90, 100, 120]
    with pytest.raises(AccountLockedError) as elsewhere:  # a new place: 120 s after 110
        login("anna", PASSWORD, address="198.51.100.3", data_dir=tmp_path, now=T0 + seconds(121))
    assert elsewhere.value.params == {"seconds": 109}
    assert login("anna", PASSWORD, address="192.0.2.10", data_dir=tmp_path,
                 now=T0 + seconds(121)).name == "anna"  # fmt: skip


def test_simultaneous_attempts_are_throttled_exactly(tmp_path: Path) -> None:
    """Ten threads try at once: exactly five (the free failures) get their password checked,
    per account; per address it is the address's allowance, also across accounts."""
    add_user("anna", "viewer", PASSWORD, by="cli:ops", data_dir=tmp_path)
    outcomes: list[str] = []
    start = threading.Barrier(10)

    def attempt(name: str, address: str) -> None:
        start.wait()
        try:
            login(name, "wrong password", address=address, data_dir=tmp_path, now=T0)
        except (LoginFailedError, AccountLockedError) as error:
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=attempt, args=("anna", f"203.0.113.{n}")) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["AccountLockedError"] * 5 + ["LoginFailedError"] * 5
    events = [r.event for r in read_audit(data_dir=tmp_path) if r.event.startswith("login")]
    assert sorted(events) == ["login_failed"] * 5 + ["login_locked"] * 5


def test_one_address_is_throttled_across_accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throttle, "ADDRESS_FREE", 3)  # 20 in production: 20 hash checks here
    for n in range(3):  # three different names from one address: each their first failure
        with pytest.raises(LoginFailedError):
            login(f"name{n}", "x", address="203.0.113.9", data_dir=tmp_path, now=T0 + seconds(n))
    with pytest.raises(AccountLockedError) as caught:
        login("name99", "x", address="203.0.113.9", data_dir=tmp_path, now=T0 + seconds(3))
    assert caught.value.params == {"seconds": 14}
    with pytest.raises(LoginFailedError):  # another address is not affected
        login("name99", "x", address="198.51.100.1", data_dir=tmp_path, now=T0 + seconds(3))


def test_a_password_typed_as_the_name_is_stored_nowhere(tmp_path: Path) -> None:
    add_user("anna", "viewer", PASSWORD, by="cli:ops", data_dir=tmp_path)
    for n in range(7):
        with pytest.raises((LoginFailedError, AccountLockedError)):
            login("Geheim Passwort 2026", PASSWORD, data_dir=tmp_path, now=T0 + seconds(n))
    names = {r.user for r in read_audit(data_dir=tmp_path)}
    assert names == {"cli:ops", "unknown account"}
    for stored in tmp_path.iterdir():
        if stored.is_file():
            assert "geheim" not in stored.read_text(encoding="utf-8").lower(), stored.name


def test_an_old_hash_is_upgraded_to_the_current_cost_on_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as old_release:
        old_release.setattr(auth, "SCRYPT_LOG2_N", 15)  # the cost of release 1
        add_user("anna", "viewer", PASSWORD, by="cli:ops", data_dir=tmp_path)

    def stored_hash() -> str:
        return json.loads((tmp_path / "users.json").read_text())["users"][0]["password_hash"]

    assert stored_hash().startswith("$scrypt$ln=15,r=8,p=1$")
    with pytest.raises(LoginFailedError):  # a wrong password changes nothing
        login("anna", "not the password", data_dir=tmp_path, now=T0)
    assert stored_hash().startswith("$scrypt$ln=15,r=8,p=1$")
    login("anna", PASSWORD, data_dir=tmp_path, now=T0 + seconds(1))
    upgraded = stored_hash()
    assert upgraded.startswith("$scrypt$ln=17,r=8,p=1$")
    assert verify_password(PASSWORD, upgraded)
    login("anna", PASSWORD, data_dir=tmp_path, now=T0 + seconds(2))
    assert stored_hash() == upgraded, "a current hash stays as it is"


def test_sessions_end_by_logout_timeout_lifetime_and_account(tmp_path: Path) -> None:
    anna = add_user("anna", "viewer", PASSWORD, by="cli:ops", data_dir=tmp_path)
    minutes = dt.timedelta(minutes=30)
    session, ticket = sessions.start("anna", anna.created_at, T0, data_dir=tmp_path)
    assert session_user(session.id, T0 + minutes, data_dir=tmp_path) == (session, anna)
    assert session_user(session.id, T0 + minutes + seconds(1), data_dir=tmp_path) is None
    # The cookie: given once for the ticket, then the session is found by it.
    assert sessions.redeem("another ticket", T0, data_dir=tmp_path) is None
    cookie = sessions.redeem(ticket, T0 + seconds(5), data_dir=tmp_path)
    assert cookie and sessions.redeem(ticket, T0 + seconds(6), data_dir=tmp_path) is None
    assert session_user(None, T0 + seconds(7), cookie=cookie, data_dir=tmp_path) == (
        session,
        anna,
    )
    assert session_user(None, T0, cookie="forged", data_dir=tmp_path) is None
    stored = (tmp_path / "sessions.json").read_text()
    assert ticket not in stored and cookie not in stored
    # Activity keeps it (written at most every 30 s); 12 hours end it whatever happens.
    for hour in range(12):
        sessions.touch(session, T0 + dt.timedelta(hours=hour, minutes=20), data_dir=tmp_path)
        session = sessions.find(session.id, T0 + dt.timedelta(hours=hour, minutes=20), minutes,
                                data_dir=tmp_path) or session  # fmt: skip
    assert session_user(session.id, T0 + dt.timedelta(hours=11, minutes=30), data_dir=tmp_path)
    assert session_user(session.id, T0 + dt.timedelta(hours=12, seconds=1), data_dir=tmp_path) is (
        None
    )
    # A ticket not used in time gives no cookie.
    late, late_ticket = sessions.start("anna", anna.created_at, T0, data_dir=tmp_path)
    assert sessions.redeem(late_ticket, T0 + dt.timedelta(minutes=2, seconds=1),
                           data_dir=tmp_path) is None  # fmt: skip
    assert sessions.end(late.id, data_dir=tmp_path) == late
    assert sessions.end(late.id, data_dir=tmp_path) is None
    assert stat.S_IMODE((tmp_path / "sessions.json").stat().st_mode) == 0o600


def test_read_audit_since_reads_only_the_end_of_a_long_log(tmp_path: Path) -> None:
    old = "".join(
        f'{{"ts": "{format_ts(T0 - dt.timedelta(days=30, seconds=i))}", "user": "u{i}", '
        f'"event": "login_ok", "details": {{"note": "{"x" * 60}"}}}}\n'
        for i in range(3000, 0, -1)
    )
    (tmp_path / "audit.log").write_text(old)  # about 400 KB: several blocks back
    audit("upload", "anna", data_dir=tmp_path, ts=T0, file=Path("jobs.csv"), rows=3)
    audit("report", "bob", data_dir=tmp_path, ts=T0 + dt.timedelta(seconds=1))
    with (tmp_path / "audit.log").open("a") as log:
        log.write('{"ts": "2026-11-24T13:00:02.000Z", "user": "torn", "ev')  # crash mid-write
    assert read_audit(data_dir=tmp_path, since=T0) == [
        AuditRecord(T0, "anna", "upload", {"file": "jobs.csv", "rows": 3}),
        AuditRecord(T0 + dt.timedelta(seconds=1), "bob", "report", {}),
    ]
    everything = read_audit(data_dir=tmp_path)
    assert len(everything) == 3002
    assert everything[0].user == "u3000"
    assert read_audit(data_dir=tmp_path / "nowhere") == []


def test_audit_rejects_unknown_events(tmp_path: Path) -> None:
    with pytest.raises(AuditError) as caught:
        audit("login_maybe", "anna", data_dir=tmp_path)  # type: ignore[arg-type]
    assert caught.value.message == "Unknown audit event 'login_maybe'."
    assert not (tmp_path / "audit.log").exists()


# --- Private data files ---------------------------------------------------------------------


def modes(root: Path) -> dict[str, int]:
    """Each path under `root` (relative, folders with a trailing /) with its permission bits."""
    return {
        str(path.relative_to(root)) + ("/" if path.is_dir() else ""): stat.S_IMODE(
            path.stat().st_mode
        )
        for path in sorted(root.rglob("*"))
    }


def pipelines(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_data_files_are_private_and_the_open_data_public(tmp_path: Path) -> None:
    """The CLI (and so the collector, `serve` and the app it starts) creates private data
    whatever the umask it inherits; the open data stays readable by everyone."""
    data_dir = tmp_path / "data"
    old_umask = os.umask(0o022)  # what a shell usually hands over
    try:
        pipelines("ingest", str(ROOT / "data" / "sample"), "--data-dir", str(data_dir))
        write_atomic(data_dir / "reports" / "summary.pdf", b"%PDF-")  # what reports write with
        pipelines("export", "--data-dir", str(data_dir))
        folder = uploads.store([("jobs.csv", b"job_id\n")], data_dir, T0)  # in the app
    finally:
        os.umask(old_umask)
    found = modes(data_dir)
    public = {path: mode for path, mode in found.items() if path.startswith("public/")}
    private = {path: mode for path, mode in found.items() if path not in public}
    assert public.pop("public/") == 0o755
    assert len(public) > 10 and set(public.values()) == {0o644}
    assert private["warehouse.duckdb"] == 0o600
    assert private[f"uploads/{folder.name}/jobs.csv"] == 0o600
    assert {p for p in private if p.startswith("reports/")} and any(
        p.startswith("telemetry/history/readings/") for p in private
    )
    wrong = {
        path: oct(mode)
        for path, mode in private.items()
        if mode != (0o700 if path.endswith("/") else 0o600) and not path.endswith(".lock")
    }
    assert not wrong
