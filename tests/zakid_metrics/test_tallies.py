"""Counts in the contract's order with zeros, and the running count of created jobs."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from zakid_metrics.contract import SIZE_CLASSES
from zakid_metrics.tallies import counts, counts_by_company, in_order, jobs_trajectory

D = dt.date


def test_counts_follow_the_order_with_zeros_and_ignore_other_values() -> None:
    frame = counts(pd.Series(["small", "micro", "small", None, "unknown"]), SIZE_CLASSES, "size")
    assert frame.to_dict("list") == {
        "size": ["micro", "small", "medium", "large"],
        "value": [1, 2, 0, 0],
    }
    assert frame["value"].dtype == "int64"


def test_in_order_fills_missing_items_and_drops_the_total_row() -> None:
    breakdown = pd.DataFrame(
        {
            "size_class": ["large", "micro", None],
            "value": pd.array([2, 5, 7], dtype="Int64"),
            "by_headcount_only": pd.array([None, 1, 1], dtype="Int64"),
            "share": [0.3, 0.7, 1.0],
        }
    )
    frame = in_order(breakdown, "size_class", SIZE_CLASSES, ("value", "by_headcount_only"))
    assert frame.to_dict("list") == {
        "size_class": ["micro", "small", "medium", "large"],
        "value": [5, 0, 0, 2],
        "by_headcount_only": [1, 0, 0, 0],
    }
    assert frame.dtypes.tolist()[1:] == ["int64", "int64"]


def test_counts_by_company_takes_the_attribute_of_each_rows_company() -> None:
    jobs = pd.DataFrame(
        {"job_id": ["J1", "J2", "J3", "J4"], "company_id": ["C1", "C2", "C1", "C9"]}
    )
    companies = pd.DataFrame({"company_id": ["C1", "C2"], "size_class": ["medium", "micro"]})
    frame = counts_by_company(jobs, companies, "size_class", SIZE_CLASSES)
    assert frame["value"].tolist() == [1, 0, 2, 0]  # C9 is no known company: not counted


def test_jobs_trajectory_runs_from_the_period_start_to_the_as_of_date() -> None:
    jobs = pd.DataFrame(
        {
            "category": ["external", "external", "project_related", "external"],
            "created_on": [D(2025, 3, 1), D(2025, 3, 1), D(2024, 5, 2), D(2025, 9, 30)],
        }
    )
    frame = jobs_trajectory(jobs, as_of=D(2025, 9, 30), period_start=D(2024, 6, 1))
    assert frame.to_dict("list") == {
        "category": ["project_related"] * 2 + ["external"] * 3,
        # project_related: its first job (2 May 2024) is before the period: the line starts there
        "day": [D(2024, 5, 2), D(2025, 9, 30), D(2024, 6, 1), D(2025, 3, 1), D(2025, 9, 30)],
        "value": [1, 1, 0, 2, 3],
    }
    assert frame["value"].dtype == "Int64"


def test_jobs_trajectory_without_jobs_is_flat_at_zero() -> None:
    jobs = pd.DataFrame({"category": [], "created_on": []})
    frame = jobs_trajectory(jobs, as_of=D(2025, 9, 30), period_start=D(2024, 6, 1))
    assert frame["day"].tolist() == [D(2024, 6, 1), D(2025, 9, 30)] * 2
    assert frame["value"].tolist() == [0, 0, 0, 0]
