"""Errors shown as what happened and what to do, in the user's language, never a traceback."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

import streamlit as st

from zakid_metrics.errors import FileError, ZakidError
from zakid_metrics.i18n import CATALOGS, format_date, t
from zakid_metrics.settings import get_settings

log = logging.getLogger(__name__)


def _text(key: str, lang: str, params: dict[str, Any]) -> str | None:
    """The catalogue text for `key`, or None when it is missing or needs other parameters."""
    if key not in CATALOGS.get(lang, CATALOGS["de"]):
        return None
    # Dates in the user's format (24.11.2026), as everywhere else.
    shown = {
        name: format_date(value, lang) if isinstance(value, dt.date) else value
        for name, value in params.items()
    }
    try:
        return t(key, lang, **shown)
    except (KeyError, IndexError, ValueError):
        return None


def explain(error: BaseException, lang: str) -> tuple[str, str, str | None]:
    """(what happened, what to do, technical detail or None) for any exception."""
    if isinstance(error, ZakidError):
        if isinstance(error, FileError):
            specific = _text(f"file_error.{error.kind}", lang, error.params)
            if specific:
                return specific, "", None
        for code in (error.code, ZakidError.code):
            what = _text(f"error.{code}", lang, error.params)
            if what:
                hint = _text(f"error.{code}.hint", lang, error.params) or error.hint
                return what, hint, str(error)
    # Unexpected: the traceback goes to the server log, the user gets a time to report.
    time = dt.datetime.now(ZoneInfo(get_settings().timezone)).strftime("%Y-%m-%d %H:%M:%S")
    log.error(
        "Unexpected error in the dashboard (reported to the user at %s)", time, exc_info=error
    )
    return t("error.unexpected", lang), t("error.unexpected.hint", lang, time=time), None


def show_error(error: BaseException, lang: str) -> None:
    """Show `error` as a friendly message; details only for errors that are meant to be read."""
    what, hint, detail = explain(error, lang)
    st.error(what, icon=":material/error:")
    if hint:
        st.info(hint, icon=":material/lightbulb:")
    if detail:
        with st.expander(t("error.details", lang)):
            st.text(detail)


@contextmanager
def error_boundary(lang: str) -> Iterator[None]:
    """Run a block; any exception in it is shown with `show_error` instead of a traceback.

    Streamlit's own control flow (st.stop, st.rerun) is a BaseException and passes through.
    """
    try:
        yield
    except Exception as error:
        show_error(error, lang)
