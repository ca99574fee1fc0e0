"""A week of five-minute telemetry of every live device, with an outage and a slow afternoon."""

from __future__ import annotations

import datetime as dt
import io
import random

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.fleet_model import DEVICE_PROFILES, UPLINK_SHARE, working_load
from pipelines.sample.planted import is_planted
from pipelines.sample.rows import Row
from zakid_metrics.contract import READING_FIELDS

TELEMETRY_FILE = "telemetry_history.parquet"
TELEMETRY_END = dt.datetime(2026, 11, 20, 6, 30, tzinfo=dt.UTC)
"""The sample's telemetry ends at the export (07:30 in Duisburg) and covers the 7 days before."""
TELEMETRY_DAYS = 7
TELEMETRY_STEP_S = 300
"""Every device's readings of its report interval, summed into one reading per 5 minutes."""
# The history's stories: a device that was offline for six hours on the Tuesday, and one
# whose latency rose over its objective for an afternoon.
OFFLINE_STORY = (dt.datetime(2026, 11, 17, 9, 0, tzinfo=dt.UTC), dt.timedelta(hours=6))
SLOW_STORY = (dt.datetime(2026, 11, 18, 12, 0, tzinfo=dt.UTC), dt.timedelta(hours=4))


def _during(moment: dt.datetime, story: tuple[dt.datetime, dt.timedelta]) -> bool:
    start, length = story
    return start <= moment < start + length


# Narrower than the collector's segments, to keep the committed file small: milliseconds,
# single-precision floats and a 32-bit interval.
_ARROW_TYPES = {
    "text": pa.string(),
    "option": pa.string(),
    "int": pa.int64(),
    "decimal": pa.float32(),
    "timestamp": pa.timestamp("ms", tz="UTC"),
}
_ARROW_TYPE_OF = {"interval_s": pa.int32()}
_COLUMNS = {f.name: _ARROW_TYPE_OF.get(f.name, _ARROW_TYPES[f.kind]) for f in READING_FIELDS}


def telemetry_history(rng: random.Random, deployments: list[Row], devices: list[Row]) -> bytes:
    """Five-minute readings of every device of a live deployment over TELEMETRY_DAYS days,
    as Parquet (ts in UTC) with the contract's reading fields; deterministic to the byte."""
    by_id = {row["deployment_id"]: row for row in deployments}
    start = TELEMETRY_END - dt.timedelta(days=TELEMETRY_DAYS)
    steps = TELEMETRY_DAYS * 86_400 // TELEMETRY_STEP_S
    moments = [start + dt.timedelta(seconds=TELEMETRY_STEP_S * (n + 1)) for n in range(steps)]
    loads = [working_load(moment) for moment in moments]
    day = TELEMETRY_END.date()
    reporting = []
    for device in devices:
        deployment = by_id[device["deployment_id"]]
        live, gone = deployment["went_live_on"], deployment["decommissioned_on"]
        installed, removed = device["installed_on"], device["removed_on"]
        if (
            is_planted(device)
            or not isinstance(live, dt.date)
            or live > day
            or (isinstance(gone, dt.date) and gone <= day)
            or (isinstance(installed, dt.date) and installed > day)
            or (isinstance(removed, dt.date) and removed <= day)
        ):
            continue
        reporting.append((device, deployment))
    offline = reporting[3][0]["device_id"]
    slow = reporting[11][0]["device_id"]
    columns: dict[str, list[object]] = {name: [] for name in _COLUMNS}
    for device, deployment in reporting:
        rate, rest_mw, per_inference, rest_c, input_bytes = DEVICE_PROFILES[
            str(device["device_class"])
        ]
        rate *= rng.uniform(0.5, 1.5)
        slo = float(deployment["latency_slo_ms"])
        base = slo * rng.uniform(0.3, 0.55)
        uplink = UPLINK_SHARE[str(deployment["data_policy"])]
        seq = 0
        for moment, load in zip(moments, loads, strict=True):
            if device["device_id"] == offline and _during(moment, OFFLINE_STORY):
                continue
            jitter = rng.random()
            burst = 3.0 if rng.random() < 0.01 else 1.0
            inferences = round(rate * TELEMETRY_STEP_S * load * burst * (0.8 + 0.4 * jitter))
            mean = base * (1 + 0.3 * load * burst) * (0.9 + 0.2 * rng.random())
            status = "ok"
            if device["device_id"] == slow and _during(moment, SLOW_STORY):
                mean, status = slo * 1.6, "degraded"
            p95 = mean * 1.45
            kept = inferences * input_bytes
            reading = {
                "device_id": device["device_id"],
                "seq": seq,
                "ts": moment,
                "interval_s": TELEMETRY_STEP_S,
                "inferences": inferences,
                "latency_ms_mean": round(mean, 1),
                "latency_ms_p95": round(p95, 1),
                "latency_ms_max": round(p95 * 1.6, 1),
                "energy_mwh": round(
                    rest_mw * TELEMETRY_STEP_S / 3_600 + per_inference * inferences, 3
                ),
                "bytes_on_device": kept,
                "bytes_uplinked": round(kept * uplink),
                "temperature_c": round(rest_c + 12 * load * burst + 2 * jitter, 1),
                "status": status,
                "model_version": deployment["model_version"],
            }
            for name, values in columns.items():
                values.append(reading[name])
            seq += 1
    table = pa.table({name: pa.array(columns[name], kind) for name, kind in _COLUMNS.items()})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd", compression_level=19)
    return buffer.getvalue()
