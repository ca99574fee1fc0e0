"""Finanzen: per grant and for the joint project: approved, planned, spent, drawn, idle, due."""

import pandas as pd
import streamlit as st

from zakid_metrics import charts
from zakid_metrics.contract import COST_CATEGORIES
from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components.choice import select_one
from zakid_metrics.dashboard.components.dates import as_of_and_period, dates_caption
from zakid_metrics.dashboard.components.figures import show_chart
from zakid_metrics.dashboard.components.language import current_language
from zakid_metrics.dashboard.components.reports import reports_panel
from zakid_metrics.dashboard.components.start import require_snapshot
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.dashboard.components.tiles import format_value, kpi_tile, missing_data_note
from zakid_metrics.i18n import format_date, format_number, t
from zakid_metrics.kpis import Milestone

lang = current_language()
st.title(t("page.finance", lang))
require_snapshot(lang)
dates = as_of_and_period(lang)
st.caption(dates_caption(dates, lang))
results = data.kpi_results(*dates)
status = data.entity_status()
if missing_data_note(["grants"], status, lang):
    st.stop()
missing_data_note(["budget", "expenditures", "disbursements"], status, lang)

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


def of_grant(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the chosen grant; all rows for the joint project."""
    return frame if grant is None else frame[frame["grant_id"] == grant]


def euros(value: object) -> str:
    return format_value(value, "eur", lang)


drawn_kpi = results["funds_drawn"]
utilisation = results["budget_utilisation"]
idle_kpi = results["idle_funds"]
reports = results["reports_due"]
funds = of_grant(drawn_kpi.breakdown)
lines = of_grant(utilisation.breakdown)
idle = of_grant(idle_kpi.breakdown)
due = of_grant(reports.breakdown)
approved = funds["approved_eur"].sum()
planned, spent = lines["planned_eur"].sum(), lines["spent_eur"].sum()
drawn, pending = funds["value"].sum(), funds["pending_eur"].sum()
end = grants["ends_on"].max() if grant is None else grants.loc[grant, "ends_on"]
end = end.date() if hasattr(end, "date") else end

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


def tile(result: object, key: str, **options: object) -> None:
    kpi_tile(result, lang, key=f"finance.{key}", dates=dates, status=status, **options)


first, second = st.columns(4), st.columns(4)
with first[0]:
    tile(
        drawn_kpi,
        "approved",
        label=t("finance.approved", lang),
        value=approved,
        unit="eur",
        targeted=False,
    )
with first[1]:
    tile(
        utilisation,
        "planned",
        label=t("finance.planned", lang),
        value=planned,
        unit="eur",
        targeted=False,
        note=t("finance.planned_note", lang),
    )
with first[2]:
    tile(
        utilisation,
        "spent",
        label=t("finance.spent", lang),
        value=spent,
        unit="eur",
        final=Milestone(end, float(planned)) if planned else None,
        target_text=t("finance.of_planned", lang, planned=euros(planned)),
    )
with first[3]:
    tile(
        drawn_kpi,
        "drawn",
        label=t("finance.drawn", lang),
        value=drawn,
        unit="eur",
        final=Milestone(end, float(approved)) if approved else None,
        target_text=t("finance.of_approved", lang, approved=euros(approved)),
        note=t("finance.pending", lang, pending=euros(pending)) if pending else None,
    )
with second[0]:
    tile(
        idle_kpi,
        "idle",
        label=t("finance.idle", lang),
        value=idle["value"].sum(),
        unit="eur",
        targeted=False,
        note=t(
            "finance.idle_note",
            lang,
            disbursements=format_number(len(idle), lang),
            days=format_number(idle["days_idle"].max() if len(idle) else 0, lang),
        ),
    )

with second[1]:
    next_due = due.sort_values("due_on").head(1)
    if next_due.empty:
        tile(reports, "next_report", label=t("finance.next_report", lang), targeted=False)
    else:
        report = next_due.iloc[0]
        tile(
            reports,
            "next_report",
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
        "cost_per_job",
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
        "leverage",
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
by_category = (
    lines.groupby("category")[["planned_eur", "spent_eur"]].sum().reindex(COST_CATEGORIES).dropna()
)
by_category = by_category[by_category["planned_eur"].gt(0) | by_category["spent_eur"].ne(0)]
frame = by_category.reset_index()
frame["share"] = [
    float(s) / float(p) if p else None
    for p, s in zip(frame["planned_eur"], frame["spent_eur"], strict=True)
]
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
deviation = of_grant(results["budget_line_deviation"].breakdown)
flagged = deviation[deviation["flagged"].fillna(False).astype(bool)]
if flagged.empty:
    st.success(t("finance.no_flagged", lang), icon=":material/check_circle:")
else:
    offset = flagged[flagged["grant_within_plan"].fillna(False).astype(bool)]
    st.warning(
        t(
            "finance.flagged",
            lang,
            lines=format_number(len(flagged), lang),
            offset=format_number(len(offset), lang),
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

reports_panel(lang, dates.as_of)
