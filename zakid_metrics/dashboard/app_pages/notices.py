"""Hinweise: the active alerts the logged-in user's role may see; for administrators also the
outbox with its failed deliveries."""

import pandas as pd
import streamlit as st

from zakid_metrics.alerts import RULES
from zakid_metrics.dashboard.components.alerts import active_notices, outbox_panel
from zakid_metrics.dashboard.components.login import current_user, may
from zakid_metrics.dashboard.components.page import open_page
from zakid_metrics.dashboard.components.start import require_snapshot
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.i18n import format_datetime, format_number, t
from zakid_metrics.outbox import load_state
from zakid_metrics.settings import get_settings
from zakid_metrics.subscriptions import may_receive

lang = open_page("notices")
require_snapshot(lang)
settings = get_settings()
user = current_user()
role = user.role if user else "viewer"
state = load_state(settings.data_dir)
st.caption(t("notices.intro", lang))
if state.evaluated_at is None:
    st.info(t("notices.never", lang), icon=":material/schedule:")
else:
    at = pd.Timestamp(state.evaluated_at).tz_convert(settings.timezone)
    st.caption(
        t("notices.evaluated", lang, at=format_datetime(at, lang), timezone=settings.timezone)
    )

st.subheader(t("notices.active", lang))
active_notices(state, role, lang, "notices.active")
unknown = [RULES[r].name(lang) for r in state.unknown if may_receive(role, r)]
if unknown:
    st.info(t("notices.unknown", lang, rules=", ".join(unknown)), icon=":material/help:")

st.subheader(t("notices.rules", lang))
rules = [rule for rule in RULES.values() if may_receive(role, rule.id)]
download_table(
    pd.DataFrame(
        {
            "rule": [rule.name(lang) for rule in rules],
            "active": [
                format_number(sum(a.rule == rule.id for a in state.active.values()), lang)
                for rule in rules
            ],
        }
    ),
    "notices.rules",
    lang,
)
if may("admin"):
    outbox_panel(state, lang, "notices.outbox")
