"""The alerts in the app: the active notices a role may see, and the outbox's state."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from zakid_metrics.alerts import RULES, render
from zakid_metrics.auth import Role
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.i18n import format_datetime, format_number, t
from zakid_metrics.outbox import State, decode_params, visible_alerts
from zakid_metrics.settings import get_settings


def _local(moment: pd.Timestamp | None) -> pd.Timestamp | None:
    return None if moment is None else pd.Timestamp(moment).tz_convert(get_settings().timezone)


def active_notices(state: State, role: Role, lang: str, key: str) -> None:
    """The active occurrences `role` may see: rule, what its mail says, since when."""
    active = visible_alerts(state, role)
    if not active:
        st.success(t("notices.none", lang), icon=":material/check_circle:")
        return
    frame = pd.DataFrame(
        {
            "rule": [RULES[a.rule].name(lang) for a in active],
            "subject": [
                render(RULES[a.rule], decode_params(a.params), lang, resolved=False)[0]
                for a in active
            ],
            "since": [_local(a.since) for a in active],
        }
    )
    download_table(frame, key, lang)


def outbox_panel(state: State, lang: str, key: str) -> None:
    """The mails waiting in the outbox, with their tries and last error (administrators)."""
    st.subheader(t("notices.outbox", lang))
    if not state.outbox:
        at = state.last_sent_at
        st.caption(
            t("notices.outbox.empty", lang, at=format_datetime(_local(at), lang) if at else "–")
        )
        return
    failed = [m for m in state.outbox if m.last_error]
    count = format_number(len(failed or state.outbox), lang)
    if failed:
        last = max(failed, key=lambda m: m.next_try_at)
        st.warning(
            t("notices.outbox.failed", lang, count=count, error=last.last_error),
            icon=":material/mail_lock:",
        )
    else:
        st.info(t("notices.outbox.waiting", lang, count=count), icon=":material/outbox:")
    frame = pd.DataFrame(
        {
            "to": [m.to for m in state.outbox],
            "subject": [m.subject for m in state.outbox],
            "attempts": [m.attempts for m in state.outbox],
            "next_try_at": [_local(m.next_try_at) for m in state.outbox],
            "last_error": [m.last_error for m in state.outbox],
        }
    )
    download_table(frame, key, lang)
