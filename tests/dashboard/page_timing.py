"""Render timings of the dashboard's pages through AppTest, for bench/bench_pages.py.

It lives with the dashboard tests because, like them, it drives the app from outside: only
app.py and the dashboard itself may import Streamlit (tests/test_architecture.py).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.testing.v1 import AppTest

from zakid_metrics.dashboard.navigation import PAGES

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 60
# The pages behind a plain navigation (app.py adds only the sidebar's language switch and the
# login, which an AppTest would have to pass first); absolute page paths, so that the script
# may live anywhere.
NAVIGATION = """
import streamlit as st
from zakid_metrics.dashboard.navigation import PAGES
st.navigation([st.Page("{root}/" + p.script, url_path=p.url_path) for p in PAGES]).run()
"""
REFERENCE = 'import streamlit as st\nst.write("x")\n'


def _timed(at: AppTest) -> float:
    started = time.perf_counter()
    at.run()
    return time.perf_counter() - started


def _cold_and_warm(at: AppTest, script: str | None, repeat: int) -> tuple[float, float]:
    """Seconds of the page's first run with empty caches, and the median of its reruns."""
    st.cache_data.clear()
    if script is not None:
        at.switch_page(script)
    cold = _timed(at)
    warm = statistics.median(_timed(at) for _ in range(repeat))
    if at.exception:
        raise RuntimeError(f"{script or 'the reference'} failed: {at.exception[0].message}")
    return cold, warm


def page_timings(repeat: int = 3) -> dict[str, Any]:
    """`reference` and each page's url path → (cold, warm) seconds, on ZAKID_DATA_DIR's data."""
    timings: dict[str, Any] = {
        "reference": _cold_and_warm(AppTest.from_string(REFERENCE), None, repeat)
    }
    at = AppTest.from_string(NAVIGATION.format(root=ROOT), default_timeout=TIMEOUT_S).run()
    for page in PAGES:
        timings[page.url_path] = _cold_and_warm(at, str(ROOT / page.script), repeat)
    return timings
