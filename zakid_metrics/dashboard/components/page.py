"""The scaffold every internal page starts from: title, language, dates, KPI results, status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components.dates import Dates, as_of_and_period, dates_caption
from zakid_metrics.dashboard.components.language import current_language
from zakid_metrics.dashboard.components.login import may
from zakid_metrics.dashboard.components.start import require_snapshot
from zakid_metrics.dashboard.components.tiles import kpi_tile, missing_data_note
from zakid_metrics.i18n import format_number, t
from zakid_metrics.kpis import KpiResult


def open_page(name: str, *, admin_only: bool = False) -> str:
    """Title the page `name` (i18n `page.<name>`) and return the user's language.

    `admin_only` stops the page for anyone else: navigation hides it from them already, this
    guards a direct call as well.
    """
    lang = current_language()
    st.title(t(f"page.{name}", lang))
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

    def tile(self, kpi: str | KpiResult, *, key: str | None = None, **options: Any) -> None:
        """The tile of `kpi` (an id of `results`, or a result), keyed `<page>.<key or id>`;
        `options` as components.tiles.kpi_tile takes them."""
        result = self.results[kpi] if isinstance(kpi, str) else kpi
        kpi_tile(
            result,
            self.lang,
            key=f"{self.name}.{key or result.kpi.id}",
            dates=self.dates,
            status=self.status,
            **options,
        )

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
    page = Page(name, lang, meta, dates, data.kpi_results(*dates), data.entity_status())
    if sources:
        page.missing(sources)
    return page
