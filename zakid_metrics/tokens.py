"""Device tokens: issued per registered device, stored only as hashes, revocable while running.

The collector checks them (pipelines.collector); the CLI (`devices token|revoke|list`) and the
admin page of the dashboard issue and revoke them, so the store lives here, on the read side.
The MQTT broker's password file is generated from the store (pipelines.collector.broker), so a
record also keeps the token's hash in the broker's own format.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson

from zakid_metrics.errors import NoTokenError, UnknownDeviceError
from zakid_metrics.files import atomic_write, file_lock
from zakid_metrics.telemetry_store import telemetry_dir
from zakid_metrics.warehouse import read_snapshot

STORE_FILE = "tokens.json"
STORE_LOCK = "tokens.lock"


@dataclass(frozen=True)
class TokenRecord:
    """A device's current token: only hashes of it are kept; revoked_at is set once revoked.

    broker_hash is the token as the MQTT broker checks it (see broker_password_hash); None for
    a token issued before the MQTT transport existed (issue a new one to use MQTT).
    """

    device_id: str
    token_sha256: str
    issued_at: str
    revoked_at: str | None = None
    broker_hash: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def token_hash(token: str) -> str:
    """SHA-256 suffices: tokens are 256 random bits, so there is nothing to guess or stretch."""
    return hashlib.sha256(token.encode()).hexdigest()


BROKER_HASH_ITERATIONS = 101
"""mosquitto_passwd's PBKDF2 iterations; a 256-bit random token needs no more stretching."""


def broker_password_hash(token: str, salt: bytes | None = None) -> str:
    """The token as mosquitto's password file stores a password: PBKDF2-SHA512 (`$7$`)."""
    salt = secrets.token_bytes(12) if salt is None else salt
    digest = hashlib.pbkdf2_hmac("sha512", token.encode(), salt, BROKER_HASH_ITERATIONS)
    encoded = (base64.b64encode(part).decode() for part in (salt, digest))
    return f"$7${BROKER_HASH_ITERATIONS}${'$'.join(encoded)}"


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def registered_devices(data_dir: Path) -> dict[str, int]:
    """device_id -> report_interval_s of every device in the published warehouse."""
    with read_snapshot(data_dir) as con:
        return dict(con.execute("SELECT device_id, report_interval_s FROM devices").fetchall())


class TokenStore:
    """The token file DATA_DIR/telemetry/tokens.json, replaced atomically on every change."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = telemetry_dir(self.data_dir) / STORE_FILE
        self._stamp: tuple[int, int] | None = None
        self._by_hash: dict[str, TokenRecord] = {}

    def load(self) -> dict[str, TokenRecord]:
        try:
            raw = orjson.loads(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        return {device: TokenRecord(**record) for device, record in raw.items()}

    def issue(self, device_id: str) -> str:
        """A new random token for a registered device; it replaces the device's old one."""
        if device_id not in registered_devices(self.data_dir):
            raise UnknownDeviceError(
                f"Device {device_id!r} is not in the warehouse's devices table.",
                "Check the id with `python -m pipelines devices list`, or deliver the device in "
                "devices.csv and load it with `python -m pipelines ingest` first.",
                device_id=device_id,
            )
        token = secrets.token_urlsafe(32)
        with self._locked() as records:
            records[device_id] = TokenRecord(
                device_id, token_hash(token), _now(), broker_hash=broker_password_hash(token)
            )
        return token

    def revoke(self, device_id: str) -> TokenRecord:
        with self._locked() as records:
            record = records.get(device_id)
            if record is None or not record.active:
                raise NoTokenError(
                    f"Device {device_id!r} has no active token.",
                    "See `python -m pipelines devices list` for the devices with tokens.",
                    device_id=device_id,
                )
            records[device_id] = TokenRecord(
                device_id, record.token_sha256, record.issued_at, _now(), record.broker_hash
            )
            return records[device_id]

    def lookup(self, token: str) -> TokenRecord | None:
        """The record a presented token belongs to (revoked ones too); None if it is unknown.

        Re-reads the file when it was replaced, so a running collector honours new and
        revoked tokens at once; an unchanged file costs one stat per request.
        """
        try:
            st = os.stat(self.path)
            stamp = (st.st_ino, st.st_mtime_ns)
        except FileNotFoundError:
            stamp = None
        if stamp != self._stamp:
            self._by_hash = {r.token_sha256: r for r in self.load().values()}
            self._stamp = stamp
        digest = token_hash(token)
        record = self._by_hash.get(digest)
        if record is None or not hmac.compare_digest(digest, record.token_sha256):
            return None
        return record

    @contextmanager
    def _locked(self) -> Iterator[dict[str, TokenRecord]]:
        """Read, change and atomically replace the file, one writer at a time."""
        with file_lock(self.path.with_name(STORE_LOCK)):
            records = self.load()
            yield records
            atomic_write(
                self.path,
                orjson.dumps(
                    {d: asdict(r) for d, r in sorted(records.items())},
                    option=orjson.OPT_INDENT_2,
                ),
            )
