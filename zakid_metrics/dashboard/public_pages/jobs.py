"""Arbeitsplätze: jobs created and existing, by category and qualification, protected."""

import streamlit as st

from zakid_metrics.contract import QUALIFICATIONS
from zakid_metrics.dashboard.components.language import current_language
from zakid_metrics.dashboard.components.public import (
    as_of_caption,
    bar_chart,
    cells,
    label,
    protected_table,
    require_export,
    show_value,
    summary,
    tiles,
    to_open_data,
)
from zakid_metrics.i18n import t

lang = current_language()
st.title(t("page.jobs", lang))
export = require_export(lang)
as_of_caption(export, lang)
tiles(
    export,
    [
        "jobs_external_created",
        "jobs_project_related_created",
        "jobs_external_existing",
        "jobs_well_paid_share",
    ],
    lang,
)

jobs = export.table("jobs")
created = cells(jobs, measure="created")
st.subheader(t("public.jobs.by_qualification", lang))
names = [label("qualification", q, lang) for q in QUALIFICATIONS]
series = []
described = []
for category in ("external", "project_related"):
    rows = cells(created, category=category).set_index("qualification").loc[list(QUALIFICATIONS)]
    series.append((label("category", category, lang), rows["value"], rows["suppressed"]))
    described += [
        (f"{label('category', category, lang)} – {name}", show_value(v, s, "count", lang))
        for name, v, s in zip(names, rows["value"], rows["suppressed"], strict=True)
    ]
text = summary(t("public.jobs.by_qualification", lang), described, lang)
bar_chart(
    names,
    series,
    lang,
    text=text,
    key="public_jobs.chart",
)
protected_table(
    created, ["category", "qualification"], lang, alt=t("public.jobs.created_table", lang)
)
st.subheader(t("public.jobs.existing", lang))
protected_table(
    cells(jobs, measure="existing"),
    ["category", "qualification"],
    lang,
    alt=t("public.jobs.existing", lang),
)
st.caption(t("public.jobs.note", lang))
to_open_data(lang)
