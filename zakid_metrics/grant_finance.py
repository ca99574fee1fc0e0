"""The Finanzen page's figures as tables: a funder report's figures (funding.report_figures) of
one grant, or of every grant for the joint project, rounded to the cent as the report rounds
them; which reports a grant has and when they are due. Nothing here applies a rule: the rules
are zakid_metrics.funding's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import pandas as pd

from zakid_metrics.contract import final_report_due
from zakid_metrics.funding import (
    FundingFigures,
    GrantFacts,
    ReportKind,
    cents,
    interim_due_on,
)

Choice = tuple[ReportKind, int | None]  # ("interim", year) or ("final", None)


def report_choices(grants: Sequence[GrantFacts], as_of: dt.date) -> list[Choice]:
    """The reports one can look at on `as_of`: an interim report for each calendar year of a
    grant that has begun by then and is not its last (the final report covers that one), and,
    for a single grant that has ended, its final report."""
    years = sorted(
        {
            year
            for grant in grants
            if grant.starts_on <= as_of
            for year in range(grant.starts_on.year, min(grant.ends_on.year, as_of.year) + 1)
            if dt.date(year, 12, 31) < grant.ends_on
        }
    )
    choices: list[Choice] = [("interim", year) for year in years]
    if len(grants) == 1 and grants[0].ends_on <= as_of:
        choices.append(("final", None))
    return choices


def default_choice(choices: Sequence[Choice], as_of: dt.date) -> Choice | None:
    """The interim report of the last completed calendar year; else the final report, else
    the latest interim report; None when there is no report to show."""
    last_year = ("interim", as_of.year - 1)
    if last_year in choices:
        return last_year  # type: ignore[return-value]
    if ("final", None) in choices:
        return "final", None
    return choices[-1] if choices else None


def lines_frame(figures: FundingFigures) -> pd.DataFrame:
    """The Einzelansätze: plan and eligible actuals (cumulative), the period's own, the
    deviation in percent (none without a plan) and the status."""
    return pd.DataFrame(
        {
            "category": [line.category for line in figures.lines],
            "planned_eur": [cents(line.planned_eur) for line in figures.lines],
            "actual_eur": [cents(line.actual_eur) for line in figures.lines],
            "period_actual_eur": [cents(line.period_actual_eur) for line in figures.lines],
            "deviation_percent": pd.array(
                [
                    None if line.deviation_share is None else float(line.deviation_share * 100)
                    for line in figures.lines
                ],
                dtype="Float64",
            ),
            "status": [line.status for line in figures.lines],
        },
    )


def revenues_frame(figures: FundingFigures) -> pd.DataFrame:
    """Deckungsmittel per kind: planned and actual (none where not known yet)."""
    lines = figures.revenues.lines
    return pd.DataFrame(
        {
            "kind": [line.kind for line in lines],
            "planned_eur": [cents(line.planned_eur) for line in lines],
            "known_actual_eur": [
                None if line.actual_eur is None else cents(line.actual_eur) for line in lines
            ],
        },
    )


def idle_frame(figures: FundingFigures) -> pd.DataFrame:
    """The idle parts: amount, received, used (none: not yet), days idle and interest."""
    return _interest_frame(
        figures.idle_funds, ("disbursement_id", "amount_eur", "received_on", "used_on", "days_idle")
    )


def premature_frame(figures: FundingFigures) -> pd.DataFrame:
    """The premature calls: excess, received, covered (none: not yet), days and interest."""
    calls = figures.premature_calls
    return _interest_frame(
        calls, ("disbursement_id", "excess_eur", "received_on", "covered_on", "days_until_covered")
    )


def _interest_frame(items: Sequence[object], columns: Sequence[str]) -> pd.DataFrame:
    """Parts of calls that owe interest: a column per attribute of `items` named in `columns`,
    then their interest; amounts (`…_eur`) in cents as the reports round them, day counts
    (`days_…`) as whole numbers."""

    def column(name: str) -> Any:
        values = [getattr(item, name) for item in items]
        if name.endswith("_eur"):
            return [cents(value) for value in values]
        if name.startswith("days_"):
            return pd.array(values, dtype="Int64")
        return values

    return pd.DataFrame({name: column(name) for name in (*columns, "interest_eur")})


# The figures of a report summed over grants, each rounded once as the report rounds it.
SUMMED = ("total_planned_eur", "total_actual_eur", "grant_share_eur", "received_eur")


def summary(figures: FundingFigures) -> dict[str, Decimal | None]:
    """A report's headline figures: plan and eligible actuals (cumulative), grant share of the
    period, received, refund due (final report only) and interest (idle and premature)."""
    return {
        **{name: cents(getattr(figures, name)) for name in SUMMED},
        "refund_due_eur": None if figures.refund_due_eur is None else cents(figures.refund_due_eur),
        "interest_eur": cents(figures.interest_eur),
    }


def joint_frame(reports: Mapping[str, FundingFigures]) -> pd.DataFrame:
    """One row per grant with its summary and its Einzelansätze over 20 %, then the total."""
    rows = [
        {
            "grant_id": grant_id,
            "regime": figures.grant.regime,
            **summary(figures),
            "lines_over_20": sum(line.status == "over_20" for line in figures.lines),
        }
        for grant_id, figures in reports.items()
    ]
    if rows:
        total: dict[str, object] = {"grant_id": None, "regime": None}
        for name in (*SUMMED, "refund_due_eur", "interest_eur", "lines_over_20"):
            values = [row[name] for row in rows if row[name] is not None]
            total[name] = sum(values) if values else None  # type: ignore[arg-type]
        rows.append(total)
    return pd.DataFrame(rows)


def reports_due(grant: GrantFacts, as_of: dt.date) -> pd.DataFrame:
    """The grant's reports due on or after `as_of`: interim reports on 30 April after each
    calendar year but its last (funding.interim_due_on), the final report by
    contract.final_report_due; with the days left."""
    due = [
        ("interim", dt.date(year, 12, 31), interim_due_on(year))
        for year in range(grant.starts_on.year, grant.ends_on.year)
    ]
    due.append(("final", grant.ends_on, final_report_due(grant.ends_on)))
    upcoming = [(kind, end, on) for kind, end, on in due if on >= as_of]
    return pd.DataFrame(
        {
            "report_type": [kind for kind, _, _ in upcoming],
            "period_to": [end for _, end, _ in upcoming],
            "due_on": [on for _, _, on in upcoming],
            "days_left": pd.array([(on - as_of).days for _, _, on in upcoming], dtype="Int64"),
        },
    )
