"""Benachrichtigungen: who receives which alert and digest by mail (administrators)."""

import pandas as pd
import streamlit as st

from zakid_metrics.auth import ROLES, list_users
from zakid_metrics.dashboard.components.alerts import outbox_panel
from zakid_metrics.dashboard.components.choice import select_one
from zakid_metrics.dashboard.components.errors import show_error
from zakid_metrics.dashboard.components.login import current_user
from zakid_metrics.dashboard.components.page import open_page
from zakid_metrics.dashboard.components.start import require_snapshot
from zakid_metrics.dashboard.components.tables import download_table
from zakid_metrics.errors import ZakidError
from zakid_metrics.i18n import LANGUAGES, t
from zakid_metrics.outbox import load_state
from zakid_metrics.settings import get_settings
from zakid_metrics.subscriptions import (
    TOPICS,
    deliveries,
    may_receive,
    subscribe,
    topic_name,
    unsubscribe,
)

lang = open_page("alerts", admin_only=True)
require_snapshot(lang)
settings = get_settings()
admin = current_user()
by = admin.name if admin else "unknown"
st.markdown(t("alerts.intro", lang))
DONE, FAILED = "alerts.done", "alerts.failed"


def names(topics: tuple[str, ...] | list[str]) -> str:
    return ", ".join(topic_name(topic, lang) for topic in topics) or t("alerts.nothing", lang)


# The changes run as callbacks, before the page is drawn, so the tables already show them.
def save(user: str, email: str, language: str, topics: list[str]) -> None:
    try:
        recipient = subscribe(
            user, topics, by=by, email=email or None, language=language,
            data_dir=settings.data_dir,
        )  # fmt: skip
    except ZakidError as error:
        st.session_state[FAILED] = error
        return
    st.session_state[DONE] = t("alerts.saved", lang, user=user, topics=names(recipient.topics))


def remove(user: str, topics: list[str]) -> None:
    try:
        left = unsubscribe(user, topics or None, by=by, data_dir=settings.data_dir)
    except ZakidError as error:
        st.session_state[FAILED] = error
        return
    st.session_state[DONE] = t(
        "alerts.removed", lang, user=user, topics=names(left.topics if left else ())
    )


done = st.session_state.pop(DONE, None)
if done is not None:
    st.success(done, icon=":material/check_circle:")
failed = st.session_state.pop(FAILED, None)
if failed is not None:
    show_error(failed, lang)

recipients = deliveries(data_dir=settings.data_dir)
st.subheader(t("alerts.recipients", lang))
download_table(
    pd.DataFrame(
        {
            "user": [d.recipient.user for d in recipients],
            "email": [d.recipient.email for d in recipients],
            "language": [d.recipient.language for d in recipients],
            "role": [
                t(f"role.{d.role}", lang) if d.role else t("alerts.inactive", lang)
                for d in recipients
            ],
            "topics": [names(d.recipient.topics) for d in recipients],
        }
    ),
    "alerts.recipients",
    lang,
)

users = [u for u in list_users(data_dir=settings.data_dir) if not u.disabled]
if not users:
    st.info(t("alerts.no_users", lang), icon=":material/group_off:")
else:
    st.subheader(t("alerts.subscribe", lang))
    by_name = {u.name: u for u in users}
    chosen = select_one(
        t("alerts.user", lang), list(by_name), key="alerts.user", lang=lang,
        format_func=lambda name: f"{name} · {t(f'role.{by_name[name].role}', lang)}",
    )  # fmt: skip
    stored = next((d.recipient for d in recipients if d.recipient.user == chosen), None)
    email = st.text_input(
        t("alerts.email", lang), value=stored.email if stored else "", key=f"alerts.email.{chosen}"
    )
    language = st.selectbox(
        t("alerts.language", lang), LANGUAGES,
        index=LANGUAGES.index(stored.language) if stored else 0, key=f"alerts.language.{chosen}",
    )  # fmt: skip
    allowed = [topic for topic in TOPICS if may_receive(by_name[chosen].role, topic)]
    topics = st.multiselect(
        t("alerts.topics", lang), allowed, format_func=lambda topic: topic_name(topic, lang),
        key=f"alerts.topics.{chosen}",
    )  # fmt: skip
    with st.container(horizontal=True):
        st.button(
            t("alerts.save", lang), type="primary", icon=":material/notifications:",
            key="alerts.save", disabled=not topics, on_click=save,
            args=(chosen, email, language, topics),
        )  # fmt: skip
        st.button(
            t("alerts.remove", lang), icon=":material/notifications_off:", key="alerts.remove",
            disabled=stored is None, on_click=remove, args=(chosen, topics),
        )  # fmt: skip

st.subheader(t("alerts.matrix", lang))
download_table(
    pd.DataFrame(
        {
            "topic": [topic_name(topic, lang) for topic in TOPICS],
            **{
                role: ["✓" if may_receive(role, topic) else "–" for topic in TOPICS]
                for role in ROLES
            },
        }
    ),
    "alerts.matrix",
    lang,
)
outbox_panel(load_state(settings.data_dir), lang, "alerts.outbox")
