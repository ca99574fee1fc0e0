"""The page list as plain data, so adding a page to the dashboard is adding one line."""

from __future__ import annotations

from collections.abc import Sequence
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
PUBLIC = "zakid_metrics/dashboard/public_pages"
# A page: its name (the script <name>.py of its folder, the title `page.<name>`), icon, URL
# path and, where it is not for every viewer, the least role that sees it.
_Declared = tuple[str, str, str] | tuple[str, str, str, Role]
# The pages the internal and the public app both have, the start page first.
_BOTH_APPS: tuple[_Declared, ...] = (
    ("overview", ":material/dashboard:", "overview"),
    ("jobs", ":material/work:", "jobs"),
    ("companies", ":material/factory:", "companies"),
    ("embedded_ai", ":material/memory:", "embedded-ai"),
    ("sustainability", ":material/eco:", "sdgs"),
    ("education", ":material/school:", "education"),
)


def _specs(folder: str, pages: Sequence[_Declared]) -> tuple[PageSpec, ...]:
    return tuple(
        PageSpec(f"{folder}/{name}.py", f"page.{name}", icon, url_path, *role)
        for name, icon, url_path, *role in pages
    )


PAGES = _specs(
    APP_PAGES,
    (
        *_BOTH_APPS,
        ("finance", ":material/euro:", "finance"),
        ("data_status", ":material/fact_check:", "data-status"),
        ("notices", ":material/notifications:", "notices"),
        ("upload", ":material/upload_file:", "upload", "admin"),
        ("devices", ":material/key:", "devices", "admin"),
        ("alerts", ":material/mail:", "alerts", "admin"),
    ),
)
# The public app (ZAKID_MODE=public): no login, reads DATA_DIR/public/ only.
PUBLIC_PAGES = _specs(PUBLIC, (*_BOTH_APPS, ("open_data", ":material/download:", "open-data")))


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
