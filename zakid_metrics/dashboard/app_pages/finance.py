"""Finanzen: per grant and for the joint project: approved, planned, spent, drawn, idle, due."""

import pandas as pd
import streamlit as st

from zakid_metrics import charts
from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components.choice import select_one
from zakid_metrics.dashboard.components.figures import show_chart
from zakid_metrics.dashboard.components.page import kpi_page
from zakid_metrics.dashboard.components.reports import reports_panel
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.dashboard.components.tiles import format_value
from zakid_metrics.grant_finance import (
    category_shares,
    flagged_lines,
    grant_totals,
    next_report,
    of_grant,
)
from zakid_metrics.i18n import format_date, format_number, t
from zakid_metrics.kpis import Milestone

page = kpi_page("finance")
lang, results, tile = page.lang, page.results, page.tile
if page.missing(["grants"]):
    st.stop()
page.missing(["budget", "expenditures", "disbursements"])

grants = data.entity_rows("grants").sort_values("grant_id").set_index("grant_id")
grant = select_one(
    t("finance.grant", lang),
    [None, *grants.index],
    key="finance.grant",
    lang=lang,
    format_func=lambda g: (
        t("finance.joint_project", lang) if g is None else f"{g} · {grants.loc[g, 'recipient']}"
    ),
)


def euros(value: object) -> str:
    return format_value(value, "eur", lang)


drawn_kpi = results["funds_drawn"]
utilisation = results["budget_utilisation"]
idle_kpi = results["idle_funds"]
reports = results["reports_due"]
funds = of_grant(drawn_kpi.breakdown, grant)
lines = of_grant(utilisation.breakdown, grant)
idle = of_grant(idle_kpi.breakdown, grant)
totals = grant_totals(funds, lines, idle, grants, grant)
approved, planned, end = totals.approved, totals.planned, totals.ends_on

if grant is None:
    st.caption(t("finance.joint_caption", lang, grants=format_number(len(grants), lang)))
else:
    row = grants.loc[grant]
    st.caption(
        t(
            "finance.grant_caption",
            lang,
            sub_project=row["sub_project"],
            programme=row["programme"],
            regime=row["regime"],
            rate=format_number(float(row["funding_rate"]) * 100, lang, 0),
            starts=format_date(pd.Timestamp(row["starts_on"]).date(), lang),
            ends=format_date(pd.Timestamp(row["ends_on"]).date(), lang),
        )
    )


first, second = st.columns(4), st.columns(4)
with first[0]:
    tile(
        drawn_kpi,
        key="approved",
        label=t("finance.approved", lang),
        value=approved,
        unit="eur",
        targeted=False,
    )
with first[1]:
    tile(
        utilisation,
        key="planned",
        label=t("finance.planned", lang),
        value=planned,
        unit="eur",
        targeted=False,
        note=t("finance.planned_note", lang),
    )
with first[2]:
    tile(
        utilisation,
        key="spent",
        label=t("finance.spent", lang),
        value=totals.spent,
        unit="eur",
        final=Milestone(end, float(planned)) if planned else None,
        target_text=t("finance.of_planned", lang, planned=euros(planned)),
    )
with first[3]:
    tile(
        drawn_kpi,
        key="drawn",
        label=t("finance.drawn", lang),
        value=totals.drawn,
        unit="eur",
        final=Milestone(end, float(approved)) if approved else None,
        target_text=t("finance.of_approved", lang, approved=euros(approved)),
        note=t("finance.pending", lang, pending=euros(totals.pending)) if totals.pending else None,
    )
with second[0]:
    tile(
        idle_kpi,
        key="idle",
        label=t("finance.idle", lang),
        value=totals.idle,
        unit="eur",
        targeted=False,
        note=t(
            "finance.idle_note",
            lang,
            disbursements=format_number(totals.idle_disbursements, lang),
            days=format_number(totals.idle_days, lang),
        ),
    )

with second[1]:
    report = next_report(of_grant(reports.breakdown, grant))
    if report is None:
        tile(reports, key="next_report", label=t("finance.next_report", lang), targeted=False)
    else:
        tile(
            reports,
            key="next_report",
            label=t("finance.next_report", lang),
            value=report["value"],
            targeted=False,
            note=t(
                "finance.next_report_note",
                lang,
                report=t(f"report_type.{report['report_type']}", lang),
                year=report["period_to"].year,
                due_on=format_date(report["due_on"], lang),
            ),
        )
with second[2]:
    cost = results["public_cost_per_external_job"]
    tile(
        cost,
        key="cost_per_job",
        targeted=False,
        note=t(
            "finance.cost_note",
            lang,
            spent=euros(cost.details.get("public_spent_eur")),
            jobs=format_number(cost.details.get("jobs_external_created"), lang),
        ),
    )
with second[3]:
    leverage = results["private_leverage"]
    tile(
        leverage,
        key="leverage",
        targeted=False,
        note=t(
            "finance.leverage_note",
            lang,
            own=euros(leverage.details.get("own_contribution_eur")),
            public=euros(leverage.details.get("public_funding_eur")),
        ),
    )
if grant is not None:
    st.caption(t("finance.joint_figures", lang))

st.subheader(t("finance.by_category", lang))
frame = category_shares(lines)
show_chart(
    charts.bars(
        frame.assign(category=[t(f"cost_category.{c}", lang) for c in frame["category"]]).fillna(0),
        "category",
        [("share", t("finance.share_spent", lang))],
        lang,
        horizontal=True,
        percent=True,
        target=(1.0, t("finance.plan_line", lang)),
        height=320,
    ),
    frame,
    "finance.by_category",
    lang,
    values={"category": "cost_category"},
)
st.caption(t("finance.by_category.caption", lang))

st.subheader(t("finance.over_plan", lang))
deviation = of_grant(results["budget_line_deviation"].breakdown, grant)
flagged, offset = flagged_lines(deviation)
if flagged.empty:
    st.success(t("finance.no_flagged", lang), icon=":material/check_circle:")
else:
    st.warning(
        t(
            "finance.flagged",
            lang,
            lines=format_number(len(flagged), lang),
            offset=format_number(offset, lang),
        ),
        icon=":material/warning:",
    )
download_table(
    deviation[
        [
            "grant_id",
            "category",
            "year",
            "planned_eur",
            "spent_eur",
            "over_eur",
            "value",
            "flagged",
            "grant_within_plan",
        ]
    ]
    .assign(value=deviation["value"].astype("Float64") * 100)
    .rename(columns={"value": "over_percent"}),
    "finance.over_plan",
    lang,
    values={"category": "cost_category"},
)
st.caption(t("finance.over_plan.caption", lang))

st.subheader(t("finance.idle_title", lang))
if idle.empty:
    st.success(t("finance.no_idle", lang), icon=":material/check_circle:")
download_table(
    idle[
        [
            "grant_id",
            "disbursement_id",
            "received_on",
            "amount_eur",
            "spend_by",
            "idle_at_deadline_eur",
            "value",
            "days_idle",
        ]
    ].rename(columns={"value": "idle_eur"}),
    "finance.idle",
    lang,
)
st.caption(t("finance.idle.caption", lang))

st.subheader(t("finance.lines", lang))
download_table(
    lines[["grant_id", "category", "year", "planned_eur", "spent_eur", "value"]]
    .assign(value=lines["value"].astype("Float64") * 100)
    .rename(columns={"value": "spent_percent"}),
    "finance.lines",
    lang,
    values={"category": "cost_category"},
)

reports_panel(lang, page.dates.as_of)
