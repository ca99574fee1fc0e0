"""The page list as plain data, so adding a page to the dashboard is adding one line."""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from zakid_metrics.i18n import t


class PageSpec(NamedTuple):
    """One page: its script (relative to app.py), i18n title key, icon and URL path."""

    script: str
    title_key: str
    icon: str
    url_path: str


# The first page is the start page of the app.
PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "zakid_metrics/dashboard/app_pages/data_status.py",
        "page.data_status",
        ":material/fact_check:",
        "data-status",
    ),
)


def streamlit_pages(lang: str) -> list[st.Page]:
    """PAGES as st.Page objects titled in `lang`, for st.navigation."""
    return [
        st.Page(page.script, title=t(page.title_key, lang), icon=page.icon, url_path=page.url_path)
        for page in PAGES
    ]
