"""The view in the address: language, dates and the main filters as query parameters, so a
copied link (`/finance?lang=en&as_of=2026-06-30&grant=...`) opens the same view.

A value in the address counts when a browser session starts (a new tab, a reload, a shared
link); from then on the widgets own the choice and write it back, so the address always shows
what is on screen. The page itself is the address's path (navigation.PAGES' url_path).
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import streamlit as st

LANGUAGE: Final = "lang"
AS_OF: Final = "as_of"
PERIOD_FROM: Final = "from"
PERIOD_TO: Final = "to"
GRANT: Final = "grant"  # Finanzen: a grant id; none for the joint project
SEGMENT: Final = "segment"  # Unternehmen & Projekte: `<dimension>:<value>`, e.g. size_class:micro


def from_url(name: str) -> str | None:
    """The query parameter `name`, or None."""
    return st.query_params.get(name)


def date_from_url(name: str) -> dt.date | None:
    """The query parameter `name` as an ISO date (`2026-06-30`), or None when it is none."""
    text = from_url(name)
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def option_text(option: object) -> str | None:
    """How an option of a choice is written in the address: None (left out) for None, the
    parts joined by `:` for a tuple (`size_class:micro`), else its text."""
    if option is None:
        return None
    if isinstance(option, tuple):
        return ":".join(str(part) for part in option)
    return str(option)


def to_url(name: str, value: object) -> None:
    """Show `value` (an option, a date) as the query parameter `name`; None removes it."""
    text = value.isoformat() if isinstance(value, dt.date) else option_text(value)
    if text is None:
        st.query_params.pop(name, None)
    elif st.query_params.get(name) != text:
        st.query_params[name] = text
