"""Arbeitsplätze: jobs created and existing, by category and qualification, protected."""

import streamlit as st

from zakid_metrics.contract import QUALIFICATIONS
from zakid_metrics.dashboard.components import public
from zakid_metrics.i18n import t

page = public.public_page("page.jobs")
lang, export = page.lang, page.export
page.tiles(
    [
        "jobs_external_created",
        "jobs_project_related_created",
        "jobs_external_existing",
        "jobs_well_paid_share",
    ]
)

jobs = export.table("jobs")
created = public.cells(jobs, measure="created")
st.header(t("public.jobs.by_qualification", lang))
names = [public.label("qualification", q, lang) for q in QUALIFICATIONS]
series = []
described = []
for category in ("external", "project_related"):
    rows = (
        public.cells(created, category=category)
        .set_index("qualification")
        .loc[list(QUALIFICATIONS)]
    )
    series.append((public.label("category", category, lang), rows["value"], rows["suppressed"]))
    described += [
        (
            f"{public.label('category', category, lang)} – {name}",
            public.show_value(v, s, "count", lang),
        )
        for name, v, s in zip(names, rows["value"], rows["suppressed"], strict=True)
    ]
text = public.summary(t("public.jobs.by_qualification", lang), described, lang)
public.bar_chart(
    names,
    series,
    lang,
    text=text,
    key="public_jobs.chart",
)
public.protected_table(
    created, ["category", "qualification"], lang, alt=t("public.jobs.created_table", lang)
)
st.header(t("public.jobs.existing", lang))
public.protected_table(
    public.cells(jobs, measure="existing"),
    ["category", "qualification"],
    lang,
    alt=t("public.jobs.existing", lang),
)
st.caption(t("public.jobs.note", lang))
public.to_open_data(lang)
