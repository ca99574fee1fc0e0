"""KPI tiles: value, unit, target and progress, as-of date and freshness, definition and rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import pandas as pd
import streamlit as st

from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components.dates import Dates
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.i18n import CATALOGS, format_date, format_number, format_value, t
from zakid_metrics.kpis import Kpi, KpiResult, Milestone

FreshnessState = Literal["current", "overdue", "never"]
_WORST_FIRST: tuple[FreshnessState, ...] = ("never", "overdue", "current")
LONG_SYMBOLS = frozenset({"days", "t_co2e_per_year", "mwh_per_year"})


class Freshness(NamedTuple):
    """How current the data behind a figure is: the worst of its source entities."""

    state: FreshnessState
    loaded_on: dt.date | None  # the oldest last delivery of the sources
    age_days: int | None


def freshness_of(sources: Sequence[str], status: pd.DataFrame) -> Freshness:
    """The freshness of a figure read from `sources`, from data.entity_status()."""
    rows = status[status["entity"].isin(sources)]
    state = next((s for s in _WORST_FIRST if (rows["freshness"] == s).any()), "never")
    if state == "never":
        return Freshness("never", None, None)
    oldest = rows.sort_values("last_loaded_at").iloc[0]
    return Freshness(state, oldest["last_loaded_at"].date(), int(oldest["age_days"]))


@dataclass(frozen=True)
class TileTexts:
    """What a tile says, apart from its definition and rows."""

    label: str
    value: str
    target: str | None  # e.g. "Ziel 500 bis 31.05.2028 · Etappe 280 bis 31.12.2026"
    progress: float | None  # 0..1 for the bar
    progress_text: str | None  # e.g. "53,6 % des Ziels"
    dates: str  # as-of date and freshness
    stale: str | None
    change: str | None = None  # e.g. "+12" against the previous month's value
    change_since: str | None = None  # e.g. "gegenüber 25.10.2026"
    trend: tuple[float, ...] = ()  # the monthly values for the sparkline
    status: str | None = None  # the forecast's status, e.g. ":green[auf Kurs]"


# Colour of a forecast status on a tile (CONTRACT.md section 1: on_track, at_risk, off_track).
STATUS_COLOURS = {"on_track": "green", "at_risk": "orange", "off_track": "red"}


def tile_texts(
    result: KpiResult,
    lang: str,
    freshness: Freshness,
    *,
    label: str | None = None,
    value: Any = None,
    value_text: str | None = None,
    unit: str | None = None,
    final: Milestone | None = None,
    target_text: str | None = None,
    trend: Sequence[tuple[dt.date, Any]] = (),
    outlook: str | None = None,
) -> TileTexts:
    """The texts of a tile for `result`; `value`, `unit`, `final` and `target_text` (the line
    under the progress bar) replace the result's. `trend` holds (day, value) of the KPI's
    monthly values up to the as-of date (data.kpi_trend): the sparkline and the change against
    the month before; `outlook` the forecast's status (on_track, at_risk, off_track)."""
    unit = unit or result.kpi.unit
    shown = result.value if value is None else value
    final = final or result.final_target
    next_ = result.target if final is result.final_target else None
    target = progress = progress_text = None
    if final is not None:
        target = t(
            "tile.target",
            lang,
            value=format_value(final.target_value, unit, lang),
            due_on=format_date(final.due_on, lang),
        )
        if next_ is not None and next_ != final:
            target += " · " + t(
                "tile.milestone",
                lang,
                value=format_value(next_.target_value, unit, lang),
                due_on=format_date(next_.due_on, lang),
            )
        if shown is not None and final.target_value:
            share = float(shown) / float(final.target_value)
            progress = min(max(share, 0.0), 1.0)
            # Against a plan or an approved sum (target_text given) "of the target" would mislead.
            progress_text = t(
                "tile.progress_plain" if target_text else "tile.progress",
                lang,
                share=format_number(share * 100, lang, 1),
            )
    if freshness.state == "never":
        fresh = t("tile.fresh.never", lang)
    else:
        fresh = t(
            f"tile.fresh.{freshness.state}",
            lang,
            loaded_on=format_date(freshness.loaded_on, lang),
            days=format_number(freshness.age_days, lang),
        )
    stale = None
    if result.stale_rows:
        stale = t("tile.stale", lang, rows=format_number(result.stale_rows, lang))
    label = label or result.kpi.name(lang)
    # A long unit that the label already names ("… (t CO₂e pro Jahr)") would not fit the value.
    named = unit in LONG_SYMBOLS and t(f"unit.{unit}", lang).lower() in label.lower()
    points = [(day, float(v)) for day, v in trend if v is not None and not pd.isna(v)]
    change = change_since = None
    if len(points) >= 2 and points[-1][0] == result.as_of:
        (before, earlier), (_, now) = points[-2], points[-1]
        change = _change(now - earlier, unit, lang)
        change_since = t("tile.change_since", lang, day=format_date(before, lang))
    status = None
    if outlook is not None and f"forecast_status.{outlook}" in CATALOGS.get(lang, CATALOGS["de"]):
        colour = STATUS_COLOURS.get(outlook, "gray")
        status = f":{colour}[{t(f'forecast_status.{outlook}', lang)}]"
    return TileTexts(
        label=label,
        value=value_text or format_value(shown, unit, lang, symbol=not named),
        target=target_text or target,
        progress=progress,
        progress_text=progress_text,
        dates=t("tile.as_of", lang, as_of=format_date(result.as_of, lang)) + " · " + fresh,
        stale=stale,
        change=change,
        change_since=change_since,
        trend=tuple(v for _, v in points) if len(points) >= 2 else (),
        status=status,
    )


