"""Jobs target path and forecast: will the job promises be kept by the end of the funding period?

The method, its priors, thresholds and limits are described in docs/FORECAST.md.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, get_args

import numpy as np

ForecastStatus = Literal["on_track", "at_risk", "off_track"]
FORECAST_STATUSES: tuple[ForecastStatus, ...] = get_args(ForecastStatus)
# The forecast object of `kpis --json` (docs/CONTRACT.md section 1): these columns of a row.
FORECAST_FIELDS = (
    "end_on",
    "value",
    "low",
    "high",
    "p_target",
    "pace_required",
    "pace_observed",
    "status",
)

# Status from the probability of reaching the target: at least ON_TRACK is on track, at least
# AT_RISK at risk, below it off track (docs/FORECAST.md says why).
ON_TRACK = 0.8
AT_RISK = 0.3
DECIMALS = 3  # paces and probabilities: more digits would only show Monte Carlo noise
INTERVAL = (0.025, 0.975)  # the 95 % prediction interval's quantiles

# Weak priors (docs/FORECAST.md). The monthly rate at the history's centre ~ Gamma(shape 0.5,
# rate 0.5 months): about one job a month, spread over orders of magnitude. The trend (change
# of the rate per month, as a share of that rate) ~ Normal(0, TREND_PRIOR_SD). The
# overdispersion kappa (variance = mean + kappa * mean^2) takes the values of DISPERSION_GRID
# with log-normal prior weights around DISPERSION_PRIOR_MEDIAN.
RATE_PRIOR_SHAPE = 0.5
RATE_PRIOR_MONTHS = 0.5
TREND_PRIOR_SD = 0.06
DISPERSION_GRID = np.geomspace(1e-3, 10.0, 9)
DISPERSION_PRIOR_MEDIAN = 0.02
DISPERSION_PRIOR_LOG_SD = 3.0
# Below FLOOR times the centre's rate the straight line bends into an exponential decay, so
# that a falling trend approaches zero instead of crossing it.
FLOOR = 0.1
DRAWS = 2000
MAX_MONTHLY_RATE = 1e6  # keeps extreme draws finite; far beyond any quantile reported
NEWTON_STEPS = 50
TOLERANCE = 1e-7  # on the parameters: far below their posterior spread


class Milestone(NamedTuple):
    """A target value due on a day (a row of `targets`, or a point of the target path)."""

    due_on: dt.date
    target_value: float


@dataclass(frozen=True)
class Prediction:
    """The predictive distribution of a cumulative count at the end of the period, summarised."""

    value: int  # median
    low: int  # 2.5 % quantile
    high: int  # 97.5 % quantile
    p_target: float | None  # P(count >= target); None without a target
    rate_now: float  # fitted monthly rate in the as-of month (median over the posterior)


@dataclass(frozen=True)
class _Fit:
    """The Laplace approximation of the posterior of (a, b) for one overdispersion kappa."""

    mode: np.ndarray
    covariance: np.ndarray
    log_evidence: float  # log p(counts | kappa), Laplace-approximated


def _trend(b: Any, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """log h(1 + b x), the trend factor of the rate, and its first and second derivative in b.

    h(z) = z down to FLOOR, below it FLOOR * exp((z - FLOOR) / FLOOR): positive, smooth.
    """
    z = 1.0 + b * x
    above = z >= FLOOR
    clipped = np.maximum(z, FLOOR)
    first = x / clipped
    log_h = np.where(above, np.log(clipped), math.log(FLOOR) + (z - FLOOR) / FLOOR)
    return log_h, first, np.where(above, -(first**2), 0.0)


def _fit(
    y: np.ndarray, exposure: np.ndarray, x: np.ndarray, kappa: float, start: np.ndarray
) -> _Fit:
    """Posterior mode of (a, b), rate exp(a) * h(1 + b x), by Newton's method, and its Laplace
    approximation (covariance = inverse of the information at the mode)."""
    r = 1.0 / kappa
    log_exposure = np.log(exposure)

    def objective(theta: np.ndarray) -> float:
        mu = np.exp(log_exposure + theta[0] + _trend(theta[1], x)[0])
        log_lik = (r * np.log(r / (r + mu)) + y * np.log(mu / (r + mu))).sum()
        log_prior = RATE_PRIOR_SHAPE * theta[0] - RATE_PRIOR_MONTHS * math.exp(theta[0])
        return -float(log_lik + log_prior - 0.5 * (theta[1] / TREND_PRIOR_SD) ** 2)

    def derivatives(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Gradient of the log posterior and its information (minus the Hessian); where that
        is not positive definite, the expected (Fisher) information instead."""
        log_h, d1, d2 = _trend(theta[1], x)
        mu = np.exp(log_exposure + theta[0] + log_h)
        rate = math.exp(theta[0])
        score = r * (y - mu) / (r + mu)  # d log-likelihood / d log mu, per month
        gradient = np.array(
            [
                score.sum() + RATE_PRIOR_SHAPE - RATE_PRIOR_MONTHS * rate,
                (score * d1).sum() - theta[1] / TREND_PRIOR_SD**2,
            ]
        )
        for weight, curvature in (
            (r * mu * (r + y) / (r + mu) ** 2, score),
            (r * mu / (r + mu), 0),
        ):
            cross = (weight * d1).sum()
            information = np.array(
                [
                    [weight.sum() + RATE_PRIOR_MONTHS * rate, cross],
                    [cross, (weight * d1**2 - curvature * d2).sum() + TREND_PRIOR_SD**-2],
                ]
            )
            if information[1, 1] > 0 and np.linalg.det(information) > 0:
                break
        return gradient, information

    theta, current = start, objective(start)
    for _ in range(NEWTON_STEPS):
        gradient, information = derivatives(theta)
        step = np.linalg.solve(information, gradient)
        candidate = theta + step
        value = objective(candidate)
        while value > current and np.abs(step).max() > TOLERANCE:
            step = step / 2
            candidate = theta + step
            value = objective(candidate)
        theta, current = candidate, value
        if np.abs(step).max() < TOLERANCE:
            break
    information = derivatives(theta)[1]
    constant = sum(math.lgamma(v + r) - math.lgamma(r) - math.lgamma(v + 1) for v in y)
    evidence = constant - current + math.log(2 * math.pi) - 0.5 * np.linalg.slogdet(information)[1]
    return _Fit(theta, np.linalg.inv(information), evidence)


