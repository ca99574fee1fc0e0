"""MQTT: devices publish to a real mosquitto; the collector acks once readings are durable."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import orjson
import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from pipelines.collector.broker import reply_topic, telemetry_topic
from pipelines.collector.segments import device_stats
from tests.pipelines.collector.conftest import Collector, free_port, reading
from tests.pipelines.collector.test_durability import batch, expected
from tests.pipelines.helpers import ROOT, run_cli
from tests.waits import wait_until

TIMEOUT_S = 60.0
NOT_AUTHORIZED = 135  # MQTT 5 reason code


class Broker:
    """`python -m pipelines broker` as a child process on a free port."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.settings = {"ZAKID_MQTT_PORT": str(self.port)}
        self.log = data_dir.parent / f"broker-{self.port}.log"
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pipelines", "broker", "--data-dir", str(data_dir)],
                cwd=ROOT,
                stdout=log,
                stderr=log,
                env={**os.environ, **self.settings},
            )
        wait_until(self.listening, "the broker's port open")

    def listening(self) -> bool:
        assert self.process.poll() is None, self.log.read_text()
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


class Device:
    """A device's MQTT client: QoS 1 publishes, the collector's replies in a queue."""

    def __init__(self, port: int, device: str, token: str) -> None:
        self.device = device
        self.client = paho.Client(
            CallbackAPIVersion.VERSION2, client_id=f"device-{device}", protocol=paho.MQTTv5
        )
        self.client.username_pw_set(device, token)
        self.answered = threading.Event()
        self.refused: Any = None
        self.disconnected = threading.Event()
        self.subscribed: queue.Queue[list[int]] = queue.Queue()
        self.replies: queue.Queue[tuple[dict[str, Any], bytes | None]] = queue.Queue()
        self.acks: dict[int, int] = {}
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = lambda *args: self.disconnected.set()
        self.client.on_subscribe = lambda c, u, mid, codes, p: self.subscribed.put(
            [code.value for code in codes]
        )
        self.client.on_message = self._on_message
        self.client.on_publish = self._on_publish
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        assert self.answered.wait(TIMEOUT_S), "no CONNACK"

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        self.refused = reason.value if reason.is_failure else None
        self.answered.set()

    def _on_message(self, client: Any, userdata: Any, message: paho.MQTTMessage) -> None:
        correlation = getattr(message.properties, "CorrelationData", None)
        self.replies.put((orjson.loads(message.payload), correlation))

    def _on_publish(self, client: Any, userdata: Any, mid: int, reason: Any, props: Any) -> None:
        self.acks[mid] = reason.value

    def subscribe(self, topic: str | None = None) -> int:
        """Subscribe (to the own replies by default); returns the SUBACK's reason code."""
        self.client.subscribe(topic or reply_topic(self.device), qos=1)
        (code,) = self.subscribed.get(timeout=TIMEOUT_S)
        return code

    def publish(
        self, body: list[dict[str, Any]] | bytes, topic: str | None = None, correlation: bytes = b""
    ) -> int:
        """Publish with QoS 1 and wait for the broker's PUBACK; returns its reason code."""
        properties = Properties(PacketTypes.PUBLISH)
        if correlation:
            properties.CorrelationData = correlation
        payload = body if isinstance(body, bytes) else orjson.dumps(body)
        info = self.client.publish(
            topic or telemetry_topic(self.device), payload, qos=1, properties=properties
        )
        info.wait_for_publish(TIMEOUT_S)
        return self.acks[info.mid]

    def reply(self) -> dict[str, Any]:
        return self.replies.get(timeout=TIMEOUT_S)[0]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture()
def broker(data_dir: Path, tokens: dict[str, str]) -> Iterator[Broker]:
    """A broker started after the tokens were issued: it knows them from its first moment."""
    broker = Broker(data_dir)
    yield broker
    broker.stop()


@pytest.fixture()
def devices(broker: Broker) -> Iterator[Callable[[str, str], Device]]:
    opened: list[Device] = []

    def connect(device: str, token: str) -> Device:
        opened.append(Device(broker.port, device, token))
        return opened[-1]

    yield connect
    for device in opened:
        device.close()


def subscribed_collector(start: Callable[..., Collector], broker: Broker) -> Collector:
    collector = start("--mqtt", "--flush-seconds", "600", settings=broker.settings)
    wait_until(
        lambda: collector.http.get("/healthz").json()["mqtt"]["subscribed"],
        "the collector's subscription",
    )
    return collector


def stored(data_dir: Path) -> dict[str, int]:
    """Readings per device, every acknowledged one once (segments and logs)."""
    return {s.device_id: s.readings for s in device_stats(data_dir)}


