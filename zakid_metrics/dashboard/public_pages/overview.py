"""Überblick: what ZaKI.D promised and where it stands, in key figures anyone may see."""

import streamlit as st

from zakid_metrics.dashboard.components.language import current_language
from zakid_metrics.dashboard.components.public import (
    as_of_caption,
    legend,
    require_export,
    tiles,
    to_open_data,
)
from zakid_metrics.i18n import t

lang = current_language()
st.title(t("public.overview.title", lang))
export = require_export(lang)
st.markdown(t("public.overview.intro", lang))
as_of_caption(export, lang)

st.subheader(t("page.jobs", lang))
tiles(
    export, ["jobs_external_created", "jobs_project_related_created", "jobs_well_paid_share"], lang
)
st.subheader(t("page.companies", lang))
tiles(export, ["companies_engaged", "sme_share", "crafts_engaged", "projects_by_status"], lang)
st.subheader(t("public.overview.ai_and_sdgs", lang))
tiles(export, ["deployments_live", "privacy_policy_share", "sdg_goals_covered"], lang)
st.subheader(t("page.education", lang))
tiles(export, ["courses_offered", "students_enrolled", "students_completed"], lang)
legend(lang)
st.markdown(t("public.overview.protection", lang))
to_open_data(lang)
