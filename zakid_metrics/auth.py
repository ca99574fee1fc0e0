"""Local user accounts of the internal dashboard: store, password check, login throttling.

Accounts live in DATA_DIR/users.json (mode 0600, replaced atomically under a lock). Passwords
are stored only as salted scrypt hashes in the PHC string format
`$scrypt$ln=17,r=8,p=1$<salt>$<key>` (standard base64 without padding); the parameters travel
with each hash, so an older, cheaper hash still verifies and is replaced by one at the current
cost at its next successful login. Every change and every login attempt is written to the audit
log (zakid_metrics.audit), a name that is no account as UNKNOWN_ACCOUNT (it may be a password
typed into the wrong field); attempts are throttled by zakid_metrics.throttle, and disabling or
removing an account ends its sessions (zakid_metrics.sessions).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets
import threading
import unicodedata
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, ValidationError

from zakid_metrics import sessions, throttle
from zakid_metrics.audit import audit
from zakid_metrics.errors import (
    AccountDisabledError,
    AccountLockedError,
    LoginFailedError,
    PasswordPolicyError,
    UserStoreError,
)
from zakid_metrics.files import changing_model, read_model
from zakid_metrics.settings import get_settings

Role = Literal["viewer", "analyst", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)

USERS_FILE: Final = "users.json"
_LOCK_FILE: Final = ".users.lock"
MIN_PASSWORD_LENGTH: Final = 12
# What the audit log says instead of a name that is no account.
UNKNOWN_ACCOUNT: Final = "unknown account"
# Letters (umlauts too) and digits, then also . _ @ -: `anna.schmidt`, `jörg`, `ops@stadt`.
NAME_PATTERN: Final = re.compile(r"[^\W_][\w.@-]{1,63}")

# scrypt cost as OWASP's Password Storage Cheat Sheet recommends (N=2**17, r=8, p=1): 128 MiB
# and about 0.5-1 s per check on the server (2 cores). The parameters are stored in each hash.
SCRYPT_LOG2_N: Final = 17
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1
# At most this many checks run at once, so a burst of logins cannot exhaust the memory
# (each takes 128 MiB); the others wait their turn.
_HASHING = threading.BoundedSemaphore(2)
_SALT_BYTES = 16
_KEY_BYTES = 32
_HASH_FORMAT = re.compile(
    r"\$scrypt\$ln=(?P<ln>\d+),r=(?P<r>\d+),p=(?P<p>\d+)\$(?P<salt>[A-Za-z0-9+/]+)"
    r"\$(?P<key>[A-Za-z0-9+/]+)"
)


@dataclass(frozen=True)
class User:
    """An account as everyone but this module sees it: never with its hash."""

    name: str
    role: Role
    created_at: dt.datetime  # aware, UTC
    disabled: bool = False

    def has_role(self, minimum: Role) -> bool:
        """Whether this user may do what `minimum` may (viewer < analyst < admin)."""
        return ROLES.index(self.role) >= ROLES.index(minimum)


class _StoredUser(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    role: Role
    password_hash: str
    created_at: dt.datetime
    disabled: bool = False

    def public(self) -> User:
        return User(self.name, self.role, self.created_at, self.disabled)


class _UsersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    users: list[_StoredUser] = []


def users_path(data_dir: Path | None = None) -> Path:
    """DATA_DIR/users.json."""
    return (data_dir or get_settings().data_dir) / USERS_FILE


def normalise_name(name: str) -> str:
    """The account name as stored: NFKC, trimmed, lower-case, so `Anna ` logs in as `anna`."""
    return unicodedata.normalize("NFKC", name).strip().lower()


def check_user_name(name: str) -> str:
    """The normalised name, or UserStoreError when it is not a valid account name."""
    normalised = normalise_name(name)
    if not NAME_PATTERN.fullmatch(normalised):
        raise UserStoreError(
            f"{normalised!r} is not a valid user name.",
            "Use 2 to 64 characters: letters, digits and . _ @ -, starting with a letter or "
            "digit (e.g. anna.schmidt).",
        )
    return normalised


def check_password_policy(password: str) -> None:
    """Raise PasswordPolicyError unless `password` has at least MIN_PASSWORD_LENGTH characters."""
    length = len(unicodedata.normalize("NFKC", password))
    if length < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError(
            f"The password has {length} characters; at least {MIN_PASSWORD_LENGTH} are required.",
            "Choose a longer password, e.g. a passphrase of four or more words.",
            min_length=MIN_PASSWORD_LENGTH,
        )


def hash_password(password: str) -> str:
    """A new salted scrypt hash of `password` in PHC format."""
    salt = secrets.token_bytes(_SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
    return f"$scrypt$ln={SCRYPT_LOG2_N},r={SCRYPT_R},p={SCRYPT_P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, encoded: str) -> bool:
    """Whether `password` matches the hash `encoded`; compares in constant time."""
    match = _HASH_FORMAT.fullmatch(encoded)
    if match is None:
        raise UserStoreError(
            "A password hash in users.json is not in the expected format.",
            "Remove the user and add it again (python -m pipelines users remove/add).",
        )
    log2_n, r, p = int(match["ln"]), int(match["r"]), int(match["p"])
    # Bounds keep a tampered file from making one check take minutes or gigabytes.
    if not (10 <= log2_n <= 20 and 1 <= r <= 32 and 1 <= p <= 16):
        raise UserStoreError(
            f"A password hash in users.json has implausible scrypt parameters "
            f"(ln={log2_n}, r={r}, p={p}).",
            "Remove the user and add it again (python -m pipelines users remove/add).",
        )
    key = _scrypt(password, _unb64(match["salt"]), log2_n, r, p)
    return hmac.compare_digest(key, _unb64(match["key"]))


def list_users(*, data_dir: Path | None = None) -> list[User]:
    """All accounts, ordered by name."""
    return [stored.public() for stored in _load(users_path(data_dir)).users]


def add_user(
    name: str, role: Role, password: str, *, by: str, data_dir: Path | None = None
) -> User:
    """Create an account and audit it as `user_added` by `by` (who acted)."""
    name = check_user_name(name)
    if role not in ROLES:
        raise UserStoreError(f"Unknown role {role!r}.", f"Use one of {', '.join(ROLES)}.")
    check_password_policy(password)
    stored = _StoredUser(
        name=name,
        role=role,
        password_hash=hash_password(password),
        created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
    )
    with _changing(data_dir) as users:
        if any(user.name == name for user in users.users):
            raise UserStoreError(
                f"A user named {name!r} already exists.",
                "Choose another name, or remove the user first to set a new password.",
            )
        users.users = sorted([*users.users, stored], key=lambda user: user.name)
    audit("user_added", by, data_dir=data_dir, name=name, role=role)
    return stored.public()


def remove_user(name: str, *, by: str, data_dir: Path | None = None) -> None:
    """Delete an account and audit it as `user_removed`."""
    name = normalise_name(name)
    with _changing(data_dir) as users:
        _find(users, name)
        users.users = [user for user in users.users if user.name != name]
    ended = sessions.end_user(name, data_dir=data_dir)
    audit("user_removed", by, data_dir=data_dir, name=name, sessions_ended=ended)


def set_disabled(name: str, disabled: bool, *, by: str, data_dir: Path | None = None) -> User:
    """Disable (or enable again) an account and audit it as `user_disabled`/`user_enabled`;
    disabling ends its sessions."""
    name = normalise_name(name)
    with _changing(data_dir) as users:
        stored = _find(users, name)
        stored.disabled = disabled
    if disabled:
        ended = sessions.end_user(name, data_dir=data_dir)
        audit("user_disabled", by, data_dir=data_dir, name=name, sessions_ended=ended)
    else:
        audit("user_enabled", by, data_dir=data_dir, name=name)
    return stored.public()


def login(
    name: str,
    password: str,
    *,
    address: str | None = None,
    data_dir: Path | None = None,
    now: dt.datetime | None = None,
) -> User:
    """The user whose name and password these are, logging in from client `address`; every
    attempt is audited.

    Raises AccountLockedError (the throttle asks to wait; the password is not checked),
    LoginFailedError (unknown name or wrong password, indistinguishable in message and time)
    or AccountDisabledError (right password, disabled account). A hash of an older, cheaper
    cost is replaced by one at the current cost.
    """
    now = now or dt.datetime.now(dt.UTC)
    # Whatever was typed is checked, but not a novel's worth of it.
    name = normalise_name(name)[:64]
    stored = next((u for u in _load(users_path(data_dir)).users if u.name == name), None)
    who = name if stored else UNKNOWN_ACCOUNT
    try:
        attempt = throttle.admit(name, address, now, data_dir=data_dir)
    except AccountLockedError:
        audit("login_locked", who, data_dir=data_dir, ts=now, address=address)
        raise
    # An unknown name costs a full hash check too, so timing does not reveal which names exist.
    matches = verify_password(password, stored.password_hash if stored else _dummy_hash())
    if stored is None or not matches:
        audit(
            "login_failed", who, data_dir=data_dir, ts=now, reason="bad_credentials",
            address=address,
        )  # fmt: skip
        raise LoginFailedError(
            "Name or password is wrong.",
            f"Check both and try again; after {throttle.ACCOUNT_FREE} failed attempts each "
            "further one has to wait a little longer.",
            attempts=throttle.ACCOUNT_FREE,
        )
    if stored.disabled:
        audit("login_failed", name, data_dir=data_dir, ts=now, reason="disabled", address=address)
        raise AccountDisabledError(
            f"The account {name!r} is disabled.", "Ask an administrator to enable it again."
        )
    throttle.succeeded(attempt, data_dir=data_dir)
    if _below_current_cost(stored.password_hash):
        _upgrade_hash(name, stored.password_hash, password, data_dir)
    audit("login_ok", name, data_dir=data_dir, ts=now, role=stored.role, address=address)
    return stored.public()


def logout(user: User, *, data_dir: Path | None = None) -> None:
    """Audit the end of `user`'s session."""
    audit("logout", user.name, data_dir=data_dir)


