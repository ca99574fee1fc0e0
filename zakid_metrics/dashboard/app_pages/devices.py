"""Gerätezugänge: the devices' tokens for the telemetry collector, issued and revoked here."""

import pandas as pd
import streamlit as st

from zakid_metrics.audit import audit
from zakid_metrics.dashboard import data
from zakid_metrics.dashboard.components.choice import select_one
from zakid_metrics.dashboard.components.errors import show_error
from zakid_metrics.dashboard.components.login import current_user
from zakid_metrics.dashboard.components.page import open_page
from zakid_metrics.dashboard.components.start import require_snapshot
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.dashboard.components.tiles import missing_data_note
from zakid_metrics.errors import ZakidError
from zakid_metrics.i18n import t
from zakid_metrics.settings import get_settings
from zakid_metrics.tokens import TokenStore

lang = open_page("devices", admin_only=True)
settings = get_settings()
user = current_user()
require_snapshot(lang)
st.markdown(t("devices.intro", lang))
if missing_data_note(["devices"], data.entity_status(), lang):
    st.stop()

store = TokenStore(settings.data_dir)
ISSUED, DONE, FAILED = "devices.issued", "devices.done", "devices.failed"


# The actions run as callbacks, before the page is drawn, so the table already shows them.
def issue(device: str) -> None:
    try:
        token = store.issue(device)
    except ZakidError as error:
        st.session_state[FAILED] = error
        return
    audit("token_issued", user.name, data_dir=settings.data_dir, device_id=device)
    st.session_state[ISSUED] = (device, token)


def revoke(device: str) -> None:
    try:
        store.revoke(device)
    except ZakidError as error:
        st.session_state[FAILED] = error
        return
    audit("token_revoked", user.name, data_dir=settings.data_dir, device_id=device)
    st.session_state[DONE] = device


# Popped: the token is shown in this run only, and kept nowhere afterwards.
issued = st.session_state.pop(ISSUED, None)
if issued is not None:
    st.success(t("devices.issued", lang, device=issued[0]), icon=":material/check_circle:")
    st.code(issued[1], language=None)
    st.warning(t("devices.issued.once", lang), icon=":material/visibility_off:")
revoked = st.session_state.pop(DONE, None)
if revoked is not None:
    st.success(t("devices.revoked", lang, device=revoked), icon=":material/check_circle:")
failed = st.session_state.pop(FAILED, None)
if failed is not None:
    show_error(failed, lang)

records = store.load()
devices = data.entity_rows("devices").sort_values("device_id")
states = {
    device: "none" if record is None else "active" if record.active else "revoked"
    for device, record in ((d, records.get(d)) for d in devices["device_id"])
}
table = pd.DataFrame(
    {
        "device_id": devices["device_id"].tolist(),
        "deployment_id": devices["deployment_id"].tolist(),
        "device_class": devices["device_class"].tolist(),
        "token": list(states.values()),
        # Stored in UTC (ISO 8601); shown in the configured time zone like every time.
        "issued_at": pd.to_datetime(
            [records[d].issued_at if d in records else None for d in states], utc=True
        ).tz_convert(settings.timezone),
        "revoked_at": pd.to_datetime(
            [records[d].revoked_at if d in records else None for d in states], utc=True
        ).tz_convert(settings.timezone),
    }
)
download_table(
    table,
    "devices.tokens",
    lang,
    values={"device_class": "device_class", "token": "devices.state"},
)
if table.empty:
    st.info(t("devices.none", lang), icon=":material/sensors_off:")
    st.stop()
device = select_one(
    t("devices.device", lang),
    list(states),
    key="devices.device",
    lang=lang,
    format_func=lambda d: f"{d} · {t(f'devices.state.{states[d]}', lang)}",
)
active = states[device] == "active"
with st.container(horizontal=True):
    st.button(
        t("devices.replace" if active else "devices.issue", lang),
        type="primary",
        icon=":material/key:",
        key="devices.issue",
        on_click=issue,
        args=(device,),
    )
    st.button(
        t("devices.revoke", lang),
        icon=":material/key_off:",
        disabled=not active,
        key="devices.revoke",
        on_click=revoke,
        args=(device,),
    )