def _seed(*parts: object) -> int:
    """A seed derived from the inputs: the same inputs give the same draws, byte for byte."""
    digest = hashlib.sha256(repr(parts).encode()).digest()
    return int.from_bytes(digest[:8], "little")


def predict_total(
    counts: Sequence[int],
    exposure: Sequence[float],
    future_exposure: Sequence[float],
    current: int,
    target: float | None,
) -> Prediction:
    """The count at the end of the period: `current` plus the new jobs of the future months.

    `counts` are the new jobs of each calendar month since the funding start, the last one
    the as-of month; `exposure` the share of each month observed (0 < e <= 1).
    `future_exposure` is the share still to come of the as-of month (0 when as_of is its last
    day) and of each month after it up to the end of the period.
    """
    y = np.asarray(counts, dtype=float)
    e = np.asarray(exposure, dtype=float)
    f = np.asarray(future_exposure, dtype=float)
    # months relative to the as-of month (0), centred on the history's exposure-weighted mean
    x = np.arange(len(y), dtype=float) - (len(y) - 1)
    centre = float((x * e).sum() / e.sum())
    start = np.array([math.log((y.sum() + RATE_PRIOR_SHAPE) / (e.sum() + RATE_PRIOR_MONTHS)), 0.0])
    fits = []
    for kappa in DISPERSION_GRID:
        fits.append(_fit(y, e, x - centre, kappa, start))
        start = fits[-1].mode
    log_prior = (
        -0.5 * (np.log(DISPERSION_GRID / DISPERSION_PRIOR_MEDIAN) / DISPERSION_PRIOR_LOG_SD) ** 2
    )
    log_weight = np.array([fit.log_evidence for fit in fits]) + log_prior
    weight = np.exp(log_weight - log_weight.max())
    rng = np.random.default_rng(_seed(counts, exposure, future_exposure, current))
    which = rng.choice(len(fits), size=DRAWS, p=weight / weight.sum())
    modes = np.array([fit.mode for fit in fits])
    roots = np.linalg.cholesky(np.array([fit.covariance for fit in fits]))
    theta = modes[which] + np.einsum("nij,nj->ni", roots[which], rng.standard_normal((DRAWS, 2)))
    a, b = theta[:, [0]], theta[:, [1]]
    rate_now = np.exp(a + _trend(b, np.array([-centre]))[0])
    log_rate = a + _trend(b, np.arange(len(f), dtype=float) - centre)[0]
    mu = f * np.exp(np.minimum(log_rate, math.log(MAX_MONTHLY_RATE)))
    shape = 1.0 / DISPERSION_GRID[which][:, None]
    # negative binomial months as gamma-mixed Poisson: one Poisson draw for their sum
    total = current + rng.poisson(rng.gamma(shape, mu / shape).sum(axis=1))
    low, value, high = np.quantile(total, (INTERVAL[0], 0.5, INTERVAL[1]), method="inverted_cdf")
    return Prediction(
        value=int(value),
        low=int(low),
        high=int(high),
        p_target=None if target is None else round(float((total >= target).mean()), DECIMALS),
        rate_now=round(float(np.median(rate_now)), DECIMALS),
    )


