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
        key=f"{key}.{lang}.{fingerprint:08x}",
    )
    if chosen not in options:  # a stale label text from the browser
        chosen = options[index]
    st.session_state[key] = chosen
    if url is not None:
        to_url(url, chosen)
    return chosen
