"""The language switch: German by default, English on request, remembered per session and
shown in the address (`?lang=en`)."""

from __future__ import annotations

import streamlit as st

from zakid_metrics.dashboard.components.url_state import LANGUAGE, from_url, to_url
from zakid_metrics.i18n import LANGUAGES, Language
from zakid_metrics.settings import get_settings

LANGUAGE_KEY = "app.language"
LANGUAGE_NAMES: dict[str, str] = {"de": "Deutsch", "en": "English"}
# Bilingual on purpose: whoever cannot read the current language still finds the switch.
LANGUAGE_LABEL = "Sprache · Language"


def language_switch() -> Language:
    """Render the switch (once per run, in app.py) and return the chosen language; a new
    browser session starts in the address's language, else in the configured one."""
    wanted = from_url(LANGUAGE)
    default = wanted if wanted in LANGUAGES else get_settings().language
    chosen = st.radio(
        LANGUAGE_LABEL,
        LANGUAGES,
        index=LANGUAGES.index(default),
        format_func=LANGUAGE_NAMES.__getitem__,
        horizontal=True,
        key=LANGUAGE_KEY,
    )
    to_url(LANGUAGE, chosen)
    return chosen


def current_language() -> Language:
    """The language chosen in this session; the configured default before the switch ran."""
    return st.session_state.get(LANGUAGE_KEY, get_settings().language)