def _change(difference: float, unit: str, lang: str) -> str:
    """A change with its sign; a share's in percentage points."""
    sign = "+" if difference > 0 else "−" if difference < 0 else "±"
    if unit == "share":
        points = format_number(abs(difference) * 100, lang, 1)
        return f"{sign}{t('tile.percentage_points', lang, points=points)}"
    return sign + format_value(abs(difference), unit, lang)


def kpi_tile(
    result: KpiResult,
    lang: str,
    *,
    key: str,
    dates: Dates,
    status: pd.DataFrame,
    label: str | None = None,
    value: Any = None,
    value_text: str | None = None,
    unit: str | None = None,
    final: Milestone | None = None,
    target_text: str | None = None,
    note: str | None = None,
    also: Sequence[Kpi] = (),
    targeted: bool = True,
    trend: Sequence[tuple[dt.date, Any]] = (),
    outlook: str | None = None,
) -> None:
    """One KPI as a bordered tile; its button opens the definition and the source rows.

    `status` is data.entity_status(); `also` names further KPIs whose definitions the tile's
    figure builds on (e.g. the approved total of another KPI); `targeted` False for a figure
    that has no target by nature (an amount approved), so the tile does not say it lacks one.
    """
    sources = [*result.kpi.sources, *(s for kpi in also for s in kpi.sources)]
    texts = tile_texts(
        result,
        lang,
        freshness_of(sources, status),
        label=label,
        value=value,
        value_text=value_text,
        unit=unit,
        final=final,
        target_text=target_text,
        trend=trend,
        outlook=outlook,
    )
    with st.container(border=True, height="stretch"):
        # The label above the metric wraps; Streamlit's own metric label would be cut off.
        st.markdown(f"**{texts.label}**")
        st.metric(
            texts.label,
            texts.value,
            delta=texts.change,
            delta_color="normal" if result.kpi.direction == "higher" else "inverse",
            delta_description=texts.change_since,
            chart_data=list(texts.trend) or None,
            label_visibility="collapsed",
        )
        if texts.status:
            st.caption(t("tile.status", lang, status=texts.status))
        if texts.progress is not None:
            st.progress(texts.progress, text=texts.progress_text)
        if texts.target:
            st.caption(texts.target)
        elif targeted:
            st.caption(t("tile.no_target", lang))
        if note:
            st.caption(note)
        st.caption(texts.dates)
        if texts.stale:
            st.caption(f":orange[:material/warning: {texts.stale}]")
        details(result.kpi, lang, key=key, dates=dates, also=also)


def details(kpi: Kpi, lang: str, *, key: str, dates: Dates, also: Sequence[Kpi] = ()) -> None:
    """A popover with the KPI's definition and its source rows (computed only when opened)."""
    popover = st.popover(
        t("tile.details", lang),
        icon=":material/info:",
        type="tertiary",
        key=key,
        on_change="rerun",
    )
    if not popover.open:
        return
    with popover:
        for shown in (kpi, *also):
            st.markdown(f"**{shown.name(lang)}**")
            st.markdown(shown.definition(lang))
            st.caption(
                t(
                    "tile.definition_facts",
                    lang,
                    unit=t(f"unit.{shown.unit}", lang),
                    direction=t(f"direction.{shown.direction}", lang),
                    sources=", ".join(_entity_name(s, lang) for s in shown.sources),
                )
            )
            if shown.framework is not None:
                st.caption(shown.framework.text(lang))
        st.markdown(f"**{t('tile.source_rows', lang)}**")
        download_table(
            data.source_rows(kpi.id, dates.as_of, dates.period),
            f"{key}.rows",
            lang,
            file_name=f"{kpi.id}_{dates.as_of.isoformat()}",
            source_rows=True,
        )


def _entity_name(name: str, lang: str) -> str:
    """An entity's name in `lang`; a source without a catalogue text (telemetry) as it is."""
    key = f"entity.{name}"
    return t(key, lang) if key in CATALOGS.get(lang, CATALOGS["de"]) else name


def missing_data_note(sources: Sequence[str], status: pd.DataFrame, lang: str) -> bool:
    """Say which of `sources` were never delivered; True when none of them was."""
    rows = status[status["entity"].isin(sources)]
    never = [name for name in rows.loc[rows["freshness"] == "never", "entity"]]
    if never:
        st.info(
            t(
                "note.never_delivered",
                lang,
                entities=", ".join(t(f"entity.{name}", lang) for name in never),
            ),
            icon=":material/inbox:",
        )
    return len(never) == len(rows)
