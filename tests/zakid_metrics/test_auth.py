"""Local accounts and the audit log on real files: hashes, policy, login, throttling, audit."""

from __future__ import annotations

import datetime as dt
import json
import re
import stat
import threading
import unicodedata
from pathlib import Path

import pytest

from zakid_metrics.audit import AuditRecord, audit, format_ts, read_audit
from zakid_metrics.auth import (
    LOGIN_WINDOW,
    User,
    add_user,
    list_users,
    locked_until,
    login,
    logout,
    remove_user,
    set_disabled,
    verify_password,
)
from zakid_metrics.errors import (
    AccountDisabledError,
    AccountLockedError,
    AuditError,
    LoginFailedError,
    PasswordPolicyError,
    UserStoreError,
)

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
    pattern = re.compile(r"\$scrypt\$ln=15,r=8,p=1\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})")
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
    assert sorted(p.name for p in tmp_path.iterdir()) == [".users.lock", "audit.log", "users.json"]


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
            "Name or password is wrong. Check both and try again; after 5 failed attempts the "
            "account is locked for up to 15 minutes."
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
        '"details": {"reason": "bad_credentials"}}',
        '{"ts": "TS", "user": "nobody", "event": "login_failed", '
        '"details": {"reason": "bad_credentials"}}',
        '{"ts": "TS", "user": "anna", "event": "login_ok", "details": {"role": "analyst"}}',
        '{"ts": "TS", "user": "cli:ops", "event": "user_disabled", "details": {"name": "anna"}}',
        '{"ts": "TS", "user": "anna", "event": "login_failed", "details": {"reason": "disabled"}}',
        '{"ts": "TS", "user": "anna", "event": "login_failed", '
        '"details": {"reason": "bad_credentials"}}',
        '{"ts": "TS", "user": "cli:ops", "event": "user_enabled", "details": {"name": "anna"}}',
        '{"ts": "TS", "user": "anna", "event": "login_ok", "details": {"role": "analyst"}}',
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


def test_locked_until_is_a_sliding_window_over_failures() -> None:
    fails = [record(m, "login_failed") for m in (0, 1, 2, 3)]
    now = T0 + dt.timedelta(minutes=5)
    assert locked_until(fails, "anna", now) is None  # four failures are allowed
    fifth = [*fails, record(4, "login_failed")]
    assert locked_until(fifth, "anna", now) == T0 + LOGIN_WINDOW  # until the first drops out
    assert locked_until(fifth, "anna", T0 + LOGIN_WINDOW) is None
    assert locked_until(fifth, "bob", now) is None  # per user
    assert (
        locked_until([*fails, record(3.5, "login_ok"), record(4, "login_failed")], "anna", now)
        is None
    )
    hammered = [*fifth, *(record(4 + m / 10, "login_locked") for m in range(1, 9))]
    assert locked_until(hammered, "anna", now) == T0 + LOGIN_WINDOW  # refusals do not prolong
    at_16 = T0 + dt.timedelta(minutes=16)
    later = [*fifth, record(16, "login_failed")]  # within (1, 16]: only 2, 3, 4 and 16
    assert locked_until(later, "anna", at_16) is None
    again = [*later, record(16.5, "login_failed")]
    assert locked_until(again, "anna", at_16 + dt.timedelta(seconds=30)) == T0 + dt.timedelta(
        minutes=2 + 15
    )
    assert locked_until(fifth, "anna", now, max_failures=6) is None
    assert locked_until(fifth, "anna", now, window=dt.timedelta(minutes=3)) is None


def test_login_is_locked_after_five_failures_and_unlocked_later(tmp_path: Path) -> None:
    add_user("anna", "viewer", PASSWORD, by="cli:ops", data_dir=tmp_path)
    for minute in range(5):
        with pytest.raises(LoginFailedError):
            login(
                "anna", "wrong password", data_dir=tmp_path, now=T0 + dt.timedelta(minutes=minute)
            )
    with pytest.raises(AccountLockedError) as locked:  # even with the right password
        login("anna", PASSWORD, data_dir=tmp_path, now=T0 + dt.timedelta(minutes=5, seconds=30))
    assert locked.value.params == {"minutes": 10}
    assert login("anna", PASSWORD, data_dir=tmp_path, now=T0 + LOGIN_WINDOW).name == "anna"
    assert audit_lines(tmp_path)[-2:] == [
        '{"ts": "TS", "user": "anna", "event": "login_locked", "details": {}}',
        '{"ts": "TS", "user": "anna", "event": "login_ok", "details": {"role": "viewer"}}',
    ]
    assert json.loads((tmp_path / "audit.log").read_text().splitlines()[-2])["ts"] == (
        "2026-11-24T13:05:30.000Z"
    )


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