def session_user(
    session_id: str | None,
    now: dt.datetime,
    *,
    cookie: str | None = None,
    data_dir: Path | None = None,
) -> tuple[sessions.Session, User] | None:
    """The live session with this id (or cookie) and its account, or None: the session has
    ended (logout, timeout, lifetime) or its account is disabled, removed or was re-created
    since. Reads only; the session's activity is recorded by sessions.touch."""
    timeout = dt.timedelta(minutes=get_settings().session_timeout_minutes)
    session = sessions.find(session_id, now, timeout, cookie=cookie, data_dir=data_dir)
    if session is None:
        return None
    account = next((u for u in list_users(data_dir=data_dir) if u.name == session.user), None)
    if account is None or account.disabled or account.created_at != session.account_created_at:
        return None
    return session, account


def _scrypt(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    # NFKC, so an umlaut typed as one code point or as letter + accent gives the same hash.
    secret = unicodedata.normalize("NFKC", password).encode("utf-8")
    n = 2**log2_n
    with _HASHING:
        return hashlib.scrypt(
            secret,
            salt=salt,
            n=n,
            r=r,
            p=p,
            maxmem=128 * r * (n + p + 2) + 2**20,
            dklen=_KEY_BYTES,
        )


def _below_current_cost(encoded: str) -> bool:
    match = _HASH_FORMAT.fullmatch(encoded)
    return match is not None and (int(match["ln"]), int(match["r"]), int(match["p"])) < (
        SCRYPT_LOG2_N,
        SCRYPT_R,
        SCRYPT_P,
    )


def _upgrade_hash(name: str, old: str, password: str, data_dir: Path | None) -> None:
    """Store a hash at the current cost, unless the password was changed meanwhile."""
    upgraded = hash_password(password)
    with _changing(data_dir) as users:
        stored = next((u for u in users.users if u.name == name), None)
        if stored is not None and stored.password_hash == old:
            stored.password_hash = upgraded


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _find(users: _UsersFile, name: str) -> _StoredUser:
    for user in users.users:
        if user.name == name:
            return user
    raise UserStoreError(
        f"There is no user named {name!r}.",
        "List the users with: python -m pipelines users list",
    )


def _load(path: Path) -> _UsersFile:
    return read_model(path, _UsersFile, _unreadable)


def _unreadable(path: Path, error: Exception) -> UserStoreError:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        problem = f"is not valid: {where + ': ' if where else ''}{first['msg']}"
    else:
        problem = f"cannot be read: {getattr(error, 'strerror', error)}"
    return UserStoreError(
        f"The user file {path} {problem}.",
        "Restore it from the backup, or move it away and add the users again with "
        "python -m pipelines users add.",
    )


def _changing(data_dir: Path | None) -> AbstractContextManager[_UsersFile]:
    """The users to change; written back atomically (temp file, fsync, rename) on success,
    private (0600) from the first byte on, so the hashes are never readable by others.

    An exclusive lock keeps two concurrent changes from losing one of them.
    """
    return changing_model(users_path(data_dir), _UsersFile, _unreadable, _LOCK_FILE)