def test_sigkill_of_the_collector_loses_and_doubles_nothing_the_broker_accepted(
    start: Callable[..., Collector],
    broker: Broker,
    devices: Callable[[str, str], Device],
    tokens: dict[str, str],
    data_dir: Path,
) -> None:
    collector = subscribed_collector(start, broker)
    clients = {name: devices(name, token) for name, token in tokens.items()}
    for client in clients.values():
        assert client.subscribe() == 1
    codes: list[int] = []

    def publish_all(client: Device) -> None:
        for n in range(20):
            codes.append(client.publish(batch(client.device, n * 100, 100)))

    threads = [threading.Thread(target=publish_all, args=(c,)) for c in clients.values()]
    for thread in threads:
        thread.start()
    # Killed once some batches are durable, while the devices go on publishing: the broker
    # keeps what arrives for the collector's session, and what was delivered but not acked.
    wait_until(lambda: sum(c.replies.qsize() for c in clients.values()) >= 10, "first receipts")
    collector.stop(signal.SIGKILL)
    collector = subscribed_collector(start, broker)
    for thread in threads:
        thread.join()
    assert codes == [0] * 60  # every batch accepted by the broker (not "no subscribers")
    wait_until(lambda: stored(data_dir) == dict.fromkeys(tokens, 2000), "all readings stored")
    collector.stop()
    pattern = str(data_dir / "telemetry" / "readings" / "*" / "*.parquet")
    with duckdb.connect() as con:
        keys = con.execute("SELECT device_id, seq FROM read_parquet(?)", [pattern]).fetchall()
    assert len(keys) == 6000
    assert set(keys) == {(device, seq) for device in tokens for seq in range(2000)}
    totals = {s.device_id: (s.readings, s.inferences) for s in device_stats(data_dir)}
    assert totals == {device: expected(2000) for device in tokens}


def test_mqtt_answers_as_http_does_rejections_duplicates_and_malformed_bodies(
    start: Callable[..., Collector],
    broker: Broker,
    devices: Callable[[str, str], Device],
    tokens: dict[str, str],
) -> None:
    collector = subscribed_collector(start, broker)
    d1 = devices("D1", tokens["D1"])
    assert d1.subscribe() == 1

    def ndjson(device: str) -> bytes:
        """Three readings, the second and third broken, as NDJSON (as over HTTP)."""
        readings = [reading(seq, device=device) for seq in (1, 2, 3)]
        readings[1]["inferences"] = -1
        readings[2]["status"] = "broken"
        return b"\n".join(orjson.dumps(r) for r in readings) + b"\n"

    over_http = collector.post(tokens["D2"], ndjson("D2")).json()
    assert over_http["accepted"] == 1
    assert [r["code"] for r in over_http["rejected"]] == ["must_be_ge", "not_an_option"]
    assert d1.publish(ndjson("D1"), correlation=b"batch-1") == 0
    assert d1.replies.get(timeout=TIMEOUT_S) == (over_http, b"batch-1")
    assert d1.publish(ndjson("D1")) == 0
    assert d1.reply() == {**over_http, "accepted": 0, "duplicates": 1}
    foreign = [reading(4, device="D2")]
    assert d1.publish(foreign) == 0
    answer = d1.reply()
    assert answer == collector.post(tokens["D1"], foreign).json()
    assert [r["code"] for r in answer["rejected"]] == ["foreign_device"]
    malformed = b"[{"
    assert d1.publish(malformed) == 0
    assert d1.reply() == collector.post(tokens["D2"], malformed).json()


@pytest.fixture
def d1_and_d2(
    start: Callable[..., Collector],
    broker: Broker,
    devices: Callable[[str, str], Device],
    tokens: dict[str, str],
) -> tuple[Device, Device]:
    """Devices D1 and D2 connected and subscribed to their replies, a collector subscribed."""
    subscribed_collector(start, broker)
    d1, d2 = devices("D1", tokens["D1"]), devices("D2", tokens["D2"])
    assert (d1.subscribe(), d2.subscribe()) == (1, 1)
    return d1, d2


def test_a_revoked_token_stops_publishing_without_a_broker_restart(
    d1_and_d2: tuple[Device, Device],
    broker: Broker,
    devices: Callable[[str, str], Device],
    tokens: dict[str, str],
    data_dir: Path,
) -> None:
    d1, d2 = d1_and_d2
    assert d1.publish(batch("D1", 0, 5)) == 0
    assert d1.reply()["accepted"] == 5
    revoked = run_cli("devices", "revoke", "D1", "--data-dir", str(data_dir))
    assert revoked.returncode == 0, revoked.stderr
    # The broker reloads its password file and drops the connection of the revoked token.
    assert d1.disconnected.wait(TIMEOUT_S)
    assert devices("D1", tokens["D1"]).refused == NOT_AUTHORIZED
    assert d2.publish(batch("D2", 0, 5)) == 0
    assert d2.reply()["accepted"] == 5
    issued = run_cli("devices", "token", "D1", "--data-dir", str(data_dir))
    assert issued.returncode == 0, issued.stderr
    new_token = issued.stdout.strip().splitlines()[-1]
    renewed = wait_until(
        lambda: (d := devices("D1", new_token)).refused is None and d, "the new token accepted"
    )
    assert renewed.subscribe() == 1
    assert renewed.publish(batch("D1", 5, 5)) == 0
    assert renewed.reply()["accepted"] == 5
    assert broker.process.poll() is None  # the same broker process throughout
    assert stored(data_dir) == {"D1": 10, "D2": 5}


def test_a_device_cannot_publish_as_another_or_read_its_replies(
    d1_and_d2: tuple[Device, Device], data_dir: Path
) -> None:
    d1, d2 = d1_and_d2
    # mosquitto grants the subscription and filters every message by the ACL on delivery.
    assert d1.subscribe(reply_topic("D2")) == 1
    assert d1.publish(batch("D2", 0, 5), topic=telemetry_topic("D2")) == NOT_AUTHORIZED
    assert d2.publish(batch("D2", 0, 3)) == 0
    assert d2.reply()["accepted"] == 3
    # Replies reach D1 in the order the collector sent them: D2's would come first.
    assert d1.publish(batch("D1", 0, 5)) == 0
    assert d1.reply()["accepted"] == 5
    assert d1.replies.empty()
    assert stored(data_dir) == {"D1": 5, "D2": 3}
