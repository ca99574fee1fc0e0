"""The sample's calendar: its export date, the grant period and the day arithmetic on them."""

from __future__ import annotations

import datetime as dt

SAMPLE_AS_OF = dt.date(2026, 11, 20)
"""Export date of the sample delivery: everything is generated relative to it."""
GRANT_START = dt.date(2024, 6, 1)
GRANT_END = dt.date(2028, 5, 31)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    return add_months(day, 1) - days(1)


def workdays(first: dt.date, last: dt.date) -> list[dt.date]:
    return [
        first + days(n) for n in range((last - first).days + 1) if (first + days(n)).weekday() < 5
    ]


def last_workday(month: dt.date) -> dt.date:
    return workdays(month, month_end(month))[-1]


def workday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += days(1)
    return day
