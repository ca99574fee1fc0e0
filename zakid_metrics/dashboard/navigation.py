"""The page list as plain data, so adding a page to the dashboard is adding one line."""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from zakid_metrics.auth import Role, User
from zakid_metrics.i18n import t


class PageSpec(NamedTuple):
    """One page: its script (relative to app.py), i18n title key, icon, URL path, and the
    least role that sees it (viewer < analyst < admin; README has the role matrix)."""

    script: str
    title_key: str
    icon: str
    url_path: str
    role: Role = "viewer"


APP_PAGES = "zakid_metrics/dashboard/app_pages"
# The first page is the start page of the app.
PAGES: tuple[PageSpec, ...] = (
    PageSpec(f"{APP_PAGES}/overview.py", "page.overview", ":material/dashboard:", "overview"),
    PageSpec(f"{APP_PAGES}/jobs.py", "page.jobs", ":material/work:", "jobs"),
    PageSpec(f"{APP_PAGES}/companies.py", "page.companies", ":material/factory:", "companies"),
    PageSpec(f"{APP_PAGES}/embedded_ai.py", "page.embedded_ai", ":material/memory:", "embedded-ai"),
    PageSpec(f"{APP_PAGES}/sustainability.py", "page.sustainability", ":material/eco:", "sdgs"),
    PageSpec(f"{APP_PAGES}/education.py", "page.education", ":material/school:", "education"),
    PageSpec(f"{APP_PAGES}/finance.py", "page.finance", ":material/euro:", "finance"),
    PageSpec(
        f"{APP_PAGES}/data_status.py", "page.data_status", ":material/fact_check:", "data-status"
    ),
    PageSpec(f"{APP_PAGES}/notices.py", "page.notices", ":material/notifications:", "notices"),
    PageSpec(f"{APP_PAGES}/upload.py", "page.upload", ":material/upload_file:", "upload", "admin"),
    PageSpec(f"{APP_PAGES}/devices.py", "page.devices", ":material/key:", "devices", "admin"),
    PageSpec(f"{APP_PAGES}/alerts.py", "page.alerts", ":material/mail:", "alerts", "admin"),
)
PUBLIC = "zakid_metrics/dashboard/public_pages"
# The public app (ZAKID_MODE=public): no login, reads DATA_DIR/public/ only.
PUBLIC_PAGES: tuple[PageSpec, ...] = (
    PageSpec(f"{PUBLIC}/overview.py", "page.overview", ":material/dashboard:", "overview"),
    PageSpec(f"{PUBLIC}/jobs.py", "page.jobs", ":material/work:", "jobs"),
    PageSpec(f"{PUBLIC}/companies.py", "page.companies", ":material/factory:", "companies"),
    PageSpec(f"{PUBLIC}/embedded_ai.py", "page.embedded_ai", ":material/memory:", "embedded-ai"),
    PageSpec(f"{PUBLIC}/sustainability.py", "page.sustainability", ":material/eco:", "sdgs"),
    PageSpec(f"{PUBLIC}/education.py", "page.education", ":material/school:", "education"),
    PageSpec(f"{PUBLIC}/open_data.py", "page.open_data", ":material/download:", "open-data"),
)


def streamlit_pages(lang: str, user: User) -> list[st.Page]:
    """The PAGES `user` may see as st.Page objects titled in `lang`, for st.navigation."""
    return [_page(page, lang) for page in PAGES if user.has_role(page.role)]


def public_pages(lang: str) -> list[st.Page]:
    """PUBLIC_PAGES as st.Page objects titled in `lang`, for st.navigation."""
    return [_page(page, lang) for page in PUBLIC_PAGES]


def _page(page: PageSpec, lang: str) -> st.Page:
    return st.Page(
        page.script, title=t(page.title_key, lang), icon=page.icon, url_path=page.url_path
    )
