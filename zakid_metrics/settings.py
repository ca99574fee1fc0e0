"""One Settings object, read from ZAKID_* environment variables, so every knob is documented."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Mode = Literal["internal", "public"]
Language = Literal["de", "en"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
    freshness_warning_days: int = Field(
        default=45,
        ge=1,
        description="An entity whose last delivery is older than this many days is flagged stale.",
    )

    @property
    def warehouse_path(self) -> Path:
        """The published warehouse snapshot (read-only for everyone but a load run)."""
        return self.data_dir / "warehouse.duckdb"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
