"""The jobs target path and forecast on constructed series with known answers."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator
from typing import Any

import duckdb
import pytest

from zakid_metrics.kpis import compute
from zakid_metrics.kpis.forecast import (
    LinearForecast,
    Milestone,
    linear_forecast,
    status_of,
    t_quantile,
    target_on,
    target_path,
)
from zakid_metrics.settings import get_settings

D = dt.date(2026, 6, 30)
MONTHLY = [-330, -300, -270, -240, -210, -180, -150, -120, -90, -60, -30, 0]


def test_a_perfectly_linear_series_extrapolates_exactly_with_no_interval() -> None:
    values = [300 + 0.5 * day for day in MONTHLY]  # 135 ... 300
    fit = linear_forecast(MONTHLY, values, 730)
    assert fit == LinearForecast(665.0, 665.0, 665.0, pytest.approx(0.5), 12)


def test_a_flat_series_stays_flat() -> None:
    assert linear_forecast(MONTHLY, [42] * 12, 900) == LinearForecast(42.0, 42.0, 42.0, 0.0, 12)


def test_a_noisy_series_gets_the_textbook_prediction_interval() -> None:
    # x = -2, -1, 0; y = 0, 2, 1: slope 0.5, intercept 1.5, residuals -0.5, 1, -0.5,
    # s = sqrt(1.5 / 1); at x = 2: 2.5 ± t(1) * s * sqrt(1 + 1/3 + (2 - (-1))^2 / 2)
    half_width = 12.706 * math.sqrt(1.5) * math.sqrt(1 + 1 / 3 + 9 / 2)
    fit = linear_forecast([-2, -1, 0], [0, 2, 1], 2)
    assert fit == LinearForecast(
        2.5, round(2.5 - half_width, 3), round(2.5 + half_width, 3), 0.5, 3
    )
    assert (fit.lower, fit.upper) == (-35.085, 40.085)


@pytest.mark.parametrize(("days", "values"), [([-30, 0], [1, 2]), ([0, 0, 0], [1, 2, 3]), ([], [])])
def test_too_few_observations_give_no_forecast(days: list[int], values: list[int]) -> None:
    assert linear_forecast(days, values, 100) is None


def test_t_quantiles() -> None:
    assert (t_quantile(1), t_quantile(10), t_quantile(30), t_quantile(31)) == (
        12.706,
        2.228,
        2.042,
        1.96,
    )
    with pytest.raises(ValueError, match="degree"):
        t_quantile(0)


START = dt.date(2025, 1, 1)
MILESTONES = (Milestone(dt.date(2026, 12, 31), 15.0), Milestone(dt.date(2028, 12, 31), 30.0))


def test_target_path_starts_at_zero_and_runs_through_the_milestones() -> None:
    before_start = Milestone(dt.date(2024, 12, 31), 5.0)
    assert target_path((*MILESTONES, before_start), START) == (Milestone(START, 0.0), *MILESTONES)


@pytest.mark.parametrize(
    ("day", "target"),
    [
        (dt.date(2024, 6, 1), 0.0),  # before the start
        (START, 0.0),
        (D, round(15 * 545 / 729, 3)),  # 545 of 729 days to 15
        (dt.date(2026, 12, 31), 15.0),
        (dt.date(2027, 12, 31), round(15 + 15 * 365 / 731, 3)),  # 365 of 731 days to 30
        (dt.date(2028, 12, 31), 30.0),
        (dt.date(2030, 1, 1), 30.0),  # after the last milestone
    ],
)
def test_target_on_a_day(day: dt.date, target: float) -> None:
    assert target_on(target_path(MILESTONES, START), day) == target


@pytest.mark.parametrize(
    ("current", "forecast", "status"),
    [
        (500, 480.0, "reached"),  # already there, whatever the trend says
        (520, None, "reached"),
        (300, 500.0, "on_track"),  # exactly the target
        (300, 450.0, "moderately_off"),  # exactly 10 % below
        (300, 449.999, "off_track"),
        (300, None, "insufficient_data"),
    ],
)
def test_status_against_the_final_target(current: int, forecast: float | None, status: str) -> None:
    assert status_of(current, forecast, 500.0) == status


def test_no_status_without_a_target() -> None:
    assert status_of(10, 20.0, None) is None


def one_job_a_day(first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    days = range((last - first).days + 1)
    return [
        {
            "job_id": f"J{n}",
            "category": "external",
            "company_id": "C1",
            "created_on": first + dt.timedelta(days=n),
            "fte": 1.0,
        }
        for n in days
    ]


COMPANY = {
    "company_id": "C1",
    "name": "Firma",
    "employees": 5,
    "postal_code": "47051",
    "joined_on": "2025-01-01",
}
GRANT = {
    "grant_id": "G1",
    "recipient": "Stadt",
    "sub_project": "Zentrum",
    "programme": "STARK",
    "regime": "ANBest-P",
    "funding_rate": "1",
    "approved_eur": "1000.00",
    "decided_on": "2024-12-01",
    "starts_on": "2025-01-01",
    "ends_on": "2026-12-31",
}


def outlook(result: Any) -> dict[str, dict[str, Any]]:
    frame = result.breakdown.astype(object).where(result.breakdown.notna(), None)
    return {row["kpi_id"]: row for row in frame.to_dict("records")}


def test_jobs_forecast_on_a_linear_delivery(
    warehouse: Callable[[dict[str, list[dict[str, Any]]]], duckdb.DuckDBPyConnection],
) -> None:
    # One external job a day from 1 July 2025: on D the count is exactly the days since
    # 30 June 2025, on every monthly point too; 184 days remain to the grant's end.
    con = warehouse(
        {
            "companies": [COMPANY],
            "grants": [GRANT],
            "jobs": one_job_a_day(dt.date(2025, 7, 1), D),
            "targets": [
                {"kpi_id": "jobs_external_created", "due_on": "2026-12-31", "target_value": 549}
            ],
        }
    )
    result = compute(con, "jobs_forecast_end", as_of=D)
    external = outlook(result)["jobs_external_created"]
    assert {k: external[k] for k in ("value", "lower", "upper", "current", "status")} == {
        "value": 549.0,
        "lower": 549.0,
        "upper": 549.0,
        "current": 365,
        "status": "on_track",
    }
    assert (external["observations"], external["period_end"]) == (12, dt.date(2026, 12, 31))
    assert external["slope_per_month"] == round(365.25 / 12, 3)
    # no project-related jobs and no target for them: flat at 0, no status
    related = outlook(result)["jobs_project_related_created"]
    assert (related["value"], related["lower"], related["upper"]) == (0.0, 0.0, 0.0)
    assert (related["target"], related["status"]) == (None, None)
    # after the funding period the forecast is what was created
    late = outlook(compute(con, "jobs_forecast_end", as_of=dt.date(2027, 1, 31)))
    assert {k: late["jobs_external_created"][k] for k in ("value", "lower", "upper", "status")} == {
        "value": 365,
        "lower": 365,
        "upper": 365,
        "status": "off_track",
    }


@pytest.fixture()
def funding_period_setting(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ZAKID_FUNDING_PERIOD_START", "2025-01-01")
    monkeypatch.setenv("ZAKID_FUNDING_PERIOD_END", "2026-07-30")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("funding_period_setting")
def test_jobs_forecast_uses_the_settings_period_without_grants(
    warehouse: Callable[[dict[str, list[dict[str, Any]]]], duckdb.DuckDBPyConnection],
) -> None:
    jobs = one_job_a_day(dt.date(2025, 7, 1), D)
    con = warehouse({"companies": [COMPANY], "jobs": jobs})
    result = compute(con, "jobs_forecast_end", as_of=D)
    external = outlook(result)["jobs_external_created"]
    assert (external["value"], external["period_start"]) == (395.0, dt.date(2025, 1, 1))
    # a funding start within the last year leaves only the observations after it
    march = dt.date(2026, 3, 1)
    short = compute(con, "jobs_forecast_end", as_of=D, funding_period_start=march)
    assert outlook(short)["jobs_external_created"]["observations"] == 4  # 30 Mar to 30 Jun
