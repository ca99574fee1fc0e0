"""The `users` commands: manage the app's local accounts from the server's shell."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys

from pipelines.commands import PrintTable
from zakid_metrics.auth import (
    add_user,
    check_user_name,
    list_users,
    normalise_name,
    remove_user,
    set_disabled,
)
from zakid_metrics.errors import UsageError

PASSWORD_ENV = "ZAKID_NEW_PASSWORD"


def run(args: argparse.Namespace, print_table: PrintTable) -> int:
    """Carry out `users <action>`; changes are audited as done by `cli:<os user>`."""
    by = f"cli:{_os_user()}"
    if args.action == "add":
        # The name is checked before the password is asked for, not after.
        name = check_user_name(args.name)
        user = add_user(name, args.role, _new_password(), by=by, data_dir=args.data_dir)
        print(f"Added user {user.name} (role {user.role}).")
    elif args.action == "remove":
        remove_user(args.name, by=by, data_dir=args.data_dir)
        print(f"Removed user {normalise_name(args.name)}.")
    elif args.action in ("disable", "enable"):
        user = set_disabled(args.name, args.action == "disable", by=by, data_dir=args.data_dir)
        print(f"{args.action.capitalize()}d user {user.name}.")
    else:
        users = list_users(data_dir=args.data_dir)
        rows = [
            (u.name, u.role, u.created_at.strftime("%Y-%m-%d %H:%M:%S"), u.disabled) for u in users
        ]
        if args.json:
            columns = ("name", "role", "created_utc", "disabled")
            print(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], indent=2))
        elif users:
            print_table(
                [(*r[:3], "yes" if r[3] else "no") for r in rows],
                ("name", "role", "created_utc", "disabled"),
            )
        else:
            print("No users yet. Add one: python -m pipelines users add NAME --role admin")
    return 0


def _new_password() -> str:
    """From ZAKID_NEW_PASSWORD, else one line of standard input (asked twice on a terminal)."""
    if PASSWORD_ENV in os.environ:
        return os.environ[PASSWORD_ENV]
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat the password: ") != first:
            raise UsageError("The two passwords differ.", "Run the command again.")
        return first
    line = sys.stdin.readline()
    if not line.strip("\r\n"):
        raise UsageError(
            "No password given.",
            f"Pipe it as one line on standard input or set {PASSWORD_ENV}; never pass it as "
            "an argument (it would show in the process list and the shell history).",
        )
    return line.rstrip("\r\n")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
