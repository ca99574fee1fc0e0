"""`python -m pipelines kpis`: CONTRACT.md section 1's interface, and the app's figures exactly."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipelines.__main__ import main
from pipelines.ingest import ingest
from pipelines.kpis_cli import figures, today
from zakid_metrics.dashboard import data
from zakid_metrics.kpis import KPIS
from zakid_metrics.settings import get_settings
from zakid_metrics.telemetry import TELEMETRY_KPIS

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
FIELDS = ["id", "value", "unit", "targets", "progress", "fresh_as_of"]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample delivery loaded once for this module's tests."""
    path = tmp_path_factory.mktemp("kpis_cli") / "data"
    ingest([SAMPLE], path)
    return path


@pytest.fixture
def sample_dir(loaded: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """That data directory, set as ZAKID_DATA_DIR (the app's), with fresh settings and caches."""
    monkeypatch.setenv("ZAKID_DATA_DIR", str(loaded))
    for name in ("ZAKID_MODE", "ZAKID_LANGUAGE", "ZAKID_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    data.clear()
    yield loaded
    get_settings.cache_clear()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["kpis", *args])
    out, err = capsys.readouterr()
    return code, out, err


def as_json(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, "--json", "--data-dir", str(data_dir), *args)
    assert (code, err) == (0, "")
    return json.loads(out)


def test_every_figure_equals_the_apps_for_the_same_dates(
    sample_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bounds = data.date_bounds()
    period = (bounds.period_start, bounds.period_end)
    days = [bounds.earliest_as_of, dt.date(2025, 6, 30), dt.date(2026, 6, 30), today()]
    for day in days:
        found = as_json(capsys, sample_dir, "--as-of", day.isoformat())
        assert (found["as_of"], found["period_from"], found["period_to"]) == (
            day.isoformat(),
            period[0].isoformat(),
            period[1].isoformat(),
        )
        assert [entry["id"] for entry in found["kpis"]] == list(KPIS)
        # the app's figures for the same day over its default period, the funding period; its
        # live KPIs only today, in the fleet view's 24-hour window
        results = data.kpi_results(day, period)
        if day == today():
            results = {**results, **data.fleet("24h").kpis}
        shown = {entry["id"]: entry for entry in figures(results, day, period)["kpis"]}
        compared = 0
        for cli in found["kpis"]:
            if KPIS[cli["id"]].reads_telemetry and day != today():
                continue  # the app shows no live figure for a past day
            assert cli == shown[cli["id"]], f"{cli['id']} on {day}"
            compared += 1
        assert compared == len(KPIS) - (0 if day == today() else len(TELEMETRY_KPIS))
    # the default as-of date is today
    assert as_json(capsys, sample_dir)["as_of"] == today().isoformat()


def test_the_json_object_has_the_contracts_fields(
    sample_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = as_json(
        capsys, sample_dir, "--as-of", "2026-06-30", "--from", "2026-01-01", "--to", "2026-06-30"
    )
    assert list(found) == ["as_of", "period_from", "period_to", "kpis"]
    assert (found["period_from"], found["period_to"]) == ("2026-01-01", "2026-06-30")
    by_id = {entry["id"]: entry for entry in found["kpis"]}
    assert all(list(entry)[:6] == FIELDS for entry in found["kpis"])
    jobs = by_id["jobs_external_created"]
    assert jobs["unit"] == "count" and isinstance(jobs["value"], int)
    assert jobs["targets"] == [
        {"due_on": "2024-12-31", "value": 30},
        {"due_on": "2025-12-31", "value": 140},
        {"due_on": "2026-12-31", "value": 280},
        {"due_on": "2027-12-31", "value": 400},
        {"due_on": "2028-05-31", "value": 500},
    ]
    # progress: of the next target (the milestone due on or after the as-of date: 280)
    assert jobs["progress"] == jobs["value"] / 280
    # a breakdown: its total and its rows by dimension value
    engaged = by_id["companies_engaged"]["value"]
    assert engaged["total"] == sum(v for k, v in engaged.items() if k != "total")
    assert set(engaged) <= {"total", "micro", "small", "medium", "large"}
    assert set(by_id["jobs_permanence"]["value"]) == {"total", "12", "36", "60"}
    assert by_id["jobs_permanence"]["value"]["total"] is None
    assert by_id["jobs_created_fte"]["unit"] == "fte"
    assert by_id["jobs_external_created"]["fresh_as_of"].endswith("Z")
    # live KPIs over the 24 hours up to the end of the as-of day
    assert by_id["inferences_24h"]["value"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2031-01-01"], "The as-of date 2031-01-01 lies outside the data"),
        (["--as-of", "2020-01-01"], "The as-of date 2020-01-01 lies outside the data"),
        (
            ["--from", "2026-01-01", "--to", "2025-12-31"],
            "The period 2026-01-01 – 2025-12-31 ends before it starts.",
        ),
        (["--from", "2026-01-01"], "Give the period with both --from and --to."),
    ],
)
def test_dates_outside_the_data_and_a_period_the_wrong_way_round_are_usage_errors(
    sample_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "--data-dir", str(sample_dir), *args)
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {message}")


def test_the_first_day_of_the_data_is_inside_it(
    sample_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = data.date_bounds().earliest_as_of
    assert as_json(capsys, sample_dir, "--as-of", first.isoformat())["as_of"] == first.isoformat()
    code, _, err = run(
        capsys, "--data-dir", str(sample_dir), "--as-of", (first - dt.timedelta(days=1)).isoformat()
    )
    assert code == 2 and "lies outside the data" in err


def test_the_table_speaks_the_configured_language(
    sample_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(capsys, "--data-dir", str(sample_dir), "--as-of", "2026-06-30")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "Kennzahlen zum Stichtag 30.06.2026 · Zeitraum 01.06.2024–31.05.2028"
    assert lines[1].split()[:2] == ["Kennzahl", "Wert"]
    assert any(line.startswith("Externe Arbeitsplätze geschaffen ") for line in lines)
    monkeypatch.setenv("ZAKID_LANGUAGE", "en")
    get_settings.cache_clear()
    _, out, _ = run(capsys, "--data-dir", str(sample_dir), "--as-of", "2026-06-30")
    assert out.splitlines()[0] == "KPIs as of 2026-06-30 · period 2024-06-01–2028-05-31"
