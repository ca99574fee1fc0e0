"""How the simulated devices behave: shared by the sample's history and the live simulator."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

_BERLIN = ZoneInfo("Europe/Berlin")

# Per device class: inferences per second at full load, power at rest (mW), energy per
# inference (mWh), temperature at rest (°C), bytes of input per inference.
DEVICE_PROFILES: dict[str, tuple[float, float, float, float, int]] = {
    "microcontroller": (0.5, 5.0, 0.00002, 31.0, 512),
    "smart_sensor": (0.3, 3.0, 0.00001, 28.0, 256),
    "fpga": (6.0, 900.0, 0.0004, 44.0, 4_096),
    "edge_soc": (3.0, 2_500.0, 0.002, 47.0, 16_384),
    "edge_gpu": (12.0, 9_000.0, 0.008, 55.0, 150_000),
    "industrial_pc": (4.0, 25_000.0, 0.02, 41.0, 120_000),
}
UPLINK_SHARE: dict[str, float] = {
    "on_device_only": 0.0,
    "aggregates_only": 0.01,
    "raw_upload": 0.85,
}
"""Share of the input bytes a deployment's data policy lets leave the device."""


def working_load(moment: dt.datetime) -> float:
    """The share of full load at a moment: working hours in Duisburg, quiet nights and weekends."""
    local = moment.astimezone(_BERLIN)
    hour = local.hour + local.minute / 60
    if local.weekday() >= 5:
        return 0.12
    if 7 <= hour < 18:
        return 0.85 if 12 <= hour < 13 else 1.0
    if 6 <= hour < 7 or 18 <= hour < 21:
        return 0.4
    return 0.1
