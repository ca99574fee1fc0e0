"""The 17 goals as a grid in their official colours, marked by coverage in text and pattern."""

from __future__ import annotations

import html
from typing import Literal

import pandas as pd
import streamlit as st

from zakid_metrics import charts
from zakid_metrics.i18n import format_number, t
from zakid_metrics.sdg import GOALS, Goal

Coverage = Literal["verified", "unverified", "none"]
COVERAGES: tuple[Coverage, ...] = ("verified", "unverified", "none")
SYMBOLS: dict[Coverage, str] = {"verified": "✓", "unverified": "◐", "none": "–"}
# Every official goal colour reads at least 4.5:1 with one of DARK and LIGHT (the theme's text
# colour and white); the darker #1F2937 read 4.1:1 on goal 5's red.
DARK, LIGHT, NONE_BG, NONE_INK = "#0B1220", "#FFFFFF", "#F3F4F6", "#4B5563"


def coverage(breakdown: pd.DataFrame | None) -> dict[int, tuple[Coverage, int, int]]:
    """Per goal 1..17: its coverage and its verified and unverified contribution counts.

    `breakdown` is the sdg_contributions KPI's breakdown (`sdg_goal`, `verified`,
    `unverified`); a goal with at least one verified contribution is `verified`, one with
    only unverified ones `unverified`.
    """
    rows = {} if breakdown is None else breakdown.set_index("sdg_goal").to_dict("index")
    found: dict[int, tuple[Coverage, int, int]] = {}
    for goal in GOALS:
        row = rows.get(goal.number, {})
        verified, unverified = int(row.get("verified", 0)), int(row.get("unverified", 0))
        state: Coverage = "verified" if verified else "unverified" if unverified else "none"
        found[goal.number] = (state, verified, unverified)
    return found


def ink(colour: str) -> str:
    """Dark or white text, whichever reads better on `colour` (WCAG contrast ratio)."""
    return max((DARK, LIGHT), key=lambda text: charts.contrast_ratio(text, colour))


def _tile(goal: Goal, state: Coverage, verified: int, unverified: int, lang: str) -> str:
    name = html.escape(goal.name(lang))
    status = t(
        f"sdg_grid.{state}",
        lang,
        verified=format_number(verified, lang),
        unverified=format_number(unverified, lang),
    )
    if state == "verified":
        style = f"background:{goal.colour};color:{ink(goal.colour)};border:3px solid {goal.colour}"
    elif state == "unverified":
        stripes = f"repeating-linear-gradient(135deg,{goal.colour}33 0 8px,#FFFFFF 8px 16px)"
        style = f"background:{stripes};color:{DARK};border:3px dashed {goal.colour}"
    else:
        style = f"background:{NONE_BG};color:{NONE_INK};border:2px dotted #9CA3AF"
    label = html.escape(f"SDG {goal.number} {goal.name(lang)}: {status}")
    return (
        f'<div class="sdg-tile sdg-{state}" data-goal="{goal.number}" data-coverage="{state}" '
        f'title="{label}" style="{style};border-radius:6px;padding:8px 10px;min-height:104px;'
        'display:flex;flex-direction:column;gap:2px">'
        f'<div style="font-size:1.6rem;font-weight:700;line-height:1">{goal.number}</div>'
        f'<div style="font-size:0.8rem;line-height:1.15;flex:1">{name}</div>'
        f'<div style="font-size:0.8rem;font-weight:600">{SYMBOLS[state]} {html.escape(status)}'
        "</div></div>"
    )


def sdg_grid(found: dict[int, tuple[Coverage, int, int]], lang: str) -> None:
    """Draw the grid and its legend; the status of each goal is written out, not only coloured."""
    tiles = "".join(_tile(goal, *found[goal.number], lang) for goal in GOALS)
    st.html(
        '<div class="sdg-grid" style="display:grid;gap:8px;'
        f'grid-template-columns:repeat(auto-fill,minmax(150px,1fr))">{tiles}</div>'
    )
    st.caption(
        " · ".join(f"{SYMBOLS[state]} {t(f'sdg_grid.legend.{state}', lang)}" for state in COVERAGES)
    )
