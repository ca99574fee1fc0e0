"""The MQTT broker as the project runs it: Debian's mosquitto, its files, and their upkeep.

`python -m pipelines broker` writes DATA_DIR/mqtt/ and runs mosquitto on it:
    mosquitto.conf   listener (loopback unless ZAKID_MQTT_HOST says otherwise), persistence
    passwd           one line per device with an active token: the device id as user name, the
                     token's hash as mosquitto_passwd writes it (kept in the token store), and
                     the collector's account
    acl              a device may publish on its own telemetry topic and read its own replies;
                     the collector reads every telemetry topic and writes every reply topic
    collector.secret the collector's password (random, made once)
    db/              mosquitto's persistence (the queued messages of the collector's session)
The token store is watched: when a token is issued or revoked (CLI or admin page), passwd is
written anew and mosquitto reloaded (SIGHUP). On reload mosquitto also disconnects a client
whose password no longer matches, so a revoked token stops publishing without a restart.

Debian's mosquitto offers two ways to authenticate: this password file, and the dynamic
security plugin. The plugin is managed over MQTT and wants each password in plain text when a
client is created, which only the process that issues a token ever sees; the password file
takes a hash, which the token store keeps anyway.
"""

from __future__ import annotations

import ctypes
import logging
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from zakid_metrics.errors import ServeError, UsageError
from zakid_metrics.files import PRIVATE_DIR_MODE, atomic_write
from zakid_metrics.tokens import TokenStore, broker_password_hash

log = logging.getLogger("zakid.broker")
MQTT_DIR = "mqtt"
TOPIC_ROOT = "zakid/v1/devices"
TELEMETRY_TOPICS = f"{TOPIC_ROOT}/+/telemetry"
"""What the collector subscribes to: every device's telemetry topic."""
COLLECTOR_USER = "zakid-collector"
AUTOSAVE_S = 1
"""mosquitto writes its in-memory state (queued messages, sessions) to db/ this often."""
MAX_QUEUED_BYTES = 512 * 1024 * 1024
"""Payload bytes mosquitto queues for a client that is away (the collector during a restart),
in memory: about 1.7 M readings. A message beyond it is dropped for that client, although the
device got its PUBACK. (The count limit is set far above it, not to 0: mosquitto 2.0 drops the
connection of a client whose message it refuses when the count limit is 0.)"""
MAX_PAYLOAD_BYTES = 5 * 1024 * 1024
"""The largest message mosquitto passes on, the collector's HTTP body limit (5 MB)."""
WATCH_S = 0.1
"""How often the token store is checked for changes."""
_BAD_ID_CHARS = frozenset("/+#:$\x00")


def mqtt_dir(data_dir: Path) -> Path:
    return Path(data_dir) / MQTT_DIR


def telemetry_topic(device_id: str) -> str:
    return f"{TOPIC_ROOT}/{device_id}/telemetry"


def reply_topic(device_id: str) -> str:
    return f"{TOPIC_ROOT}/{device_id}/replies"


def device_of(topic: str) -> str | None:
    """The device a telemetry topic belongs to; None for any other topic."""
    root, _, rest = topic.partition(f"{TOPIC_ROOT}/")
    device, _, leaf = rest.partition("/")
    return device if not root and device and leaf == "telemetry" else None


def usable_on_mqtt(device_id: str) -> bool:
    """Whether a device id can be an MQTT user name and topic level (no `/ + # : $`)."""
    return (
        bool(device_id)
        and device_id != COLLECTOR_USER
        and not _BAD_ID_CHARS & set(device_id)
        and device_id.strip() == device_id
    )


def collector_password(data_dir: Path, create: bool = False) -> str:
    """The collector's broker password; made by the broker on its first start."""
    path = mqtt_dir(data_dir) / "collector.secret"
    if not path.exists():
        if not create:
            raise UsageError(
                f"There is no MQTT broker set up in {mqtt_dir(data_dir)}.",
                "Start it first: `python -m pipelines broker` (or ZAKID_MQTT_ENABLED=true make "
                "run).",
            )
        path.parent.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        atomic_write(path, secrets.token_urlsafe(32).encode())
    return path.read_text().strip()


