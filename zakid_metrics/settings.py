"""One Settings object, read from ZAKID_* environment variables, so every knob is documented."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Mode = Literal["internal", "public"]
Language = Literal["de", "en"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _with_slash(url: str) -> str:
    """A base address ends with `/`, so that a file name joins onto it."""
    return url if url.endswith("/") else url + "/"


class Settings(BaseSettings):
    """Configuration of the whole system; each field is an environment variable ZAKID_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="ZAKID_", extra="ignore")

    data_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        description="Folder of the runtime state: warehouse.duckdb, telemetry/, reports/, public/.",
    )
    sample_dir: Path = Field(
        default=PROJECT_ROOT / "data" / "sample",
        description="Folder of the bundled sample delivery that `make run` loads on first start.",
    )
    mode: Mode = Field(
        default="internal",
        description="`internal` (department and partners, full data) or `public` (open data only).",
    )
    language: Language = Field(
        default="de", description="Default language of the app; users can switch to the other."
    )
    timezone: str = Field(
        default="Europe/Berlin", description="Time zone in which dates and times are shown."
    )
    max_file_mb: int = Field(
        default=250,
        ge=1,
        description=(
            "Size guard of a load: a delivery file larger than this many megabytes is refused "
            "(status failed, with its size and this limit) before it is read. A load needs "
            "memory of at most about 4 times the size of its largest file."
        ),
    )
    freshness_warning_days: int = Field(
        default=45,
        ge=1,
        description="An entity whose last delivery is older than this many days is flagged stale.",
    )
    k_min: int = Field(
        default=3,
        ge=2,
        description="Disclosure control: a public cell with fewer units than this is suppressed.",
    )
    dominance_share: float = Field(
        default=0.85,
        gt=0,
        le=1,
        description=(
            "Disclosure control: a public cell in which one unit holds more than this share of "
            "the value is suppressed."
        ),
    )
    session_timeout_minutes: int = Field(
        default=30,
        ge=1,
        description=(
            "Internal app: minutes without any interaction after which a session ends and the "
            "user has to log in again (the logout is audited)."
        ),
    )
    centre_postal_code: str = Field(
        default="47057",
        pattern=r"^\d{5}$",
        description=(
            "Postal code of the centre's own site: the workplace of a project-related job "
            "(staff of the centre) whose delivery gives no workplace_postal_code. Set when the "
            "job is loaded; a changed value applies to jobs loaded afterwards."
        ),
    )
    funding_period_start: dt.date = Field(
        default=dt.date(2025, 1, 1),
        description=(
            "Start of the funding period where no grant is loaded yet; otherwise the earliest "
            "grant's starts_on is used. The jobs target path starts at 0 on this day."
        ),
    )
    funding_period_end: dt.date = Field(
        default=dt.date(2028, 12, 31),
        description=(
            "End of the funding period where no grant is loaded yet; otherwise the latest "
            "grant's ends_on is used. The jobs forecast projects to this day."
        ),
    )
    public_base_url: Annotated[str, AfterValidator(_with_slash)] = Field(
        default="http://localhost:8502/open-data/",
        pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$",
        description=(
            "Open data: the absolute address under which the public app serves the export's "
            "files (its route /open-data/, behind the reverse proxy's address); every "
            "downloadURL in metadata.json is this address and the file's name, so that open-"
            "data portals can harvest them. Set it to the public address, e.g. "
            "https://wirkung.zakid.duisburg.de/open-data/, before exporting."
        ),
    )

    telemetry_max_future_minutes: int = Field(
        default=5,
        ge=0,
        description=(
            "Telemetry: a reading whose ts lies more than this many minutes ahead of the "
            "receiving clock is rejected (ts_in_future); collector and history files."
        ),
    )
    telemetry_max_age_days: int = Field(
        default=90,
        ge=1,
        description=(
            "Telemetry: the collector rejects a reading whose ts lies more than this many days "
            "in the past (ts_too_old); older readings are loaded as a history file."
        ),
    )
    telemetry_history_max_age_days: int = Field(
        default=3660,
        ge=1,
        description=(
            "Telemetry history files: a row whose ts lies more than this many days in the past "
            "is rejected (ts_too_old)."
        ),
    )
    collector_max_connections: int = Field(
        default=1000,
        ge=1,
        description=(
            "Collector: open connections at most; one more is answered 503 and closed at once, "
            "so idle clients cannot exhaust the process's file descriptors."
        ),
    )
    collector_idle_timeout_s: float = Field(
        default=5.0,
        gt=0,
        description=(
            "Collector: a connection without a request in progress that sends nothing for this "
            "many seconds is closed (before its first request and between requests)."
        ),
    )
    collector_header_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description=(
            "Collector: a request's line and headers must arrive within this many seconds of "
            "the connection being ready for it; otherwise the connection is closed."
        ),
    )
    collector_body_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description=(
            "Collector: the longest pause in a request body, in seconds; after it the request "
            "is answered 408 and the connection closed."
        ),
    )

    @property
    def warehouse_path(self) -> Path:
        """The published warehouse snapshot (read-only for everyone but a load run)."""
        return self.data_dir / "warehouse.duckdb"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
