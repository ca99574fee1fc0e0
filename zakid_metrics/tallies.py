"""Counts the pages show: by a dimension in the contract's order of its values, zeros included,
and running counts over time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd

JOB_CATEGORIES = ("project_related", "external")


def counts(values: pd.Series, order: Sequence[Any], column: str) -> pd.DataFrame:
    """How often each of `order` occurs in `values`: columns `column` and `value`, in `order`."""
    found = values.value_counts()
    return pd.DataFrame(
        {column: list(order), "value": [int(found.get(item, 0)) for item in order]}
    ).astype({"value": "int64"})


def in_order(
    breakdown: pd.DataFrame, column: str, order: Sequence[Any], values: Sequence[str] = ("value",)
) -> pd.DataFrame:
    """A KPI breakdown's rows for each of `order` (by `column`), in that order: `column` and
    `values` (int64), zeros where `order` has an item the breakdown lacks."""
    frame = pd.DataFrame({column: list(order)}).merge(breakdown, on=column, how="left")
    return frame[[column, *values]].fillna(0).astype(dict.fromkeys(values, "int64"))


def counts_by_company(
    rows: pd.DataFrame, companies: pd.DataFrame, attribute: str, order: Sequence[Any]
) -> pd.DataFrame:
    """How many of `rows` (with a `company_id`) belong to companies of each `attribute` value
    in `order` (e.g. jobs by their company's size class)."""
    of_company = rows["company_id"].map(companies.set_index("company_id")[attribute])
    return counts(of_company, order, attribute)


def running_count(days: pd.Series, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The number of events up to each day (`day`, `value`): 0 on `start` (or on the first
    event, if earlier), then each event day, and the total on `end`."""
    per_day = days.value_counts().sort_index().cumsum()
    first = min([start, *per_day.index[:1]])
    frame = pd.DataFrame(
        {"day": [first, *per_day.index, end], "value": [0, *per_day.tolist(), len(days)]}
    )
    return frame.drop_duplicates("day", keep="last").reset_index(drop=True)


def jobs_trajectory(jobs: pd.DataFrame, as_of: dt.date, period_start: dt.date) -> pd.DataFrame:
    """Created jobs per category (`category`, `day`, `value`) counted up to `as_of`, from the
    jobs' rows (`category`, `created_on`); each category starts on the funding period's start
    (or its first job, if earlier) and ends on `as_of`, so the line covers the time shown."""
    parts = [
        running_count(
            jobs.loc[jobs["category"] == category, "created_on"], period_start, as_of
        ).assign(category=category)
        for category in JOB_CATEGORIES
    ]
    frame = pd.concat(parts, ignore_index=True)[["category", "day", "value"]]
    return frame.astype({"value": "Int64"})
