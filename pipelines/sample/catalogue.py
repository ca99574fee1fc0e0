"""The sample's content kept as data: grants, vouchers, courses and SDG indicators."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

CATALOGUE: dict[str, Any] = tomllib.loads(
    Path(__file__).with_name("catalogue.toml").read_text(encoding="utf-8")
)
