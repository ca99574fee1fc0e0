"""A selectbox whose choice survives a language switch and a change of its options."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import TypeVar

import streamlit as st

from zakid_metrics.dashboard.components.url_state import from_url, option_text, to_url

T = TypeVar("T")


def select_one(
    label: str,
    options: Sequence[T],
    *,
    key: str,
    lang: str,
    format_func: Callable[[T], str],
    default_index: int = 0,
    url: str | None = None,
) -> T:
    """The option chosen from non-empty `options`, kept language-neutral in session state `key`
    and, with `url`, in that query parameter of the address (components.url_state).

    Streamlit remembers a selectbox's choice by its label text, which changes with the language
    (and may vanish with the options); so the widget's own key adds both, and a fresh widget
    starts from the option kept under `key`, or, in a new browser session, the address's.
    """
    fingerprint = zlib.crc32(repr(list(options)).encode())
    picks = st.session_state.get(_picks(key), 0)
    if key in st.session_state or url is None:
        kept = st.session_state.get(key)
    else:
        wanted = from_url(url)
        kept = next((o for o in options if option_text(o) == wanted), None)
    index = options.index(kept) if kept in options else default_index
    chosen = st.selectbox(
        label,
        options,
        index=index,
        format_func=format_func,
        key=f"{key}.{lang}.{fingerprint:08x}.{picks}",
    )
    if chosen not in options:  # a stale label text from the browser
        chosen = options[index]
    st.session_state[key] = chosen
    if url is not None:
        to_url(url, chosen)
    return chosen


def choose(key: str, option: object) -> None:
    """Make `option` the choice of the select_one kept under `key`, e.g. from a click on a
    chart (in a callback, before the widget runs). The browser keeps a widget's value as long
    as its key stays, so the choice gets a widget under a new key that starts from `option`."""
    st.session_state[key] = option
    for widget in [k for k in st.session_state if str(k).startswith(f"{key}.")]:
        del st.session_state[widget]
    st.session_state[_picks(key)] = st.session_state.get(_picks(key), 0) + 1


def _picks(key: str) -> str:
    """The session-state key counting the choices made for `key` by `choose`."""
    return f"{key}:picks"
