"""Contrast of the theme's colours (WCAG 2.1 AA, 1.4.3: text at least 4.5:1), computed from the
colours the app is configured with; the browser test (tests/e2e) checks the drawn pages."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from zakid_metrics import charts
from zakid_metrics.charts import MIN_TEXT_CONTRAST, contrast_ratio
from zakid_metrics.dashboard.components.sdg_grid import ink
from zakid_metrics.sdg import GOALS, Goal

ROOT = Path(__file__).resolve().parents[2]
THEME = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
# Streamlit draws captions in the text colour at 60 % opacity, and warnings on this background.
CAPTION_OPACITY = 0.6
STREAMLIT_YELLOW_BACKGROUND = "#fffae5"


def blend(colour: str, background: str, opacity: float) -> str:
    """`colour` drawn at `opacity` over `background`, as the browser shows it."""
    mixed = [
        round(opacity * int(colour[i : i + 2], 16) + (1 - opacity) * int(background[i : i + 2], 16))
        for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{channel:02x}" for channel in mixed)


def test_contrast_ratio_follows_wcag() -> None:
    assert contrast_ratio("#000000", "#ffffff") == 21
    assert contrast_ratio("#ffffff", "#ffffff") == 1
    assert round(contrast_ratio("#777d85", "#ffffff"), 2) == 4.15  # the old caption colour


def test_blend_draws_the_old_caption_colour_axe_measured() -> None:
    # The captions: 4.15:1 on the page and 3.99:1 in the sidebar.
    assert blend("#1d2733", "#ffffff", CAPTION_OPACITY) == "#777d85"
    assert blend("#1d2733", "#f2f4f7", CAPTION_OPACITY) == "#727981"


@pytest.mark.parametrize(
    ("background", "ratio"), [("backgroundColor", 4.9), ("secondaryBackgroundColor", 4.78)]
)
def test_captions_read_at_least_4_5_to_1_on_page_and_sidebar(background: str, ratio: float) -> None:
    caption = blend(THEME["textColor"], THEME[background], CAPTION_OPACITY)
    assert round(contrast_ratio(caption, THEME[background]), 2) == ratio >= MIN_TEXT_CONTRAST


@pytest.mark.parametrize(
    ("text", "background"),
    [
        (THEME["textColor"], THEME["backgroundColor"]),
        (THEME["textColor"], THEME["secondaryBackgroundColor"]),
        ("#ffffff", THEME["primaryColor"]),  # a primary button's label
        (THEME["primaryColor"], THEME["backgroundColor"]),  # links and focused widgets
        (THEME["yellowTextColor"], STREAMLIT_YELLOW_BACKGROUND),  # st.warning
        (charts.INK, "#ffffff"),  # chart texts
        (charts.MUTED, "#ffffff"),
    ],
)
def test_theme_text_reads_at_least_4_5_to_1(text: str, background: str) -> None:
    assert contrast_ratio(text, background) >= MIN_TEXT_CONTRAST


@pytest.mark.parametrize("goal", GOALS, ids=lambda goal: f"SDG{goal.number}")
def test_every_sdg_tile_reads_at_least_4_5_to_1(goal: Goal) -> None:
    assert contrast_ratio(ink(goal.colour), goal.colour) >= MIN_TEXT_CONTRAST
