"""`python -m pipelines users ...` as real processes: exact output, exit codes, audit lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from zakid_metrics.auth import list_users, login, remove_user

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


def users(
    data_dir: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {
        **{k: v for k, v in os.environ.items() if k != "ZAKID_NEW_PASSWORD"},
        "LOGNAME": "ops",  # getpass.getuser() reads LOGNAME first
        "USER": "ops",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "pipelines", "users", *args, "--data-dir", str(data_dir)],
        cwd=ROOT,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )


def test_add_list_remove(tmp_path: Path) -> None:
    added = users(tmp_path, "add", "Anna", "--role", "analyst", stdin=PASSWORD + "\n")
    assert (added.returncode, added.stdout, added.stderr) == (
        0,
        "Added user anna (role analyst).\n",
        "",
    )
    from_env = users(
        tmp_path, "add", "bob", "--role", "admin", env={"ZAKID_NEW_PASSWORD": "x" * 12}
    )
    assert (from_env.returncode, from_env.stdout) == (0, "Added user bob (role admin).\n")
    assert users(tmp_path, "disable", "bob").stdout == "Disabled user bob.\n"
    assert login("anna", PASSWORD, data_dir=tmp_path).role == "analyst"

    anna, bob = list_users(data_dir=tmp_path)
    created = [u.created_at.strftime("%Y-%m-%d %H:%M:%S") for u in (anna, bob)]
    listed = users(tmp_path, "list")
    assert (listed.returncode, listed.stdout) == (
        0,
        "name  role     created_utc          disabled\n"
        "----  -------  -------------------  --------\n"
        f"anna  analyst  {created[0]}  no      \n"
        f"bob   admin    {created[1]}  yes     \n",
    )
    assert PASSWORD not in listed.stdout and "scrypt" not in listed.stdout
    assert json.loads(users(tmp_path, "list", "--json").stdout) == [
        {"name": "anna", "role": "analyst", "created_utc": created[0], "disabled": False},
        {"name": "bob", "role": "admin", "created_utc": created[1], "disabled": True},
    ]

    assert users(tmp_path, "remove", "ANNA").stdout == "Removed user anna.\n"
    assert users(tmp_path, "enable", "bob").stdout == "Enabled user bob.\n"
    remove_user("bob", by="test", data_dir=tmp_path)
    assert users(tmp_path, "list").stdout == (
        "No users yet. Add one: python -m pipelines users add NAME --role admin\n"
    )

    lines = (tmp_path / "audit.log").read_text().splitlines()
    assert [{k: v for k, v in json.loads(line).items() if k != "ts"} for line in lines] == [
        {"user": "cli:ops", "event": "user_added", "details": {"name": "anna", "role": "analyst"}},
        {"user": "cli:ops", "event": "user_added", "details": {"name": "bob", "role": "admin"}},
        {
            "user": "cli:ops",
            "event": "user_disabled",
            "details": {"name": "bob", "sessions_ended": 0},
        },
        {"user": "anna", "event": "login_ok", "details": {"role": "analyst", "address": None}},
        {
            "user": "cli:ops",
            "event": "user_removed",
            "details": {"name": "anna", "sessions_ended": 0},
        },
        {"user": "cli:ops", "event": "user_enabled", "details": {"name": "bob"}},
        {"user": "test", "event": "user_removed", "details": {"name": "bob", "sessions_ended": 0}},
    ]
    first = json.loads(lines[0])["ts"]
    assert lines[0] == (
        f'{{"ts": "{first}", "user": "cli:ops", "event": "user_added", '
        '"details": {"name": "anna", "role": "analyst"}}'
    )


def test_bad_input_gets_a_message_and_an_exit_code(tmp_path: Path) -> None:
    short = users(tmp_path, "add", "anna", "--role", "viewer", stdin="too short\n")
    assert (short.returncode, short.stdout, short.stderr) == (
        1,
        "",
        "error: The password has 9 characters; at least 12 are required.\n"
        "Choose a longer password, e.g. a passphrase of four or more words.\n",
    )
    none = users(tmp_path, "add", "anna", "--role", "viewer")
    assert (none.returncode, none.stderr) == (
        2,
        "error: No password given.\nPipe it as one line on standard input or set "
        "ZAKID_NEW_PASSWORD; never pass it as an argument (it would show in the process list "
        "and the shell history).\n",
    )
    bad_name = users(tmp_path, "add", "anna schmidt", "--role", "viewer", stdin=PASSWORD + "\n")
    assert (bad_name.returncode, bad_name.stderr.splitlines()[0]) == (
        1,
        "error: 'anna schmidt' is not a valid user name.",
    )
    bad_role = users(tmp_path, "add", "anna", "--role", "root", stdin=PASSWORD + "\n")
    assert bad_role.returncode == 2
    assert "argument --role: invalid choice: 'root'" in bad_role.stderr
    missing = users(tmp_path, "remove", "carl")
    assert (missing.returncode, missing.stderr) == (
        1,
        "error: There is no user named 'carl'.\nList the users with: python -m pipelines users "
        "list\n",
    )
    assert not (tmp_path / "users.json").exists()
    assert not (tmp_path / "audit.log").exists()
