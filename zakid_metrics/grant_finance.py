"""The finance figures of one grant, or of the joint project (all grants), summed from the
finance KPIs' breakdowns: approved, planned, spent, drawn, idle, the next report due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from zakid_metrics.contract import COST_CATEGORIES


def of_grant(frame: pd.DataFrame, grant: str | None) -> pd.DataFrame:
    """The rows of `grant`; every row for the joint project (None)."""
    return frame if grant is None else frame[frame["grant_id"] == grant]


@dataclass(frozen=True)
class GrantTotals:
    """The sums of one grant, or of the joint project."""

    approved: Any  # funds_drawn: approved_eur
    planned: Any  # budget_utilisation: planned_eur
    spent: Any  # budget_utilisation: spent_eur
    drawn: Any  # funds_drawn: value
    pending: Any  # funds_drawn: pending_eur
    idle: Any  # idle_funds: value
    idle_disbursements: int  # disbursements with idle funds
    idle_days: int  # the longest idle time, 0 without idle funds
    ends_on: dt.date  # the grant's end; the last grant's end for the joint project


def grant_totals(
    funds: pd.DataFrame,
    lines: pd.DataFrame,
    idle: pd.DataFrame,
    grants: pd.DataFrame,
    grant: str | None,
) -> GrantTotals:
    """The totals of `grant` (None: the joint project) from the rows of_grant() left of the
    breakdowns of funds_drawn (`funds`), budget_utilisation (`lines`) and idle_funds (`idle`);
    `grants` is the grants table indexed by grant_id."""
    end = grants["ends_on"].max() if grant is None else grants.loc[grant, "ends_on"]
    return GrantTotals(
        approved=funds["approved_eur"].sum(),
        planned=lines["planned_eur"].sum(),
        spent=lines["spent_eur"].sum(),
        drawn=funds["value"].sum(),
        pending=funds["pending_eur"].sum(),
        idle=idle["value"].sum(),
        idle_disbursements=len(idle),
        idle_days=int(idle["days_idle"].max()) if len(idle) else 0,
        ends_on=end.date() if isinstance(end, dt.datetime) else end,
    )


def next_report(due: pd.DataFrame) -> pd.Series | None:
    """The report due first among the rows of reports_due; None when none is due."""
    first = due.sort_values("due_on").head(1)
    return None if first.empty else first.iloc[0]


def category_shares(lines: pd.DataFrame) -> pd.DataFrame:
    """Planned and spent per cost category (`category`, `planned_eur`, `spent_eur`, `share`),
    in contract order, for the categories with a plan or spending; `share` is spent over
    planned, None without a plan."""
    by_category = (
        lines.groupby("category")[["planned_eur", "spent_eur"]]
        .sum()
        .reindex(COST_CATEGORIES)
        .dropna()
    )
    by_category = by_category[by_category["planned_eur"].gt(0) | by_category["spent_eur"].ne(0)]
    frame = by_category.reset_index()
    frame["share"] = [
        float(spent) / float(planned) if planned else None
        for planned, spent in zip(frame["planned_eur"], frame["spent_eur"], strict=True)
    ]
    return frame


def flagged_lines(deviation: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The budget lines over plan (rows of budget_line_deviation flagged), and how many of
    them the grant as a whole offsets (`grant_within_plan`)."""
    flagged = deviation[deviation["flagged"].fillna(False).astype(bool)]
    return flagged, int(flagged["grant_within_plan"].fillna(False).astype(bool).sum())
