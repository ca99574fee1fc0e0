"""The days the published data speaks about, and the funding period: the app's date pickers and
the `kpis` command take their limits and defaults from here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from zakid_metrics.settings import get_settings


@dataclass(frozen=True)
class DateBounds:
    """The days the published data speaks about, and the funding period."""

    first: dt.date  # the earliest event in the data (a company joined, a job was created, ...)
    last: dt.date  # the latest event, or the latest delivery if that is later
    period_start: dt.date
    period_end: dt.date

    @property
    def earliest_as_of(self) -> dt.date:
        """The first day a KPI can be asked for: the data's first day or the funding start."""
        return min(self.first, self.period_start)


# Event dates: what happened on a day, as opposed to planned ones (ends_on, due dates).
EVENT_DATES = (
    ("companies", "joined_on"),
    ("projects", "started_on"),
    ("jobs", "created_on"),
    ("deployments", "went_live_on"),
    ("sdg_contributions", "reported_on"),
    ("expenditures", "paid_on"),
    ("disbursements", "received_on"),
    ("grants", "decided_on"),
)


def date_bounds(con: duckdb.DuckDBPyConnection, today: dt.date) -> DateBounds:
    """First and last day of the data on `con` and the funding period (the grants', else the
    settings'); without any event, `today` is both first and last day."""
    settings = get_settings()
    events = " UNION ALL ".join(
        f"SELECT min({column}) AS first, max({column}) AS last FROM {table}"
        for table, column in EVENT_DATES
    )
    ((first, last, loaded_at, period_start, period_end),) = con.execute(
        f"SELECT (SELECT min(first) FROM ({events})), (SELECT max(last) FROM ({events})), "
        "(SELECT max(last_loaded_at) FROM entity_status), "
        "(SELECT min(starts_on) FROM grants), (SELECT max(ends_on) FROM grants)"
    ).fetchall()
    first = first or today
    loaded_on = _local_day(loaded_at, settings.timezone)
    return DateBounds(
        first=first,
        last=max(day for day in (last, loaded_on, first) if day is not None),
        period_start=period_start or settings.funding_period_start,
        period_end=period_end or settings.funding_period_end,
    )


def _local_day(value: Any, timezone: str) -> dt.date | None:
    """The day of a UTC timestamp (stored without zone) in the display time zone."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(timezone)).date()
