"""Local user accounts of the internal dashboard: store, password check, login throttling.

Accounts live in DATA_DIR/users.json (mode 0600, replaced atomically under a lock). Passwords
are stored only as salted scrypt hashes in the PHC string format
`$scrypt$ln=15,r=8,p=1$<salt>$<key>` (standard base64 without padding); the parameters travel
with each hash, so raising them later keeps old hashes verifiable. Every change and every
login attempt is written to the audit log (zakid_metrics.audit).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import json
import math
import re
import secrets
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, ValidationError

from zakid_metrics.audit import AuditRecord, audit, read_audit
from zakid_metrics.errors import (
    AccountDisabledError,
    AccountLockedError,
    LoginFailedError,
    PasswordPolicyError,
    UserStoreError,
)
from zakid_metrics.files import PRIVATE_FILE_MODE, atomic_write, file_lock
from zakid_metrics.settings import get_settings

Role = Literal["viewer", "analyst", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)

USERS_FILE: Final = "users.json"
_LOCK_FILE: Final = ".users.lock"
MIN_PASSWORD_LENGTH: Final = 12
MAX_FAILED_LOGINS: Final = 5
LOGIN_WINDOW_MINUTES: Final = 15
LOGIN_WINDOW: Final = dt.timedelta(minutes=LOGIN_WINDOW_MINUTES)
# Letters (umlauts too) and digits, then also . _ @ -: `anna.schmidt`, `jörg`, `ops@stadt`.
NAME_PATTERN: Final = re.compile(r"[^\W_][\w.@-]{1,63}")

# scrypt cost: 2**15 x 8 blocks = 32 MiB and about 0.1 s per check on the server (2 cores),
# above RFC 7914's interactive-login example (2**14) while keeping a burst of logins from
# exhausting memory. The parameters are stored in each hash.
SCRYPT_LOG2_N: Final = 15
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1
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
    audit("user_removed", by, data_dir=data_dir, name=name)


def set_disabled(name: str, disabled: bool, *, by: str, data_dir: Path | None = None) -> User:
    """Disable (or enable again) an account and audit it as `user_disabled`/`user_enabled`."""
    name = normalise_name(name)
    with _changing(data_dir) as users:
        stored = _find(users, name)
        stored.disabled = disabled
    audit("user_disabled" if disabled else "user_enabled", by, data_dir=data_dir, name=name)
    return stored.public()


def locked_until(
    records: Iterable[AuditRecord],
    name: str,
    now: dt.datetime,
    *,
    max_failures: int = MAX_FAILED_LOGINS,
    window: dt.timedelta = LOGIN_WINDOW,
) -> dt.datetime | None:
    """Until when `name` may not try to log in, or None: a pure function of the audit records.

    At most `max_failures` failed logins since the last successful one are allowed within any
    `window`; the lock ends when the oldest of them leaves the window. Attempts refused while
    locked (`login_locked`) do not count, so hammering does not prolong the lock.
    """
    failures: list[dt.datetime] = []
    for record in sorted(records, key=lambda record: record.ts):
        if record.user != name or record.ts > now:
            continue
        if record.event == "login_ok":
            failures.clear()
        elif record.event == "login_failed" and record.ts > now - window:
            failures.append(record.ts)
    if len(failures) < max_failures:
        return None
    return failures[-max_failures] + window


def login(
    name: str, password: str, *, data_dir: Path | None = None, now: dt.datetime | None = None
) -> User:
    """The user whose name and password these are; every attempt is audited.

    Raises AccountLockedError (too many recent failures; the password is not checked),
    LoginFailedError (unknown name or wrong password, indistinguishable in message and time)
    or AccountDisabledError (right password, disabled account).
    """
    now = now or dt.datetime.now(dt.UTC)
    # Whatever was typed is logged, but not a novel's worth of it.
    name = normalise_name(name)[:64]
    until = locked_until(read_audit(data_dir=data_dir, since=now - LOGIN_WINDOW), name, now)
    if until is not None:
        audit("login_locked", name, data_dir=data_dir, ts=now)
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        raise AccountLockedError(
            f"Too many failed logins for {name!r}; try again in {minutes} minute(s).",
            "Wait, or ask an administrator to check the audit log.",
            minutes=minutes,
        )
    stored = next((u for u in _load(users_path(data_dir)).users if u.name == name), None)
    # An unknown name costs a full hash check too, so timing does not reveal which names exist.
    matches = verify_password(password, stored.password_hash if stored else _dummy_hash())
    if stored is None or not matches:
        audit("login_failed", name, data_dir=data_dir, ts=now, reason="bad_credentials")
        raise LoginFailedError(
            "Name or password is wrong.",
            f"Check both and try again; after {MAX_FAILED_LOGINS} failed attempts the account "
            f"is locked for up to {LOGIN_WINDOW_MINUTES} minutes.",
            attempts=MAX_FAILED_LOGINS,
            minutes=LOGIN_WINDOW_MINUTES,
        )
    if stored.disabled:
        audit("login_failed", name, data_dir=data_dir, ts=now, reason="disabled")
        raise AccountDisabledError(
            f"The account {name!r} is disabled.", "Ask an administrator to enable it again."
        )
    audit("login_ok", name, data_dir=data_dir, ts=now, role=stored.role)
    return stored.public()


def logout(user: User, *, data_dir: Path | None = None) -> None:
    """Audit the end of `user`'s session."""
    audit("logout", user.name, data_dir=data_dir)


def _scrypt(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    # NFKC, so an umlaut typed as one code point or as letter + accent gives the same hash.
    secret = unicodedata.normalize("NFKC", password).encode("utf-8")
    n = 2**log2_n
    return hashlib.scrypt(
        secret, salt=salt, n=n, r=r, p=p, maxmem=128 * r * (n + p + 2) + 2**20, dklen=_KEY_BYTES
    )


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
    try:
        return _UsersFile.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return _UsersFile()
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise UserStoreError(
            f"The user file {path} is not valid: {where + ': ' if where else ''}{first['msg']}.",
            "Restore it from the backup, or move it away and add the users again with "
            "python -m pipelines users add.",
        ) from error
    except OSError as error:
        raise UserStoreError(
            f"The user file {path} cannot be read: {error.strerror}.",
            "Restore it from the backup, or move it away and add the users again with "
            "python -m pipelines users add.",
        ) from error


@contextmanager
def _changing(data_dir: Path | None) -> Iterator[_UsersFile]:
    """The users to change; written back atomically (temp file, fsync, rename) on success.

    An exclusive lock keeps two concurrent changes from losing one of them.
    """
    path = users_path(data_dir)
    with file_lock(path.parent / _LOCK_FILE):
        users = _load(path)
        yield users
        text = json.dumps(users.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
        # Private mode (0600) from the first byte on, so the hashes are never readable by others.
        atomic_write(path, text.encode("utf-8"), PRIVATE_FILE_MODE)
