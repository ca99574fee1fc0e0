"""The login throttle: progressive delays per account and per client address, checked and
counted in one step under a lock, so simultaneous attempts cannot slip past it.

Policy (README "Logins and roles"): within WINDOW, the first ACCOUNT_FREE failed logins of an
account and the first ADDRESS_FREE failed logins from one client address cost nothing; each
further attempt has to wait FIRST_DELAY after the last failure, doubling with every failure, up
to ACCOUNT_MAX_DELAY (account) or ADDRESS_MAX_DELAY (address). Nothing locks an account for
good: whoever knows an account's name can at most make its owner wait ACCOUNT_MAX_DELAY, and
not even that at an address the owner logged in from successfully within KNOWN_FOR. An attempt
counts as a failure from the moment it is admitted (before its password is checked), so ten
simultaneous attempts are admitted exactly as far as the policy allows; a success takes its
own attempt back and clears the account's failures. Refused attempts do not count, so
hammering does not prolong a delay.

DATA_DIR/login_throttle.json (0600) holds only SHA-256 digests of names and addresses, since a
password typed into the name field must not be stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, ValidationError

from zakid_metrics.errors import AccountLockedError
from zakid_metrics.files import file_lock, write_model
from zakid_metrics.settings import get_settings

THROTTLE_FILE: Final = "login_throttle.json"
_LOCK_FILE: Final = ".login_throttle.lock"
WINDOW: Final = dt.timedelta(minutes=15)
ACCOUNT_FREE: Final = 5
# Colleagues behind one office address share it: a few mistyped passwords each.
ADDRESS_FREE: Final = 20
FIRST_DELAY: Final = dt.timedelta(seconds=15)
ACCOUNT_MAX_DELAY: Final = dt.timedelta(minutes=5)
ADDRESS_MAX_DELAY: Final = dt.timedelta(minutes=15)
KNOWN_FOR: Final = dt.timedelta(days=30)
# Streamlit reports a browser on the server itself as no address.
LOCAL_ADDRESS: Final = "local"


@dataclass(frozen=True)
class Attempt:
    """An admitted login attempt, counted as a failure until `succeeded` takes it back."""

    account: str  # digests
    address: str
    pair: str
    at: dt.datetime


class _State(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = 1
    failures: dict[str, list[dt.datetime]] = {}
    known: dict[str, dt.datetime] = {}


def throttle_path(data_dir: Path | None = None) -> Path:
    """DATA_DIR/login_throttle.json."""
    return (data_dir or get_settings().data_dir) / THROTTLE_FILE


def delay(failures: int, free: int, maximum: dt.timedelta) -> dt.timedelta:
    """How long after the last of `failures` failures the next attempt has to wait."""
    if failures < free:
        return dt.timedelta(0)
    return min(maximum, FIRST_DELAY * 2 ** min(failures - free, 32))


def admit(
    name: str, address: str | None, now: dt.datetime, *, data_dir: Path | None = None
) -> Attempt:
    """Count an attempt to log in as `name` from `address`, or raise AccountLockedError with
    the seconds to wait (the attempt is then not counted)."""
    attempt = Attempt(
        _digest("account", name),
        _digest("address", address or LOCAL_ADDRESS),
        _digest("known", name, address or LOCAL_ADDRESS),
        now,
    )
    with _changing(data_dir, now) as state:
        limits = [(attempt.address, ADDRESS_FREE, ADDRESS_MAX_DELAY)]
        known = state.known.get(attempt.pair)
        if known is None or now - known > KNOWN_FOR:
            limits.append((attempt.account, ACCOUNT_FREE, ACCOUNT_MAX_DELAY))
        allowed_at = now
        for key, free, maximum in limits:
            failures = state.failures.get(key, [])
            if failures:
                allowed_at = max(allowed_at, failures[-1] + delay(len(failures), free, maximum))
        if allowed_at > now:
            seconds = math.ceil((allowed_at - now).total_seconds())
            raise AccountLockedError(
                f"Too many failed logins; try again in {seconds} second(s).",
                "Wait, or ask an administrator to check the audit log.",
                seconds=seconds,
            )
        for key in (attempt.account, attempt.address):
            state.failures.setdefault(key, []).append(now)
    return attempt


def succeeded(attempt: Attempt, *, data_dir: Path | None = None) -> None:
    """The attempt's password was right: clear the account's failures, take the attempt back
    from its address, and remember the address as one the account logs in from."""
    with _changing(data_dir, attempt.at) as state:
        state.failures.pop(attempt.account, None)
        from_address = state.failures.get(attempt.address, [])
        if attempt.at in from_address:
            from_address.remove(attempt.at)
        state.known[attempt.pair] = attempt.at


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _load(path: Path) -> _State:
    try:
        return _State.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return _State()
    except ValidationError:
        # The throttle's memory only: starting afresh is safe, refusing every login is not.
        return _State()


@contextmanager
def _changing(data_dir: Path | None, now: dt.datetime) -> Iterator[_State]:
    """The state under an exclusive lock, without entries past WINDOW / KNOWN_FOR, written
    back atomically when the block succeeds (a refusal raised inside changes nothing)."""
    path = throttle_path(data_dir)
    with file_lock(path.parent / _LOCK_FILE):
        state = _load(path)
        state.failures = {
            key: kept
            for key, times in state.failures.items()
            if (kept := sorted(t for t in times if now - t < WINDOW))
        }
        state.known = {key: t for key, t in state.known.items() if now - t <= KNOWN_FOR}
        yield state
        write_model(path, state)
