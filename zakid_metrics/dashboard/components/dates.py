"""The as-of date and the period in the sidebar: one choice for every page of a session, shown
in the address (`?as_of=2026-06-30&from=2025-01-01&to=2025-12-31`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import streamlit as st

from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components import url_state
from zakid_metrics.i18n import format_date, t
from zakid_metrics.settings import get_settings

# The choices live under these keys, apart from the widgets' own keys: a widget's state is
# dropped on a page that does not draw it, and its label changes with the language.
AS_OF_KEY = "app.as_of"
PERIOD_KEY = "app.period"
WIDGET_FORMATS = {"de": "DD.MM.YYYY", "en": "YYYY-MM-DD"}


class Dates(NamedTuple):
    """The day whose state counts and the period that period KPIs (budgets) cover."""

    as_of: dt.date
    period: tuple[dt.date, dt.date]


def default_as_of(today: dt.date, bounds: data.DateBounds) -> dt.date:
    """Today, clamped to the days the data speaks about."""
    return min(max(today, bounds.first), bounds.last)


def as_of_and_period(lang: str) -> Dates:
    """Draw both pickers in the sidebar and return the chosen as-of date and period.

    The as-of date defaults to today in the display time zone, clamped to the data; the period
    defaults to the funding period; a new browser session starts from the address's dates.
    Both are remembered when the user moves between pages.
    """
    bounds = data.date_bounds()
    today = dt.datetime.now(ZoneInfo(get_settings().timezone)).date()
    lowest = bounds.earliest_as_of
    highest = bounds.last
    kept = st.session_state.get(AS_OF_KEY, url_state.date_from_url(url_state.AS_OF))
    if not isinstance(kept, dt.date) or not lowest <= kept <= highest:
        kept = default_as_of(today, bounds)
    kept_period = st.session_state.get(PERIOD_KEY, _period_from_url())
    if not isinstance(kept_period, tuple) or len(kept_period) != 2:
        kept_period = (bounds.period_start, bounds.period_end)
    period_low = min(lowest, kept_period[0])
    period_high = max(bounds.period_end, kept_period[1])
    bounds_id = f"{lang}.{lowest}.{highest}"
    with st.sidebar:
        chosen = _date_input(
            AS_OF_KEY, kept, (lowest, highest), bounds_id, lang, first=lowest, last=highest
        )
        period = _date_input(
            PERIOD_KEY,
            kept_period,
            (period_low, period_high),
            bounds_id,
            lang,
            start=bounds.period_start,
            end=bounds.period_end,
        )
    as_of = chosen if isinstance(chosen, dt.date) else kept
    # While the user picks the second day of a range, the widget holds only the first.
    chosen_period = tuple(period) if isinstance(period, tuple | list) else ()
    if len(chosen_period) != 2:
        chosen_period = kept_period
    st.session_state[AS_OF_KEY] = as_of
    st.session_state[PERIOD_KEY] = chosen_period
    url_state.to_url(url_state.AS_OF, as_of)
    url_state.to_url(url_state.PERIOD_FROM, chosen_period[0])
    url_state.to_url(url_state.PERIOD_TO, chosen_period[1])
    return Dates(as_of, (chosen_period[0], chosen_period[1]))


def _date_input(
    key: str,
    value: Any,
    limits: tuple[dt.date, dt.date],
    bounds_id: str,
    lang: str,
    **days: dt.date,
) -> Any:
    """The date widget of the choice kept under `key` (`app.<name>`, titled `dates.<name>`)
    within `limits`, keyed anew when the bounds or the language change (`bounds_id`); its
    help text names the `days`."""
    name = key.removeprefix("app.")
    return st.date_input(
        t(f"dates.{name}", lang),
        value=value,
        min_value=limits[0],
        max_value=limits[1],
        format=WIDGET_FORMATS.get(lang, WIDGET_FORMATS["en"]),
        key=f"{key}.{bounds_id}",
        help=t(f"dates.{name}.help", lang, **{k: format_date(d, lang) for k, d in days.items()}),
    )


def _period_from_url() -> tuple[dt.date, dt.date] | None:
    start = url_state.date_from_url(url_state.PERIOD_FROM)
    end = url_state.date_from_url(url_state.PERIOD_TO)
    return (start, end) if start and end and start <= end else None


def dates_caption(dates: Dates, lang: str) -> str:
    """`Stichtag 25.11.2026 · Zeitraum 01.06.2024–31.05.2028` for a page's subtitle."""
    return t(
        "dates.caption",
        lang,
        as_of=format_date(dates.as_of, lang),
        start=format_date(dates.period[0], lang),
        end=format_date(dates.period[1], lang),
    )
