"""The collector's subcommands of `python -m pipelines`: collector, broker, devices, telemetry."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from typing import Any

from pipelines.commands import add_data_dir
from zakid_metrics.errors import UsageError

EXIT_OK = 0
AddCommand = Callable[..., argparse.ArgumentParser]
"""The CLI's add(name, handler, help) that creates a subcommand with --data-dir."""
PrintTable = Callable[[Sequence[Sequence[Any]], Sequence[str]], None]


def _utc(value: Any) -> str | None:
    """An RFC 3339 UTC text of a timestamp from DuckDB (its session zone is UTC)."""
    return (
        None if value is None else value.strftime("%Y-%m-%dT%H:%M:%S.%fZ").replace(".000000Z", "Z")
    )


def cmd_collector(args: argparse.Namespace) -> int:
    from pipelines.collector.app import serve
    from pipelines.collector.store import Collector

    if not 0 < args.port < 65536:
        raise UsageError(f"Port {args.port} is not a TCP port.", "Give --port between 1 and 65535.")
    if args.flush_seconds <= 0:
        raise UsageError("--flush-seconds must be positive.", "Give e.g. --flush-seconds 5.")
    collector = Collector(args.data_dir, args.instance, args.flush_seconds)
    subscriber = None
    if args.mqtt:
        from pipelines.collector.mqtt import MqttSubscriber
        from zakid_metrics.settings import get_settings

        settings = get_settings()
        subscriber = MqttSubscriber(
            collector, args.data_dir, settings.mqtt_host, settings.mqtt_port
        )
    serve(collector, args.host, args.port, subscriber=subscriber)
    return EXIT_OK


def cmd_broker(args: argparse.Namespace) -> int:
    from pipelines.collector.broker import cmd_broker as run
    from zakid_metrics.settings import get_settings

    settings = get_settings()
    return run(args.data_dir, settings.mqtt_host, settings.mqtt_port)


def cmd_devices(args: argparse.Namespace) -> int:
    from pipelines.collector.tokens import TokenStore

    store = TokenStore(args.data_dir)
    if args.action == "token":
        token = store.issue(args.device_id)
        print(
            f"New token for device {args.device_id} (shown only now; store it on the device, "
            "it replaces any earlier token):"
        )
        print(token)
    elif args.action == "revoke":
        record = store.revoke(args.device_id)
        print(
            f"Token of device {record.device_id} revoked at {record.revoked_at}; the collector "
            "refuses it from now on."
        )
    else:
        return _list_devices(args, store)
    return EXIT_OK


def _list_devices(args: argparse.Namespace, store: Any) -> int:
    from pipelines.collector.segments import device_stats
    from zakid_metrics.warehouse import read_snapshot

    with read_snapshot(args.data_dir) as con:
        registered = con.execute(
            "SELECT device_id, deployment_id, device_class FROM devices ORDER BY device_id"
        ).fetchall()
    records = store.load()
    last_seen = {s.device_id: _utc(s.last_received_at) for s in device_stats(args.data_dir)}
    known = {device for device, _, _ in registered}
    rows = [*registered, *((d, None, None) for d in sorted(records) if d not in known)]
    columns = (
        "device_id",
        "deployment_id",
        "device_class",
        "token",
        "issued_at",
        "revoked_at",
        "last_seen",
    )
    table = []
    for device, deployment, device_class in rows:
        record = records.get(device)
        token = "none" if record is None else "active" if record.active else "revoked"
        table.append(
            (
                device,
                deployment,
                device_class,
                token,
                record.issued_at if record else None,
                record.revoked_at if record else None,
                last_seen.get(device),
            )
        )
    if args.json:
        print(
            json.dumps({"devices": [dict(zip(columns, r, strict=True)) for r in table]}, indent=2)
        )
        return EXIT_OK
    args.print_table(table, columns)
    return EXIT_OK


def cmd_telemetry(args: argparse.Namespace) -> int:
    from pipelines.collector.segments import device_stats

    stats = device_stats(args.data_dir)
    columns = ("device_id", "readings", "inferences", "first_ts", "last_ts")
    rows = [
        (s.device_id, s.readings, s.inferences, _utc(s.first_ts), _utc(s.last_ts)) for s in stats
    ]
    if args.json:
        print(json.dumps({"devices": [dict(zip(columns, r, strict=True)) for r in rows]}, indent=2))
        return EXIT_OK
    args.print_table(rows, columns)
    print(
        f"\n{sum(s.readings for s in stats)} reading(s) of {len(stats)} device(s), "
        "segments and not yet flushed log together."
    )
    return EXIT_OK


def add_commands(add: AddCommand, print_table: PrintTable) -> None:
    """Register the subcommands with the CLI's `add` (which gives each --data-dir)."""
    collector = add(
        "collector",
        cmd_collector,
        "Run the telemetry collector: HTTP POST /v1/telemetry, GET /healthz.",
    )
    collector.add_argument("--host", default="127.0.0.1", help="address to listen on")
    collector.add_argument("--port", type=int, default=8787, help="TCP port (default 8787)")
    collector.add_argument(
        "--instance",
        default="main",
        help="name of this instance; each instance behind a load balancer needs its own "
        "(its log is DATA_DIR/telemetry/wal/INSTANCE/)",
    )
    collector.add_argument(
        "--flush-seconds",
        type=float,
        default=5.0,
        help="how often the log is turned into Parquet segments",
    )
    collector.add_argument(
        "--mqtt",
        action="store_true",
        help="also take readings from the MQTT broker (`broker`) at ZAKID_MQTT_HOST:"
        "ZAKID_MQTT_PORT; only one instance may (each subscribed instance stores everything)",
    )
    add(
        "broker",
        cmd_broker,
        "Run the MQTT broker (mosquitto) on ZAKID_MQTT_HOST:ZAKID_MQTT_PORT, with the device "
        "tokens as its credentials, until Ctrl-C.",
    )

    def actions(parser: argparse.ArgumentParser) -> Callable[..., argparse.ArgumentParser]:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        def action(name: str, text: str) -> argparse.ArgumentParser:
            child = sub.add_parser(name, help=text, description=text)
            # Also accepted after the action; SUPPRESS keeps the parent's default otherwise.
            add_data_dir(child, argparse.SUPPRESS)
            return child

        return action

    devices = add("devices", cmd_devices, "Issue, revoke and list device tokens.")
    devices.set_defaults(print_table=print_table)
    device_action = actions(devices)
    device_action(
        "token", "Issue a new token for a registered device (printed last)."
    ).add_argument("device_id", metavar="DEVICE_ID")
    device_action(
        "revoke", "Revoke a device's token; the collector refuses it at once."
    ).add_argument("device_id", metavar="DEVICE_ID")
    device_action("list", "List devices with token state and last seen time.").add_argument(
        "--json", action="store_true", help="print one JSON object"
    )
    telemetry = add("telemetry", cmd_telemetry, "Inspect the telemetry store.")
    telemetry.set_defaults(print_table=print_table)
    telemetry_action = actions(telemetry)
    telemetry_action(
        "stats", "Readings per device: segments and not yet flushed log."
    ).add_argument("--json", action="store_true", help="print one JSON object")
