"""Offene Daten: every dataset as CSV, JSON and Parquet, the metadata, and the licence."""

import streamlit as st

from zakid_metrics.dashboard.components import public
from zakid_metrics.i18n import format_number, t
from zakid_metrics.open_data.read import file_of
from zakid_metrics.open_data.spec import (
    LICENSE_ID,
    LICENSE_NAME,
    LICENSE_TEXT_URL,
    METADATA_FILE,
    PUBLISHER,
    media_type,
)
from zakid_metrics.settings import get_settings

page = public.public_page("page.open_data")
lang, export = page.lang, page.export
st.markdown(t("public.open_data.intro", lang))
st.info(
    t(
        "public.open_data.license",
        lang,
        license=LICENSE_NAME,
        url=LICENSE_TEXT_URL,
        publisher=PUBLISHER,
        license_id=LICENSE_ID,
    ),
    icon=":material/license:",
)
st.markdown(t("public.open_data.suppressed", lang))

for entry in export.metadata["dataset"]:
    name = entry["identifier"]
    st.header(entry["title"].get(lang, entry["title"]["de"]))
    st.markdown(entry["description"].get(lang, entry["description"]["de"]))
    with st.container(horizontal=True):
        for dist in entry["distribution"]:
            name = file_of(dist)
            st.download_button(
                name.rsplit(".", 1)[1].upper(),
                data=export.files[name],
                file_name=name,
                mime=media_type(name),
                key=f"open_data.{name}",
                help=t(
                    "public.open_data.file",
                    lang,
                    file=name,
                    size=format_number(dist["byteSize"], lang),
                    url=dist["downloadURL"],
                ),
                on_click="ignore",
                icon=":material/download:",
                type="tertiary",
            )

st.header(t("public.open_data.metadata", lang))
st.markdown(t("public.open_data.metadata.text", lang))
catalogue = get_settings().public_base_url + METADATA_FILE
st.markdown(t("public.open_data.addresses", lang, catalogue=catalogue))
st.download_button(
    METADATA_FILE,
    data=export.files[METADATA_FILE],
    file_name=METADATA_FILE,
    mime=media_type(METADATA_FILE),
    key="open_data.metadata",
    on_click="ignore",
    icon=":material/download:",
)
