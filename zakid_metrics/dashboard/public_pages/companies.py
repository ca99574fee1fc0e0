"""Unternehmen und Projekte: engaged companies and projects, aggregated and protected."""

import pandas as pd
import streamlit as st

from zakid_metrics.contract import SIZE_CLASSES
from zakid_metrics.dashboard.components import public
from zakid_metrics.disclosure import TOTAL
from zakid_metrics.i18n import t

BREAKDOWNS = ("craft", "startup", "ude_spinoff", "in_duisburg")

page = public.public_page("page.companies")
lang, export = page.lang, page.export
page.tiles(["companies_engaged", "sme_share", "crafts_engaged", "startups_engaged"])

companies = export.table("companies")
st.header(t("public.companies.by_size", lang))
sizes = public.cells(companies, breakdown="in_duisburg", group=TOTAL).set_index("size_class")
sizes = sizes.loc[[s for s in SIZE_CLASSES if s in sizes.index]]
names = [public.label("size_class", s, lang) for s in sizes.index]
text = public.summary(
    t("public.companies.by_size", lang),
    [
        (name, public.show_value(v, s, "count", lang))
        for name, v, s in zip(names, sizes["value"], sizes["suppressed"], strict=True)
    ],
    lang,
)
public.bar_chart(
    names,
    [(t("public.companies.companies", lang), sizes["value"], sizes["suppressed"])],
    lang,
    text=text,
    key="public_companies.sizes",
)
# One column per characteristic: the companies that have it, by size class.
rows = []
for size in [*SIZE_CLASSES, TOTAL]:
    row = {t("column.size_class", lang): public.label("size_class", size, lang)}
    total = public.cells(companies, breakdown="in_duisburg", size_class=size, group=TOTAL).iloc[0]
    row[t("public.companies.companies", lang)] = public.show_value(
        total["value"], total["suppressed"], "count", lang
    )
    for breakdown in BREAKDOWNS:
        cell = public.cells(companies, breakdown=breakdown, size_class=size, group="yes").iloc[0]
        row[public.label("breakdown", breakdown, lang)] = public.show_value(
            cell["value"], cell["suppressed"], "count", lang
        )
    rows.append(row)
st.table(pd.DataFrame(rows), hide_index=True, alt=t("public.companies.table", lang))
public.legend(lang)

st.header(t("public.companies.named", lang))
named = export.table("companies_named")
if named is None or named.empty:
    st.caption(t("public.companies.named.none", lang))
else:
    st.caption(t("public.companies.named.caption", lang, count=len(named)))
    st.table(
        pd.DataFrame(
            {
                t("column.name", lang): named["name"],
                t("column.size_class", lang): [
                    public.label("size_class", s, lang) for s in named["size_class"]
                ],
                t("public.companies.use_cases", lang): [
                    ", ".join(public.label("use_case", u, lang) for u in text.split("; ") if u)
                    for text in named["use_cases"]
                ],
            }
        ),
        hide_index=True,
        alt=t("public.companies.named", lang),
    )

st.header(t("public.projects.by_status", lang))
page.tiles(["projects_by_status", "ude_research_transfer"])
projects = export.table("projects")
statuses = public.cells(projects, use_case=TOTAL)
statuses = statuses[statuses["status"] != TOTAL]
names = [public.label("status", s, lang) for s in statuses["status"]]
text = public.summary(
    t("public.projects.by_status", lang),
    [
        (name, public.show_value(v, s, "count", lang))
        for name, v, s in zip(names, statuses["value"], statuses["suppressed"], strict=True)
    ],
    lang,
)
public.bar_chart(
    names,
    [(t("public.projects.projects", lang), statuses["value"], statuses["suppressed"])],
    lang,
    text=text,
    key="public_companies.projects",
)
public.protected_table(projects, ["use_case", "status"], lang, alt=t("public.projects.table", lang))
public.to_open_data(lang)
