"""Überblick: what ZaKI.D promised and where it stands, in key figures anyone may see."""

import streamlit as st

from zakid_metrics.dashboard.components import public
from zakid_metrics.i18n import t

page = public.public_page("public.overview.title", intro_key="public.overview.intro")
for title_key, kpi_ids in public.OVERVIEW_SECTIONS:
    st.header(t(title_key, page.lang))
    page.tiles(kpi_ids)
extras = public.overview_extras()
if extras:
    st.header(t("public.overview.more", page.lang))
    page.tiles(extras)
public.legend(page.lang)
st.markdown(t("public.overview.protection", page.lang))
public.to_open_data(page.lang)
