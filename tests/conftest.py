"""Shared test setup: the e2e marker and a data directory that the settings point to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from zakid_metrics.settings import get_settings


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "e2e: drives the running app in a real browser (needs /usr/bin/chromium)"
    )


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty data directory, set as ZAKID_DATA_DIR, with the settings read afresh."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("ZAKID_DATA_DIR", str(path))
    for name in ("ZAKID_MODE", "ZAKID_LANGUAGE", "ZAKID_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()
