"""The jobs target path and forecast: hand-checked arithmetic, the model's edge cases and the KPI.

The forecast is a Monte Carlo simulation with a seed derived from its inputs: the values pinned
here are what it gives, byte for byte, on every run; the comments say why they are plausible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import duckdb
import pytest

from zakid_metrics.kpis import compute
from zakid_metrics.kpis.forecast import (
    FORECAST_FIELDS,
    Milestone,
    Prediction,
    month_shares,
    pace_required,
    predict_total,
    status_of,
    target_on,
    target_path,
)
from zakid_metrics.settings import get_settings

D = dt.date(2026, 6, 30)
YEAR = [1.0] * 12


@pytest.mark.parametrize(
    ("p_target", "status"),
    [
        (1.0, "on_track"),
        (0.8, "on_track"),  # the threshold itself is on track
        (0.799, "at_risk"),
        (0.3, "at_risk"),
        (0.299, "off_track"),
        (0.0, "off_track"),
        (None, None),  # no target, no status
    ],
)
def test_status_from_the_probability_of_reaching_the_target(
    p_target: float | None, status: str | None
) -> None:
    assert status_of(p_target) == status


@pytest.mark.parametrize(
    ("current", "target", "months_left", "pace"),
    [
        (300, 500.0, 20.0, 10.0),  # 200 jobs in 20 months
        (0, 30.0, 23.0, 1.304),  # 30 / 23 = 1.3043...
        (212, 500.0, 23.0, 12.522),  # 288 / 23 = 12.5217...
        (500, 500.0, 10.0, 0.0),  # reached: nothing more needed
        (520, 500.0, 0.0, 0.0),
        (300, 500.0, 0.0, None),  # no time left: no pace can reach it
        (10, None, 5.0, None),  # no target
    ],
)
def test_pace_required(
    current: int, target: float | None, months_left: float, pace: float | None
) -> None:
    assert pace_required(current, target, months_left) == pace


@pytest.mark.parametrize(
    ("first", "last", "shares"),
    [
        (D, D, [1 / 30]),
        (dt.date(2026, 7, 1), dt.date(2026, 12, 31), [1.0] * 6),
        (dt.date(2025, 1, 15), dt.date(2025, 3, 10), [17 / 31, 1.0, 10 / 31]),
        (dt.date(2024, 2, 1), dt.date(2024, 2, 29), [1.0]),  # a leap February
    ],
)
def test_month_shares(first: dt.date, last: dt.date, shares: list[float]) -> None:
    assert month_shares(first, last) == pytest.approx(shares)


def test_the_forecast_is_reproducible_byte_for_byte() -> None:
    runs = {predict_total([3, 5, 4], [1.0] * 3, [0.0, 1.0, 1.0, 1.0], 12, 30) for _ in range(3)}
    # three months of about 4 jobs, three more to come: about 24, at least the 12 there are
    assert runs == {Prediction(value=22, low=15, high=35, p_target=0.115, rate_now=3.519)}


def test_a_flat_series_of_zeros_gets_an_interval_of_non_zero_width() -> None:
    forecast = predict_total([0] * 12, YEAR, [0.0] + [1.0] * 36, 0, 30)
    # a year without a job: most likely (almost) none, but a few remain possible
    assert forecast == Prediction(value=1, low=0, high=38, p_target=0.033, rate_now=0.039)


def test_a_flat_series_gets_an_interval_around_its_constant_pace() -> None:
    forecast = predict_total([5] * 12, YEAR, [0.0] + [1.0] * 36, 60, 240)
    # 60 + 36 * 5 = 240 if the pace holds; the interval allows for a trend in either direction
    assert forecast == Prediction(value=234, low=73, high=520, p_target=0.479, rate_now=4.82)
    assert forecast.low < 240 < forecast.high


def test_a_series_of_one_month_gives_a_forecast() -> None:
    forecast = predict_total([4], [1.0], [0.0] + [1.0] * 47, 4, 30)
    assert forecast == Prediction(value=130, low=11, high=748, p_target=0.826, rate_now=2.888)


def test_a_series_of_one_day_gives_a_forecast() -> None:
    # the funding started on the as-of date (30 June): one job in 1/30 of a month
    forecast = predict_total([1], [1 / 30], [29 / 30] + [1.0] * 47, 1, 30)
    assert forecast == Prediction(value=104, low=7, high=1153, p_target=0.786, rate_now=2.71)


@pytest.mark.parametrize(
    "counts",
    [[0] * 12, [10, 8, 6, 4, 2, 0, 0, 0], [0, 0, 0, 0, 9], [3, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
)
def test_the_interval_never_lies_below_the_current_count(counts: list[int]) -> None:
    # jobs created up to a day never decrease, even where the trend falls to nothing
    current = 7 + sum(counts)
    forecast = predict_total(counts, [1.0] * len(counts), [0.0] + [1.0] * 40, current, 30)
    assert current <= forecast.low <= forecast.value <= forecast.high


def test_after_the_period_the_forecast_is_the_count() -> None:
    over = predict_total([3, 5, 4], [1.0] * 3, [], 12, 12)
    assert (over.value, over.low, over.high, over.p_target) == (12, 12, 12, 1.0)
    assert predict_total([3, 5, 4], [1.0] * 3, [], 12, 12.5).p_target == 0.0


def test_a_long_constant_history_gives_a_narrow_interval() -> None:
    # four years of 10 a month, one to go: 480 + 120 = 600, the Poisson spread about +-22
    forecast = predict_total([10] * 48, [1.0] * 48, [0.0, *YEAR], 480, 600)
    assert forecast == Prediction(value=599, low=567, high=632, p_target=0.489, rate_now=9.904)


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


def contract_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {field: row[field] for field in FORECAST_FIELDS}


@pytest.fixture()
def daily(
    warehouse: Callable[[dict[str, list[dict[str, Any]]]], duckdb.DuckDBPyConnection],
) -> duckdb.DuckDBPyConnection:
    # One external job a day from 1 July 2025 to D: six months without, then about 30 a month.
    return warehouse(
        {
            "companies": [COMPANY],
            "grants": [GRANT],
            "jobs": one_job_a_day(dt.date(2025, 7, 1), D),
            "targets": [
                {"kpi_id": "jobs_external_created", "due_on": "2026-12-31", "target_value": 549}
            ],
        }
    )


def test_jobs_forecast_through_the_registry(daily: duckdb.DuckDBPyConnection) -> None:
    rows = outlook(compute(daily, "jobs_forecast_end", as_of=D))
    external = rows["jobs_external_created"]
    # 365 jobs by D; 549 = 365 + 184 if one a day goes on to 31 December, 184 / 6 months
    # = 30.667 a month. The rate jumped from 0 to 30 within the history: the straight trend
    # through that step sees a rate still rising (about 41 a month now), so the forecast runs
    # above 549 and the interval is wide
    assert contract_fields(external) == {
        "end_on": dt.date(2026, 12, 31),
        "value": 655,
        "low": 465,
        "high": 928,
        "p_target": 0.846,
        "pace_required": 30.667,
        "pace_observed": 40.801,
        "status": "on_track",
    }
    assert {k: external[k] for k in ("current", "target", "months_observed", "months_left")} == {
        "current": 365,
        "target": 549.0,
        "months_observed": 18,  # January 2025 to June 2026
        "months_left": 6.0,
    }
    assert external["target_on_as_of"] == round(549 * 545 / 729, 3)
    # no project-related jobs and no target: a forecast near 0, no probability, no status
    related = rows["jobs_project_related_created"]
    assert contract_fields(related) == {
        "end_on": dt.date(2026, 12, 31),
        "value": 0,
        "low": 0,
        "high": 4,
        "p_target": None,
        "pace_required": None,
        "pace_observed": 0.022,
        "status": None,
    }


def test_jobs_forecast_after_and_before_the_period(daily: duckdb.DuckDBPyConnection) -> None:
    late = outlook(compute(daily, "jobs_forecast_end", as_of=dt.date(2027, 1, 31)))
    # the period is over: what was created by its end is the final figure, short of 549
    assert {
        k: late["jobs_external_created"][k]
        for k in ("value", "low", "high", "p_target", "pace_required", "status")
    } == {
        "value": 365,
        "low": 365,
        "high": 365,
        "p_target": 0.0,
        "pace_required": None,
        "status": "off_track",
    }
    early = outlook(compute(daily, "jobs_forecast_end", as_of=dt.date(2024, 12, 1)))
    # before the funding starts there is nothing to forecast from
    assert {
        k: early["jobs_external_created"][k]
        for k in ("value", "low", "high", "status", "months_observed", "pace_required")
    } == {
        "value": None,
        "low": None,
        "high": None,
        "status": None,
        "months_observed": 0,
        "pace_required": round(549 / (30 / 31 + 24), 3),  # from 2 December 2024
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
    con = warehouse({"companies": [COMPANY], "jobs": one_job_a_day(dt.date(2025, 7, 1), D)})
    external = outlook(compute(con, "jobs_forecast_end", as_of=D))["jobs_external_created"]
    # 30 days to go: about 30 jobs more
    assert {k: external[k] for k in ("end_on", "period_start", "months_left", "value")} == {
        "end_on": dt.date(2026, 7, 30),
        "period_start": dt.date(2025, 1, 1),
        "months_left": round(30 / 31, 3),
        "value": 401,
    }
    # a funding start in March leaves four months of history, March to June; the jobs before
    # it still count towards the total
    march = dt.date(2026, 3, 1)
    short = compute(con, "jobs_forecast_end", as_of=D, funding_period_start=march)
    external = outlook(short)["jobs_external_created"]
    assert (external["months_observed"], external["current"]) == (4, 365)
