"""The scaffold every internal page starts from: title, language, dates, KPI results, status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components.dates import Dates, as_of_and_period, dates_caption
from zakid_metrics.dashboard.components.document import declare_title
from zakid_metrics.dashboard.components.language import current_language
from zakid_metrics.dashboard.components.login import may
from zakid_metrics.dashboard.components.start import require_snapshot
from zakid_metrics.dashboard.components.tiles import kpi_tile, missing_data_note
from zakid_metrics.i18n import format_number, t
from zakid_metrics.kpis import FORECAST_KPI, KPIS, KpiResult

Tile = str | tuple[str, Mapping[str, Any]]
"""A tile of a row (Page.tiles): a KPI id, or a KPI id and the options Page.tile takes."""

TREND_KPIS = tuple(kpi.id for kpi in KPIS.values() if kpi.overview and not kpi.reads_telemetry)
"""The KPIs whose tiles show a trend line: the headline figures of the overview."""


def open_page(name: str, *, admin_only: bool = False) -> str:
    """Title the page `name` (i18n `page.<name>`) and return the user's language.

    `admin_only` stops the page for anyone else: navigation hides it from them already, this
    guards a direct call as well.
    """
    lang = current_language()
    title = t(f"page.{name}", lang)
    declare_title(title, lang)
    st.title(title)
    if admin_only and not may("admin"):
        st.error(t("page.admin_only", lang), icon=":material/block:")
        st.stop()
    return lang


@dataclass(frozen=True)
class Page:
    """A KPI page: its name (the prefix of its widget keys), language, the chosen dates, every
    KPI's result on them and the entities' freshness (data.entity_status())."""

    name: str
    lang: str
    meta: data.SnapshotMeta
    dates: Dates
    results: dict[str, KpiResult]
    status: pd.DataFrame
    # The headline KPIs' tiles (those on the overview, `overview: N`) draw their monthly trend,
    # on every page; computed once for all of them (data.kpi_trends) to keep the first render
    # within its budget. Needs the published snapshot, so kpi_page turns it on.
    trends: bool = False

    def tile(self, kpi: str | KpiResult, *, key: str | None = None, **options: Any) -> None:
        """The tile of `kpi` (an id of `results`, or a result), keyed `<page>.<key or id>`;
        `options` as components.tiles.kpi_tile takes them."""
        result = self.results[kpi] if isinstance(kpi, str) else kpi
        # A tile that shows another figure than the KPI's own value gets no trend of it.
        own_value = "value" not in options and "value_text" not in options
        trend: data.Trend = ()
        if self.trends and own_value and result.kpi.id in TREND_KPIS:
            trend = data.kpi_trends(TREND_KPIS, result.as_of, result.period)[result.kpi.id]
        kpi_tile(
            result,
            self.lang,
            key=f"{self.name}.{key or result.kpi.id}",
            dates=self.dates,
            status=self.status,
            trend=trend,
            outlook=self.outlook(result.kpi.id),
            **options,
        )

    def tiles(self, *tiles: Tile) -> None:
        """A row of tiles, a column each."""
        for column, tile in zip(st.columns(len(tiles)), tiles, strict=True):
            kpi_id, options = (tile, {}) if isinstance(tile, str) else tile
            with column:
                self.tile(kpi_id, **options)

    def noted(self, kpi_id: str, key: str, **details: str) -> Tile:
        """The tile of KPI `kpi_id` with the note `key` under it (Page.note)."""
        return kpi_id, {"note": self.note(kpi_id, key, **details)}

    def outlook(self, kpi_id: str) -> str | None:
        """The forecast's status for the end of the funding period of a KPI that has one
        (jobs_forecast_end's row of `kpi_id`), else None."""
        forecast = self.results.get(FORECAST_KPI)
        rows = None if forecast is None else forecast.breakdown
        if rows is None or "status" not in rows.columns:
            return None
        status = rows.loc[rows["kpi_id"] == kpi_id, "status"]
        return None if status.empty or pd.isna(status.iloc[0]) else str(status.iloc[0])

    def note(self, kpi_id: str, key: str, **details: str) -> str:
        """The text `key`, each placeholder set to a number among the details of KPI `kpi_id`:
        `note("sme_share", "overview.sme_note", smes="smes")`."""
        found = self.results[kpi_id].details
        numbers = {name: format_number(found.get(d), self.lang) for name, d in details.items()}
        return t(key, self.lang, **numbers)

    def missing(self, sources: Sequence[str]) -> bool:
        """Say which of `sources` were never delivered; True when none of them was."""
        return missing_data_note(sources, self.status, self.lang)


def kpi_page(name: str, *, sources: Sequence[str] = ()) -> Page:
    """Start page `name`: its title, the published snapshot (or the start page and a stop),
    the dates in the sidebar and under the title, the KPI results and, when any of `sources`
    was never delivered, a note that says so."""
    lang = open_page(name)
    meta = require_snapshot(lang)
    dates = as_of_and_period(lang)
    st.caption(dates_caption(dates, lang))
    page = Page(
        name, lang, meta, dates, data.kpi_results(*dates), data.entity_status(), trends=True
    )
    if sources:
        page.missing(sources)
    return page
