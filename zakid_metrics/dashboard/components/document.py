"""What browsers and screen readers read of the document itself: its language and its title
(WCAG 2.1 3.1.1 and 2.4.2), which Streamlit would leave at `lang="en"` and one title for all."""

from __future__ import annotations

import json

import streamlit as st

from zakid_metrics.i18n import t


def declare_language(lang: str) -> None:
    """Set `<html lang>` to `lang`; Streamlit's page declares English whatever it shows."""
    st.html(
        f"<script>document.documentElement.lang = {json.dumps(lang)};</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


def page_title(title: str, lang: str) -> str:
    """The browser tab's title of the page `title`: `Arbeitsplätze · ZaKI.D Wirkungsmonitor`."""
    return f"{title} · {t('app.title', lang)}"


def declare_title(title: str, lang: str) -> None:
    """Name the browser tab after the page `title` (each page has a title of its own)."""
    st.set_page_config(page_title=page_title(title, lang))
