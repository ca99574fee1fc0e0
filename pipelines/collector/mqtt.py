"""The collector's second transport: readings published to the MQTT broker (see broker.py).

A device publishes the same body as over HTTP (a JSON array or NDJSON of readings) with QoS 1
on `zakid/v1/devices/<device_id>/telemetry`; the broker's ACL lets only that device's
credentials publish there, so the topic names the device. The collector holds a persistent
session (clean start off, a session that outlives its restarts) subscribed with QoS 1, and
acknowledges a message to the broker only once its readings are durable in the log: until
then the broker keeps the message and delivers it again after a crash. Validation,
de-duplication and the receipt are Collector.receive's, as for HTTP; the receipt (or the
error of a malformed body) goes to `zakid/v1/devices/<device_id>/replies` with the request's
correlation data.

paho's network loop runs in its own thread and hands each message to the collector's event
loop. Acknowledgements go out in the order the messages came in (MQTT asks for it).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from pipelines.collector.app import MAX_BODY_BYTES, parse_readings
from pipelines.collector.broker import (
    COLLECTOR_USER,
    TELEMETRY_TOPICS,
    collector_password,
    device_of,
    reply_topic,
)
from pipelines.collector.store import Collector
from zakid_metrics.errors import BodyTooLargeError, NotDurableError, RequestError

log = logging.getLogger("zakid.collector")
RECEIVE_MAXIMUM = 64
"""Messages the broker may have in flight to the collector: one group commit can take them all."""
SESSION_NEVER_EXPIRES = 0xFFFFFFFF
"""MQTT 5: the broker keeps the session while the collector is away (the broker's
persistent_client_expiration bounds it)."""
RETRY_S = (0.1, 5.0)
"""First and longest pause before a batch whose log write failed is tried again."""


@dataclass
class MqttCounts:
    """What /healthz reports under `mqtt`."""

    connected: bool = False
    subscribed: bool = False
    received: int = 0
    acknowledged: int = 0
    not_durable: int = 0  # log writes that failed and were retried
    broker: str = ""

    def public(self, in_progress: int) -> dict[str, Any]:
        return {
            "broker": self.broker,
            "connected": self.connected,
            "subscribed": self.subscribed,
            "received": self.received,
            "acknowledged": self.acknowledged,
            "in_progress": in_progress,
            "not_durable": self.not_durable,
        }


@dataclass
class _Pending:
    """A message in arrival order; `done` once its readings are durable or it was answered."""

    mid: int
    qos: int
    connection: int  # the connection it came on (packet ids are per connection)
    task: asyncio.Task[None] | None = None
    done: bool = False


class MqttSubscriber:
    """The collector's subscription: messages in, receipts out, acks after the log's fsync."""

    def __init__(self, collector: Collector, data_dir: Path, host: str, port: int) -> None:
        self.collector = collector
        self.host, self.port = host, port
        self.counts = MqttCounts(broker=f"{host}:{port}")
        self._password = collector_password(data_dir)
        self._order: deque[_Pending] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connection = 0
        self._stopping = False
        self._client = paho.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"zakid-collector-{collector.instance}",
            protocol=paho.MQTTv5,
            manual_ack=True,
        )
        self._client.username_pw_set(COLLECTOR_USER, self._password)
        self._client.reconnect_delay_set(1, 5)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_subscribe = self._on_subscribe
        self._client.on_message = self._on_message

    # --- paho's thread ----------------------------------------------------------------------

    def _on_connect(
        self, client: paho.Client, userdata: Any, flags: Any, reason: Any, props: Any
    ) -> None:
        if reason.is_failure:
            log.error("MQTT broker %s refused the collector: %s", self.counts.broker, reason)
            return
        self.counts.connected = True
        self._connection += 1
        # Subscribing again is harmless when the session still has the subscription.
        client.subscribe(TELEMETRY_TOPICS, qos=1)

    def _on_subscribe(
        self, client: paho.Client, userdata: Any, mid: int, reasons: Any, props: Any
    ) -> None:
        failed = [r for r in reasons if r.is_failure]
        if failed:
            log.error("MQTT subscription to %s refused: %s", TELEMETRY_TOPICS, failed[0])
            return
        self.counts.subscribed = True
        log.warning(
            "collector %s: subscribed to %s at %s",
            self.collector.instance,
            TELEMETRY_TOPICS,
            self.counts.broker,
        )

    def _on_disconnect(
        self, client: paho.Client, userdata: Any, flags: Any, reason: Any, props: Any
    ) -> None:
        self.counts.connected = self.counts.subscribed = False
        if not self._stopping:
            log.warning(
                "MQTT broker %s disconnected (%s); reconnecting", self.counts.broker, reason
            )

    def _on_message(self, client: paho.Client, userdata: Any, message: paho.MQTTMessage) -> None:
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._arrived, message, self._connection)

    # --- the event loop ---------------------------------------------------------------------

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Connect (in the background; paho reconnects on its own) and start its thread."""
        self._loop = loop
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = SESSION_NEVER_EXPIRES
        properties.ReceiveMaximum = RECEIVE_MAXIMUM
        self._client.connect_async(
            self.host, self.port, keepalive=30, clean_start=False, properties=properties
        )
        self._client.loop_start()

    async def stop(self) -> None:
        """Disconnect; what is not acknowledged yet stays with the broker for the next start."""
        self._stopping = True
        self._client.disconnect()
        self._client.loop_stop()
        await asyncio.gather(*(p.task for p in self._order if p.task), return_exceptions=True)

    def status(self) -> dict[str, Any]:
        return self.counts.public(len(self._order))

    def _arrived(self, message: paho.MQTTMessage, connection: int) -> None:
        self.counts.received += 1
        pending = _Pending(message.mid, message.qos, connection)
        pending.task = asyncio.get_running_loop().create_task(self._handle(message, pending))
        pending.task.add_done_callback(lambda _: self._acknowledge())
        self._order.append(pending)

    def _acknowledge(self) -> None:
        """Acknowledge the finished messages at the head of the line, in arrival order.

        A message whose handling failed (a bug, or the stop) is not acknowledged: the broker
        delivers it again when the collector connects next. Nor is one that came on an earlier
        connection: its packet id may name another message now; if the broker kept the session,
        it has delivered the message again, and that copy is acknowledged (as a duplicate).
        """
        while self._order and self._order[0].task.done():  # type: ignore[union-attr]
            pending = self._order.popleft()
            if pending.done and pending.connection == self._connection:
                self._client.ack(pending.mid, pending.qos)
                self.counts.acknowledged += 1

    async def _handle(self, message: paho.MQTTMessage, pending: _Pending) -> None:
        device = device_of(message.topic)
        if device is None:  # the ACL lets the collector read telemetry topics only
            pending.done = True
            return
        try:
            if len(message.payload) > MAX_BODY_BYTES:
                raise BodyTooLargeError(
                    f"The message is larger than {MAX_BODY_BYTES} bytes (5 MB).",
                    "Publish the readings in smaller batches.",
                )
            readings = parse_readings(message.payload)
            body = (await self._receive(device, readings)).public()
        except RequestError as error:
            body = {"error": error.code, "reason": error.message, "hint": error.hint}
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("MQTT message of device %s not stored; the broker keeps it", device)
            return
        pending.done = True
        self._reply(device, body, message.properties)

    async def _receive(self, device: str, readings: list[dict[str, Any]]) -> Any:
        """Collector.receive, tried again while the log cannot be written (HTTP answers 503)."""
        pause = RETRY_S[0]
        while True:
            try:
                return await self.collector.receive(device, readings)
            except NotDurableError as error:
                self.counts.not_durable += 1
                if self._stopping:
                    raise
                log.warning("MQTT batch of %s not durable, trying again: %s", device, error.message)
                await asyncio.sleep(pause)
                pause = min(pause * 2, RETRY_S[1])

    def _reply(self, device: str, body: dict[str, Any], request: Properties | None) -> None:
        properties = Properties(PacketTypes.PUBLISH)
        correlation = getattr(request, "CorrelationData", None) if request else None
        if correlation is not None:
            properties.CorrelationData = correlation
        properties.ContentType = "application/json"
        self._client.publish(reply_topic(device), orjson.dumps(body), qos=1, properties=properties)
