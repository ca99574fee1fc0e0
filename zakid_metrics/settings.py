"""One Settings object, read from ZAKID_* environment variables, so every knob is documented."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

Mode = Literal["internal", "public"]
Language = Literal["de", "en"]
SmtpSecurity = Literal["starttls", "ssl", "none"]

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
    max_history_mb: int = Field(
        default=4000,
        ge=1,
        description=(
            "Size guard of a telemetry history file (telemetry*): larger files are "
            "refused before they are read. DuckDB reads these within a fixed memory limit and "
            "spills beyond it, so memory does not grow with the file; the guard bounds the "
            "time and disk a single upload may take (10 million readings are about 740 MB)."
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
    protection_percent: float = Field(
        default=0,
        ge=0,
        lt=100,
        description=(
            "Disclosure control: the audit's p % rule; a suppressed cell of a company's amount "
            "must be computable no closer than this many percent of its value (0: only never "
            "exactly)."
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
    mqtt_enabled: bool = Field(
        default=False,
        description=(
            "`serve` (make run) also starts the MQTT broker (Debian's mosquitto) and lets the "
            "collector take readings from it."
        ),
    )
    mqtt_host: str = Field(
        default="127.0.0.1",
        description=(
            "MQTT: the address the broker listens on and the collector connects to (loopback "
            "unless devices elsewhere publish; then put TLS in front of it)."
        ),
    )
    mqtt_port: int = Field(default=1883, ge=1, le=65535, description="MQTT: the broker's TCP port.")

    smtp_host: str | None = Field(
        default=None,
        description=(
            "Alerts: the mail server that sends alerts and digests; unset, messages wait in "
            "the outbox (DATA_DIR/alerts/state.json) and the Hinweise page says so."
        ),
    )
    smtp_port: int = Field(
        default=587, ge=1, le=65535, description="Alerts: the mail server's port (465 for ssl)."
    )
    smtp_security: SmtpSecurity = Field(
        default="starttls",
        description=(
            "Alerts: `starttls` (plain connection upgraded to TLS, port 587), `ssl` (TLS from "
            "the first byte, port 465) or `none` (only for a relay on the same machine)."
        ),
    )
    smtp_user: str | None = Field(
        default=None,
        description=(
            "Alerts: the mail server login; unset, the `[smtp] user` of .streamlit/secrets.toml "
            "(or no login)."
        ),
    )
    smtp_password: SecretStr | None = Field(
        default=None,
        description=(
            "Alerts: the mail server password; unset, the `[smtp] password` of "
            ".streamlit/secrets.toml. Never put it in a file under version control."
        ),
    )
    smtp_sender: str = Field(
        default="zakid-dashboard@localhost",
        description="Alerts: the From address of alerts and digests.",
    )
    smtp_timeout_s: float = Field(
        default=10.0, gt=0, description="Alerts: seconds to wait for the mail server per step."
    )
    alerts_interval_s: float = Field(
        default=300.0,
        gt=0,
        description="Alerts: the scheduler evaluates the rules and delivers this often (seconds).",
    )
    alerts_retry_s: float = Field(
        default=30.0,
        gt=0,
        description=(
            "Alerts: first wait after a failed delivery (seconds); it doubles with each further "
            "failure up to ZAKID_ALERTS_RETRY_MAX_S. Nothing is dropped."
        ),
    )
    alerts_retry_max_s: float = Field(
        default=3600.0, gt=0, description="Alerts: the longest wait between two delivery tries."
    )
    alerts_interest_threshold_eur: Decimal = Field(
        default=Decimal("100.00"),
        ge=0,
        description=(
            "Alerts: rule interest_threshold fires when the § 49a VwVfG interest on idle funds "
            "and premature calls (KPI idle_funds) reaches this amount."
        ),
    )
    alerts_offline_intervals: int = Field(
        default=10,
        ge=3,
        description=(
            "Alerts: rule device_offline fires for a fleet device silent for more than this many "
            "of its report intervals (the fleet view calls it offline after 3)."
        ),
    )
    alerts_digest_weekday: int = Field(
        default=0,
        ge=0,
        le=6,
        description="Alerts: day of the weekly KPI digest (0 = Monday ... 6 = Sunday).",
    )
    alerts_digest_hour: int = Field(
        default=7,
        ge=0,
        le=23,
        description=(
            "Alerts: the weekly and the monthly digest go out at the first run from this hour "
            "on (local time) of their day (the monthly one on the 1st)."
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