def status_of(p_target: float | None) -> ForecastStatus | None:
    """The status from the probability of reaching the target; None without a target."""
    if p_target is None:
        return None
    if p_target >= ON_TRACK:
        return "on_track"
    if p_target >= AT_RISK:
        return "at_risk"
    return "off_track"


def pace_required(current: float, target: float | None, months_left: float) -> float | None:
    """Jobs per month still needed to reach `target` by the end; None without a target or time."""
    if target is None:
        return None
    if current >= target:
        return 0.0
    if months_left <= 0:
        return None
    return round((target - current) / months_left, DECIMALS)


def month_shares(first: dt.date, last: dt.date) -> list[float]:
    """The share of each calendar month from `first`'s to `last`'s that lies in [first, last]."""
    shares = []
    month = first.replace(day=1)
    while month <= last:
        days = calendar.monthrange(month.year, month.month)[1]
        end = month.replace(day=days)
        shares.append(((min(end, last) - max(month, first)).days + 1) / days)
        month = end + dt.timedelta(days=1)
    return shares


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


def _outlook(
    kpi_id: str,
    rows: list[dict[str, Any]],
    as_of: dt.date,
    milestones: Sequence[Milestone],
) -> dict[str, Any]:
    start, end, current = rows[0]["period_start"], rows[0]["period_end"], rows[0]["current"]
    months = sorted((row for row in rows if row["month"] is not None), key=lambda r: r["month"])
    # jobs created by as_of, or by the end of the period once it is over
    created = rows[0]["before_start"] + sum(row["new_jobs"] for row in months)
    target = target_on(target_path(milestones, start), end) if milestones else None
    future: list[float] = []
    if as_of < end:
        future = month_shares(as_of + dt.timedelta(days=1), end)
        if as_of.month != (as_of + dt.timedelta(days=1)).month:
            future.insert(0, 0.0)  # nothing of the as-of month is left
    months_left = round(sum(future), DECIMALS)
    row: dict[str, Any] = {
        "kpi_id": kpi_id,
        "end_on": end,
        "value": None,
        "low": None,
        "high": None,
        "p_target": None,
        "pace_required": pace_required(created, target, months_left),
        "pace_observed": None,
        "status": None,
        "current": current,
        "target": target,
        "target_on_as_of": target_on(target_path(milestones, start), as_of) if milestones else None,
        "months_observed": len(months),
        "months_left": months_left,
        "period_start": start,
    }
    if not months:
        return row  # as_of lies before the funding period: nothing observed to forecast from
    prediction = predict_total(
        [row["new_jobs"] for row in months],
        [
            ((row["last_day"] - row["first_day"]).days + 1)
            / calendar.monthrange(row["month"].year, row["month"].month)[1]
            for row in months
        ],
        future,
        created,
        target,
    )
    return row | {
        "value": prediction.value,
        "low": prediction.low,
        "high": prediction.high,
        "p_target": prediction.p_target,
        "pace_observed": prediction.rate_now,
        "status": status_of(prediction.p_target),
    }


def jobs_forecast(
    series: list[dict[str, Any]],
    params: Mapping[str, Any],
    milestones: Mapping[str, tuple[Milestone, ...]],
) -> list[dict[str, Any]]:
    """The rows of KPI jobs_forecast_end from its SQL's monthly series of new jobs.

    `series` has per kpi_id and calendar month since the funding start the new jobs
    (`new_jobs`) created between `first_day` and `last_day` (the month's part within the
    period and up to as_of), and per kpi_id the jobs created before the period (`before_start`),
    the count on as_of (`current`) and the period (`period_start`, `period_end`).
    """
    by_kpi: dict[str, list[dict[str, Any]]] = {}
    for row in series:
        by_kpi.setdefault(row["kpi_id"], []).append(row)
    return [
        _outlook(kpi_id, rows, params["as_of"], milestones.get(kpi_id, ()))
        for kpi_id, rows in by_kpi.items()
    ]
