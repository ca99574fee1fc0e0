"""Offene Daten: every dataset as CSV, JSON and Parquet, the metadata, and the licence."""

import streamlit as st

from zakid_metrics.dashboard.components import public
from zakid_metrics.i18n import format_number, t
from zakid_metrics.open_data.spec import (
    LICENSE_ID,
    LICENSE_NAME,
    LICENSE_TEXT_URL,
    METADATA_FILE,
    PUBLISHER,
)

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
            file_name = dist["downloadURL"]
            st.download_button(
                file_name.rsplit(".", 1)[1].upper(),
                data=export.files[file_name],
                file_name=file_name,
                mime=dist["mediaType"].removeprefix(
                    "https://www.iana.org/assignments/media-types/"
                ),
                key=f"open_data.{file_name}",
                help=t(
                    "public.open_data.file",
                    lang,
                    file=file_name,
                    size=format_number(dist["byteSize"], lang),
                ),
                on_click="ignore",
                icon=":material/download:",
                type="tertiary",
            )

st.header(t("public.open_data.metadata", lang))
st.markdown(t("public.open_data.metadata.text", lang))
st.download_button(
    METADATA_FILE,
    data=export.files[METADATA_FILE],
    file_name=METADATA_FILE,
    mime="application/ld+json",
    key="open_data.metadata",
    on_click="ignore",
    icon=":material/download:",
)
