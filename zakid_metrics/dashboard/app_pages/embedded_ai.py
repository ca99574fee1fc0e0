"""Eingebettete KI: live deployments by device class and data policy, and the live fleet."""

import streamlit as st

from zakid_metrics import charts
from zakid_metrics.contract import DATA_POLICIES, DEVICE_CLASSES
from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components.figures import bars_section
from zakid_metrics.dashboard.components.fleet import fleet_view
from zakid_metrics.dashboard.components.page import kpi_page
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.i18n import t
from zakid_metrics.tallies import counts, in_order

page = kpi_page("embedded_ai", sources=["deployments", "devices"])
lang, results = page.lang, page.results

live = data.source_rows("deployments_live", *page.dates)
page.tiles(
    "deployments_live",
    page.noted(
        "privacy_policy_share",
        "embedded_ai.privacy_note",
        private="privacy_preserving",
        live="live",
    ),
    "time_to_production_days",
)

left, right = st.columns(2)
deployments = t("embedded_ai.deployments", lang)
with left:
    frame = in_order(results["deployments_live"].breakdown, "device_class", DEVICE_CLASSES)
    bars_section(
        "embedded_ai.by_device_class",
        frame,
        "device_class",
        deployments,
        lang,
        horizontal=True,
        caption=True,
    )
with right:
    frame = counts(live["data_policy"], DATA_POLICIES, "data_policy")
    bars_section(
        "embedded_ai.by_data_policy",
        frame,
        "data_policy",
        deployments,
        lang,
        horizontal=True,
        caption=True,
        colours=[charts.PALETTE[2]],
    )

st.header(t("embedded_ai.live", lang))
download_table(
    live[
        [
            "deployment_id",
            "project_id",
            "model_name",
            "model_version",
            "device_classes",
            "data_policy",
            "went_live_on",
            "cloud_baseline_latency_ms",
            "latency_slo_ms",
        ]
    ].assign(
        device_classes=live["device_classes"].map(
            lambda classes: ", ".join(t(f"device_class.{c}", lang) for c in classes or [])
        )
    ),
    "embedded_ai.live",
    lang,
    values={"data_policy": "data_policy"},
)

st.header(t("embedded_ai.fleet", lang))
fleet_view(lang)
