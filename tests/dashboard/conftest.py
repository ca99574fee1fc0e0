"""Logged-in AppTests: real accounts (made once, each hash costs about a second) and a real
server-side session, as the login gate leaves them."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from zakid_metrics import sessions
from zakid_metrics.auth import ROLES, USERS_FILE, Role, User, add_user, list_users
from zakid_metrics.dashboard.components.login import SESSION_KEY, USER_KEY

PASSWORD = "korrekt pferd batterie"

SignIn = Callable[..., User]


@pytest.fixture(scope="session")
def accounts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """users.json with one account per role, named after it (`viewer`, `analyst`, `admin`)."""
    folder = tmp_path_factory.mktemp("accounts")
    for role in ROLES:
        add_user(role, role, PASSWORD, by="test", data_dir=folder)
    return folder / USERS_FILE


@pytest.fixture
def sign_in(accounts: Path, data_dir: Path) -> SignIn:
    """`sign_in(at, role="admin")`: the account of `role` logged in to the AppTest `at`."""

    def sign_in(at: AppTest, role: Role = "admin", *, now: dt.datetime | None = None) -> User:
        shutil.copyfile(accounts, data_dir / USERS_FILE)
        user = next(u for u in list_users(data_dir=data_dir) if u.role == role)
        started = now or dt.datetime.now(dt.UTC)
        session, _ = sessions.start(user.name, user.created_at, started, data_dir=data_dir)
        at.session_state[SESSION_KEY] = session.id
        at.session_state[USER_KEY] = user
        return user

    return sign_in
