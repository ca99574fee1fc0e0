"""KI im Einsatz: live deployments, their data policy and the device fleet, as aggregates."""

import pandas as pd
import streamlit as st

from zakid_metrics.dashboard.components import public
from zakid_metrics.disclosure import TOTAL
from zakid_metrics.i18n import format_datetime, t
from zakid_metrics.settings import get_settings

page = public.public_page("page.embedded_ai")
lang, export = page.lang, page.export
page.tiles(["deployments_live", "privacy_policy_share"])

deployments = export.table("deployments")
st.header(t("public.ai.by_class", lang))
classes = public.cells(deployments, data_policy=TOTAL)
classes = classes[
    (classes["device_class"] != TOTAL) & (classes["suppressed"] | (classes["value"] > 0))
]
names = [public.label("device_class", c, lang) for c in classes["device_class"]]
public.bar_chart(
    names,
    [(t("public.ai.deployments", lang), classes["value"], classes["suppressed"])],
    lang,
    text=public.summary(
        t("public.ai.by_class", lang),
        [
            (n, public.show_value(v, s, "count", lang))
            for n, v, s in zip(names, classes["value"], classes["suppressed"], strict=True)
        ],
        lang,
    ),
    key="public_ai.classes",
)
public.protected_table(
    deployments, ["device_class", "data_policy"], lang, alt=t("public.ai.table", lang)
)
st.caption(t("public.ai.note", lang))

st.header(t("public.ai.fleet", lang))
fleet_meta = export.dataset_metadata("fleet")
if fleet_meta is None:
    st.info(t("public.ai.no_fleet", lang), icon=":material/sensors_off:")
else:
    zone = get_settings().timezone
    window = fleet_meta["temporal"]
    start, end = (
        pd.Timestamp(window[key]).tz_convert(zone).to_pydatetime()
        for key in ("startDate", "endDate")
    )
    st.caption(
        t(
            "public.ai.window",
            lang,
            start=format_datetime(start, lang),
            end=format_datetime(end, lang),
        )
    )
    page.tiles(
        ["devices_online", "inferences_24h", "speedup_vs_cloud", "data_kept_on_device_share"]
    )
public.to_open_data(lang)