def write_credentials(data_dir: Path) -> int:
    """Write passwd and acl from the token store; returns the devices that may connect."""
    directory = mqtt_dir(data_dir)
    lines = [f"{COLLECTOR_USER}:{broker_password_hash(collector_password(data_dir))}"]
    for device, record in sorted(TokenStore(data_dir).load().items()):
        if not record.active or record.broker_hash is None:
            continue
        if not usable_on_mqtt(device):
            log.warning("device %r cannot use MQTT: its id is no MQTT user name or topic", device)
            continue
        lines.append(f"{device}:{record.broker_hash}")
    atomic_write(directory / "passwd", ("\n".join(lines) + "\n").encode())
    acl = [
        "# Written by `python -m pipelines broker`; changes are overwritten.",
        f"user {COLLECTOR_USER}",
        f"topic read {TELEMETRY_TOPICS}",
        f"topic write {TOPIC_ROOT}/+/replies",
        "",
        "# Every user: its own topics only (%u is the user name, i.e. the device id).",
        f"pattern write {TOPIC_ROOT}/%u/telemetry",
        f"pattern read {TOPIC_ROOT}/%u/replies",
    ]
    atomic_write(directory / "acl", ("\n".join(acl) + "\n").encode())
    return len(lines) - 1


def write_config(data_dir: Path, host: str, port: int) -> Path:
    """mosquitto.conf for a broker on `host`:`port` over DATA_DIR/mqtt/."""
    directory = mqtt_dir(data_dir).resolve()
    (directory / "db").mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    # Run as root (CI), mosquitto would switch to its own user, who cannot read these files.
    user = pwd.getpwuid(os.getuid()).pw_name
    config = f"""# Written by `python -m pipelines broker`; changes are overwritten.
per_listener_settings false
allow_anonymous false
password_file {directory / "passwd"}
acl_file {directory / "acl"}
persistence true
persistence_location {directory / "db"}/
autosave_interval {AUTOSAVE_S}
autosave_on_changes false
max_queued_messages 10000000
max_queued_bytes {MAX_QUEUED_BYTES}
message_size_limit {MAX_PAYLOAD_BYTES}
persistent_client_expiration 30d
log_dest stdout
log_type error
log_type warning
log_type notice
connection_messages false
user {user}
listener {port} {host}
"""
    path = directory / "mosquitto.conf"
    atomic_write(path, config.encode())
    return path


def mosquitto_binary() -> str:
    found = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not os.access(found, os.X_OK):
        raise ServeError(
            "mosquitto, the MQTT broker, is not installed.",
            "Install Debian's package: apt-get install mosquitto (.ci/run does it when missing).",
        )
    return found


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the supervising process ends, however it ends."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _token_stamp(store: TokenStore) -> tuple[int, int] | None:
    try:
        st = os.stat(store.path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns


def run_broker(data_dir: Path, host: str, port: int, stop: threading.Event) -> int:
    """Run mosquitto until `stop` is set; keep its password file in step with the tokens.

    Returns mosquitto's exit code (0 after a stop: it saves its state on the way out).
    """
    binary = mosquitto_binary()
    data_dir = Path(data_dir)
    collector_password(data_dir, create=True)
    store = TokenStore(data_dir)
    stamp = _token_stamp(store)
    devices = write_credentials(data_dir)
    config = write_config(data_dir, host, port)
    process = subprocess.Popen([binary, "-c", str(config)], preexec_fn=_die_with_parent)
    try:
        deadline = time.monotonic() + 30
        while not _port_open(host, port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise ServeError(
                    f"mosquitto did not listen on {host}:{port} (exit code {process.poll()}).",
                    "Its messages are above; is the port taken (Debian's own mosquitto service "
                    "listens on 1883: systemctl disable --now mosquitto, or set "
                    "ZAKID_MQTT_PORT)?",
                )
            time.sleep(0.05)
        print(
            f"broker: mosquitto listening on {host}:{port}, {devices} device(s) with MQTT "
            f"credentials, state in {mqtt_dir(data_dir)}",
            flush=True,
        )
        while not stop.wait(WATCH_S):
            if process.poll() is not None:
                print(f"broker: mosquitto ended with exit code {process.returncode}", flush=True)
                return process.returncode or 1
            current = _token_stamp(store)
            if current != stamp:
                stamp = current
                devices = write_credentials(data_dir)
                process.send_signal(signal.SIGHUP)
                print(f"broker: tokens changed, {devices} device(s) may connect", flush=True)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return process.returncode


def cmd_broker(data_dir: Path, host: str, port: int) -> int:
    stop = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, request_stop)
    return run_broker(data_dir, host, port, stop)
