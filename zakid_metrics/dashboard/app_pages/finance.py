"""Finanzen: the figures of a funder report per grant, or of every grant for the joint project,
exactly as the reports compute them (funding.report_figures), with the rules they follow."""

import pandas as pd
import streamlit as st

from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components import url_state
from zakid_metrics.dashboard.components.choice import select_one
from zakid_metrics.dashboard.components.errors import show_error
from zakid_metrics.dashboard.components.page import kpi_page
from zakid_metrics.dashboard.components.reports import reports_panel
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.dashboard.components.tiles import format_value
from zakid_metrics.errors import BaseRateMissingError
from zakid_metrics.funding import RULES, FundingFigures
from zakid_metrics.grant_finance import (
    Choice,
    default_choice,
    idle_frame,
    joint_frame,
    lines_frame,
    premature_frame,
    report_choices,
    reports_due,
    revenues_frame,
    summary,
)
from zakid_metrics.i18n import format_date, format_number, t

page = kpi_page("finance")
lang, results, as_of = page.lang, page.results, page.dates.as_of
if page.missing(["grants"]):
    st.stop()
page.missing(["budget", "expenditures", "disbursements"])

grants = data.funding_grants(as_of)
if not grants:
    st.info(t("finance.no_grant", lang, as_of=format_date(as_of, lang)), icon=":material/info:")
    st.stop()
names = data.entity_rows("grants").set_index("grant_id")
grant = select_one(
    t("finance.grant", lang),
    [None, *sorted(grants)],
    key="finance.grant",
    lang=lang,
    url=url_state.GRANT,
    format_func=lambda g: (
        t("finance.joint_project", lang) if g is None else f"{g} · {names.loc[g, 'recipient']}"
    ),
)
chosen = [grants[grant]] if grant is not None else list(grants.values())


def euros(value: object) -> str:
    """An amount to the cent, as the report states it."""
    return format_value(value, "eur", lang, 2)


def report_name(choice: Choice) -> str:
    kind, year = choice
    name = t(f"report_type.{kind}", lang)
    return f"{name} {year}" if year is not None else name


if grant is None:
    st.caption(t("finance.joint_caption", lang, grants=format_number(len(grants), lang)))
else:
    facts, row = grants[grant], names.loc[grant]
    st.caption(
        t(
            "finance.grant_caption",
            lang,
            sub_project=row["sub_project"],
            programme=row["programme"],
            regime=facts.regime,
            rate=format_number(float(facts.funding_rate) * 100, lang, 0),
            starts=format_date(facts.starts_on, lang),
            ends=format_date(facts.ends_on, lang),
        )
    )
    if facts.vat_deductible:
        st.caption(t("finance.net_amounts", lang))

tiles = st.columns(3)
drawn = results["funds_drawn"]
with tiles[0]:
    if grant is None:
        page.tile(drawn, key="drawn", targeted=False)
    else:
        own = drawn.breakdown[drawn.breakdown["grant_id"] == grant]
        page.tile(
            drawn,
            key="drawn",
            value=own["value"].iloc[0] if len(own) else None,
            targeted=False,
            note=t("finance.of_approved", lang, approved=euros(grants[grant].approved_eur)),
        )
with tiles[1]:
    page.tile("public_cost_per_external_job", key="cost_per_job", targeted=False)
with tiles[2]:
    page.tile("private_leverage", key="leverage", targeted=False)


def show_report(figures: FundingFigures) -> None:
    """One grant's report figures: headline, Einzelansätze, Deckungsmittel, idle funds."""
    first, last = figures.period
    st.caption(
        t("finance.period", lang, first=format_date(first, lang), last=format_date(last, lang))
    )
    figures_now = summary(figures)
    shown = ["total_actual_eur", "grant_share_eur", "received_eur", "interest_eur"]
    if figures_now["refund_due_eur"] is not None:
        shown.append("refund_due_eur")
    for column, name in zip(st.columns(len(shown)), shown, strict=True):
        column.metric(t(f"finance.figure.{name}", lang), euros(figures_now[name]))

    st.markdown(f"**{t('finance.lines', lang)}**")
    lines = lines_frame(figures)
    statuses = set(lines["status"])
    if "over_20" in statuses:
        st.warning(t("finance.over_20", lang), icon=":material/warning:")
    elif "over_not_offset" in statuses:
        st.warning(t("finance.over_not_offset", lang), icon=":material/warning:")
    download_table(
        lines,
        f"finance.lines.{figures.grant.grant_id}",
        lang,
        values={"category": "cost_category", "status": "line_status"},
    )
    st.caption(t("finance.lines.caption", lang))

    st.markdown(f"**{t('finance.revenues', lang)}**")
    if figures.revenues.exceeds_plan:
        st.warning(
            t("finance.revenues_excess", lang, excess=euros(figures.revenues.excess_eur)),
            icon=":material/warning:",
        )
    download_table(
        revenues_frame(figures),
        f"finance.revenues.{figures.grant.grant_id}",
        lang,
        values={"kind": "revenue_kind"},
    )

    # Idle funds on expenditure basis, premature calls on cost basis (CONTRACT.md section 4)
    section, frame = (
        ("premature", premature_frame(figures))
        if figures.grant.rules.basis == "cost"
        else ("idle", idle_frame(figures))
    )
    st.markdown(f"**{t(f'finance.{section}_title', lang)}**")
    download_table(frame, f"finance.{section}.{figures.grant.grant_id}", lang)
    st.caption(t(f"finance.{section}.caption", lang))


st.subheader(t("finance.report", lang))
choices = report_choices(chosen, as_of)
choice = default_choice(choices, as_of)
if choice is None:
    st.info(t("finance.no_report", lang), icon=":material/info:")
else:
    choice = select_one(
        t("finance.report_choice", lang),
        choices,
        key="finance.report_choice",
        lang=lang,
        format_func=report_name,
        default_index=choices.index(choice),
    )
    kind, year = choice
    if grant is not None:
        try:
            show_report(data.funding_report(grant, kind, year, as_of))
        except BaseRateMissingError as error:
            show_error(error, lang)
    else:
        reports: dict[str, FundingFigures] = {}
        for grant_id, facts in grants.items():
            if choice not in report_choices([facts], as_of):
                continue  # the year is not one of this grant's interim reports
            try:
                reports[grant_id] = data.funding_report(grant_id, kind, year, as_of)
            except BaseRateMissingError as error:
                show_error(error, lang)
        download_table(joint_frame(reports), "finance.joint", lang)
        st.caption(t("finance.joint.caption", lang))

if grant is not None:
    st.subheader(t("finance.reports_due", lang))
    download_table(
        reports_due(grants[grant], as_of),
        f"finance.reports_due.{grant}",
        lang,
        values={"report_type": "report_type"},
    )

st.subheader(t("finance.sources", lang))
for regime in sorted({facts.regime for facts in chosen}):
    st.markdown(f"**{RULES[regime].title}**")
    st.markdown("\n".join(f"- {source}" for source in RULES[regime].sources()))

st.subheader(t("finance.by_year", lang))
by_year = results["budget_utilisation"].breakdown
if grant is not None:
    by_year = by_year[by_year["grant_id"] == grant]
download_table(
    by_year[["grant_id", "category", "year", "planned_eur", "spent_eur", "value"]]
    .assign(value=pd.array(by_year["value"], dtype="Float64") * 100)
    .rename(columns={"value": "spent_percent"}),
    "finance.by_year",
    lang,
    values={"category": "cost_category"},
)
st.caption(t("finance.by_year.caption", lang))

reports_panel(lang, as_of)
