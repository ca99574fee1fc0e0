"""Shared test setup: the e2e marker, a data directory that the settings point to, and the
sample delivery loaded once per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from zakid_metrics.settings import Settings, get_settings


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


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the bundled sample delivery loaded once per session by the
    ingest that `python -m pipelines ingest` runs. Tests never write to it: a test that
    changes its data takes a copy (`sample_data_dir`), which costs milliseconds where a load
    costs seconds."""
    from pipelines.ingest import ingest  # here, so runs without this fixture skip the import

    sample = Settings().sample_dir  # data/sample unless ZAKID_SAMPLE_DIR says otherwise
    assert any(sample.iterdir()), f"{sample} is empty: write it with `python -m pipelines sample`"
    data_dir = tmp_path_factory.mktemp("sample_warehouse") / "data"
    run = ingest([sample], data_dir)
    assert not run.any_failed, run
    return data_dir


@pytest.fixture
def sample_data_dir(sample_warehouse: Path, tmp_path: Path) -> Path:
    """This test's own copy of the loaded sample (warehouse, telemetry), to change at will."""
    return Path(shutil.copytree(sample_warehouse, tmp_path / "sample_data"))
