"""Jobs target path and forecast: will the job promises be kept by the end of the funding period?

The method, its formulas, thresholds and limits are described in docs/FORECAST.md.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, get_args

import numpy as np

ForecastStatus = Literal["reached", "on_track", "moderately_off", "off_track", "insufficient_data"]
FORECAST_STATUSES: tuple[ForecastStatus, ...] = get_args(ForecastStatus)

MIN_OBSERVATIONS = 3  # a line through two points has no residuals to size an interval with
MODERATE_SHORTFALL = 0.10  # a forecast up to 10 % below the target is "moderately_off"
DECIMALS = 3  # forecasts are counts of jobs: more digits would only show rounding noise
DAYS_PER_MONTH = 365.25 / 12
# Two-sided 95 % quantiles of Student's t distribution by degrees of freedom (n - 2); beyond 30
# the normal quantile is close enough.
T_975 = (
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.160,
    2.145,
    2.131,
    2.120,
    2.110,
    2.101,
    2.093,
    2.086,
    2.080,
    2.074,
    2.069,
    2.064,
    2.060,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
)
T_975_NORMAL = 1.960


class Milestone(NamedTuple):
    """A target value due on a day (a row of `targets`, or a point of the target path)."""

    due_on: dt.date
    target_value: float


@dataclass(frozen=True)
class LinearForecast:
    """A linear trend extrapolated to a horizon, with its 95 % prediction interval."""

    value: float
    lower: float
    upper: float
    slope_per_day: float
    observations: int


def t_quantile(degrees_of_freedom: int) -> float:
    """The 97.5 % quantile of Student's t distribution (two-sided 95 %)."""
    if degrees_of_freedom < 1:
        raise ValueError("at least one degree of freedom is needed")
    if degrees_of_freedom > len(T_975):
        return T_975_NORMAL
    return T_975[degrees_of_freedom - 1]


def linear_forecast(
    days: Sequence[float], values: Sequence[float], horizon_days: float
) -> LinearForecast | None:
    """Least-squares line through (days, values), evaluated at `horizon_days`.

    `days` are the observations' offsets from the as-of date (0 = as_of, -30 = 30 days
    before); `horizon_days` is the forecast day's offset. None with fewer than
    MIN_OBSERVATIONS observations or all of them on one day.
    """
    x, y = np.asarray(days, dtype=float), np.asarray(values, dtype=float)
    n = len(x)
    if n < MIN_OBSERVATIONS:
        return None
    x_mean, y_mean = x.mean(), y.mean()
    sxx = float(((x - x_mean) ** 2).sum())
    if sxx == 0:
        return None
    slope = float(((x - x_mean) * (y - y_mean)).sum()) / sxx
    intercept = y_mean - slope * x_mean
    residuals = y - (intercept + slope * x)
    sd = math.sqrt(float((residuals**2).sum()) / (n - 2))
    value = intercept + slope * horizon_days
    half_width = t_quantile(n - 2) * sd * math.sqrt(1 + 1 / n + (horizon_days - x_mean) ** 2 / sxx)
    return LinearForecast(
        value=round(value, DECIMALS),
        lower=round(value - half_width, DECIMALS),
        upper=round(value + half_width, DECIMALS),
        slope_per_day=slope,
        observations=n,
    )


def target_path(milestones: Sequence[Milestone], start: dt.date) -> tuple[Milestone, ...]:
    """The cumulative target path: 0 on `start`, then straight lines through the milestones."""
    later = sorted(m for m in milestones if m.due_on > start)
    return (Milestone(start, 0.0), *(Milestone(m.due_on, float(m.target_value)) for m in later))


def target_on(path: Sequence[Milestone], day: dt.date) -> float:
    """The target path's value on `day`: 0 before its start, the last value after its end."""
    if day <= path[0].due_on:
        return path[0].target_value
    for before, after in itertools.pairwise(path):
        if day <= after.due_on:
            share = (day - before.due_on).days / (after.due_on - before.due_on).days
            value = before.target_value + share * (after.target_value - before.target_value)
            return round(value, DECIMALS)
    return path[-1].target_value


def status_of(
    current: float, forecast: float | None, final_target: float | None
) -> ForecastStatus | None:
    """Where a cumulative KPI stands against its final target; None without a target."""
    if final_target is None:
        return None
    if current >= final_target:
        return "reached"
    if forecast is None:
        return "insufficient_data"
    if forecast >= final_target:
        return "on_track"
    if forecast >= (1 - MODERATE_SHORTFALL) * final_target:
        return "moderately_off"
    return "off_track"


def _outlook(
    kpi_id: str,
    rows: list[dict[str, Any]],
    as_of: dt.date,
    milestones: Sequence[Milestone],
) -> dict[str, Any]:
    rows = sorted(rows, key=lambda row: row["day"])
    current = next(row["value"] for row in rows if row["month_offset"] == 0)
    start, end = rows[0]["period_start"], rows[0]["period_end"]
    horizon = (end - as_of).days
    if horizon <= 0:
        # The period is over: what has been created is the final figure.
        fit = LinearForecast(current, current, current, 0.0, len(rows))
    else:
        fit = linear_forecast(
            [(row["day"] - as_of).days for row in rows], [row["value"] for row in rows], horizon
        )
    final = milestones[-1] if milestones else None
    value = lower = upper = slope = None
    if fit is not None:
        # Jobs created up to a day never decrease: neither does their forecast.
        value, lower, upper = (max(v, current) for v in (fit.value, fit.lower, fit.upper))
        slope = round(fit.slope_per_day * DAYS_PER_MONTH, DECIMALS)
    return {
        "kpi_id": kpi_id,
        "value": value,
        "lower": lower,
        "upper": upper,
        "current": current,
        "target": final.target_value if final else None,
        "target_due_on": final.due_on if final else None,
        "target_on_as_of": target_on(target_path(milestones, start), as_of),
        "status": status_of(current, value, final.target_value if final else None),
        "slope_per_month": slope,
        "observations": len(rows),
        "period_start": start,
        "period_end": end,
    }


def jobs_forecast(
    series: list[dict[str, Any]],
    params: Mapping[str, Any],
    milestones: Mapping[str, tuple[Milestone, ...]],
) -> list[dict[str, Any]]:
    """The rows of KPI jobs_forecast_end from its SQL's monthly cumulative series.

    `series` has per kpi_id the cumulative count (`value`) on the as-of date and on the same
    day of earlier months (`day`, `month_offset`), and the funding period.
    """
    by_kpi: dict[str, list[dict[str, Any]]] = {}
    for row in series:
        by_kpi.setdefault(row["kpi_id"], []).append(row)
    return [
        _outlook(kpi_id, rows, params["as_of"], milestones.get(kpi_id, ()))
        for kpi_id, rows in by_kpi.items()
    ]
