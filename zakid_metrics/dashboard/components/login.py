"""The login gate of the internal app: app.py calls it before st.navigation, so no page runs
for anyone who has not logged in.

Local accounts (zakid_metrics.auth) by default; single sign-on through Streamlit's OIDC
(`st.login`) when .streamlit/secrets.toml has an `[auth]` section. A login starts a session on
the server (zakid_metrics.sessions) whose id this browser session keeps; the browser gets an
HttpOnly cookie for it through a one-time ticket (zakid_metrics.dashboard.server), so a reload
or a new tab continues the session. Every run checks the session on the server: logout in any
tab, ZAKID_SESSION_TIMEOUT_MINUTES without interaction, and disabling or removing the account
end it everywhere at the next interaction. With no account at all, a browser on the server
itself may create the first administrator (like Metabase and Grafana).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, Literal, NoReturn
from urllib.parse import urlsplit

import streamlit as st

from zakid_metrics import sessions
from zakid_metrics.audit import audit
from zakid_metrics.auth import (
    UNKNOWN_ACCOUNT,
    Role,
    User,
    add_user,
    list_users,
    login,
    normalise_name,
    session_user,
)
from zakid_metrics.dashboard.components.errors import show_error
from zakid_metrics.dashboard.navigation import PAGES
from zakid_metrics.dashboard.server import session_route
from zakid_metrics.errors import AuthError
from zakid_metrics.i18n import t
from zakid_metrics.settings import get_settings

USER_KEY: Final = "auth.user"
"""Session state: the logged-in User, as checked at the start of this run."""
SESSION_KEY: Final = "auth.session"
"""Session state: the id of the server-side session (tests set it to skip the form)."""
TICKET_KEY: Final = "auth.ticket"
ENDED_KEY: Final = "auth.ended"
LOGGED_OUT_KEY: Final = "auth.logged_out"
DROP_COOKIE_KEY: Final = "auth.drop_cookie"
METHOD_KEY: Final = "auth.method"

LoginMethod = Literal["local", "oidc"]
Ended = Literal["timeout", "lifetime", "ended"]
LOOPBACK: Final = frozenset({"localhost", "127.0.0.1", "::1"})
# A request that passed a proxy is not from this machine's browser, whatever its peer address.
PROXY_HEADERS: Final = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-Ip")
CLI_ADD_ADMIN: Final = "python -m pipelines users add NAME --role admin"


def login_method(secrets: Mapping[str, Any]) -> LoginMethod:
    """`oidc` when `secrets` has an `[auth]` section Streamlit can log in with (redirect_uri,
    cookie_secret and a provider's client_id, directly or in a named provider); else `local`."""
    auth = secrets.get("auth")
    if not isinstance(auth, Mapping):
        return "local"
    if not auth.get("redirect_uri") or not auth.get("cookie_secret"):
        return "local"
    providers = [auth, *(value for value in auth.values() if isinstance(value, Mapping))]
    return "oidc" if any(provider.get("client_id") for provider in providers) else "local"


def oidc_provider(secrets: Mapping[str, Any]) -> str | None:
    """The provider `st.login` is called with: None for client_id directly in `[auth]`, else
    the first `[auth.<name>]` section that has one."""
    auth = secrets.get("auth", {})
    if auth.get("client_id"):
        return None
    return next(
        (
            name
            for name, value in auth.items()
            if isinstance(value, Mapping) and value.get("client_id")
        ),
        None,
    )


def is_local_request(ip_address: str | None, headers: Mapping[str, str]) -> bool:
    """Whether the browser runs on this machine: a loopback peer (Streamlit reports it as no
    address), no proxy in between, and loopback host names in Host and Origin."""
    if ip_address is not None or not headers:
        return False
    lowered = {name.lower(): value for name, value in headers.items()}
    if any(name.lower() in lowered for name in PROXY_HEADERS):
        return False
    hosts = {urlsplit(f"//{lowered.get('host', '')}").hostname}
    if "origin" in lowered:
        hosts.add(urlsplit(lowered["origin"]).hostname)
    return hosts <= LOOPBACK


def current_user() -> User | None:
    """The logged-in user of this session (None in the public app and before login)."""
    return st.session_state.get(USER_KEY)


def may(role: Role) -> bool:
    """Whether the session's user has at least `role` (README: role matrix)."""
    user = current_user()
    return user is not None and user.has_role(role)


def require_login(lang: str) -> User:
    """The logged-in user; otherwise the login (or first start) and st.stop()."""
    settings = get_settings()
    now = dt.datetime.now(dt.UTC)
    found = _live_session(now)
    if found is not None:
        session, user = found
        sessions.touch(session, now, data_dir=settings.data_dir)
        st.session_state[USER_KEY] = user
        _hand_over_cookie(session)
        _account_box(user, lang)
        return user
    _end_here(now)
    _drop_cookie()

    def gate() -> None:
        secrets = _secrets()
        if login_method(secrets) == "oidc":
            _oidc_login(lang, now, oidc_provider(secrets))
        st.title(t("app.title", lang))
        _ended_note(lang)
        if not list_users(data_dir=settings.data_dir):
            _first_start(lang, now)
        else:
            _login_form(lang, now)

    # The gate answers at every page's address, with no menu: the address asked for (a deep
    # link, `/finance?grant=...`) stays, and after the login it is that page that runs.
    stand_ins = [
        st.Page(gate, title=t(page.title_key, lang), url_path=page.url_path, default=n == 0)
        for n, page in enumerate(PAGES)
    ]
    st.navigation(stand_ins, position="hidden").run()
    st.stop()
    raise AssertionError("st.stop() returned")  # pragma: no cover - st.stop raises


def require_live_session() -> None:
    """For a fragment that refreshes itself (st.fragment(run_every=...)): when the session has
    ended (timeout, logout in another tab, account disabled or removed), rerun the whole app,
    whose login gate takes over, before the fragment loads anything. The check does not count
    as activity, so a refreshing page does not keep an idle session alive."""
    session_id = st.session_state.get(SESSION_KEY)
    if session_id is None:
        return  # the public app; a component test without the login gate
    if session_user(session_id, dt.datetime.now(dt.UTC), data_dir=get_settings().data_dir) is None:
        st.rerun(scope="app")


def _live_session(now: dt.datetime) -> tuple[sessions.Session, User] | None:
    """This browser session's server session, or the one its cookie names (reload, new tab)."""
    data_dir = get_settings().data_dir
    session_id = st.session_state.get(SESSION_KEY)
    if session_id is not None:
        return session_user(session_id, now, data_dir=data_dir)
    if st.session_state.get(LOGGED_OUT_KEY):
        return None  # this tab's cookie is the one just logged out
    cookie = st.context.cookies.get(sessions.COOKIE_NAME)
    if not isinstance(cookie, str) or not cookie:
        return None
    found = session_user(None, now, cookie=cookie, data_dir=data_dir)
    if found is not None:
        st.session_state[SESSION_KEY] = found[0].id
    return found


def _end_here(now: dt.datetime) -> None:
    """Forget an ended session in this browser session; a timeout is audited by the tab that
    notices it first."""
    session_id = st.session_state.get(SESSION_KEY)
    if session_id is None:
        return
    data_dir = get_settings().data_dir
    ended: Ended = "ended"  # by a logout elsewhere, or by a change of the account
    session = sessions.end(session_id, data_dir=data_dir)
    account = None if session is None else _account(session.user, data_dir)
    if (
        session is not None
        and account is not None
        and (account.created_at == session.account_created_at and not account.disabled)
    ):
        ended = "lifetime" if now - session.started_at > sessions.MAX_LIFETIME else "timeout"
        audit("logout", session.user, data_dir=data_dir, reason=ended)
    oidc = st.session_state.get(METHOD_KEY) == "oidc"
    _forget()
    st.session_state[ENDED_KEY] = ended
    st.session_state[LOGGED_OUT_KEY] = True
    if oidc:
        st.logout()  # the browser comes back in a new session, at the provider's login


def _account(name: str, data_dir: Path) -> User | None:
    return next((u for u in list_users(data_dir=data_dir) if u.name == name), None)


def _ended_note(lang: str) -> None:
    ended = st.session_state.pop(ENDED_KEY, None)
    if ended == "timeout":
        st.info(t("login.expired", lang, minutes=get_settings().session_timeout_minutes))
    elif ended is not None:
        st.info(t(f"login.{ended}", lang, hours=int(sessions.MAX_LIFETIME.total_seconds() // 3600)))


def _hand_over_cookie(session: sessions.Session) -> None:
    """Until the browser has exchanged this login's one-time ticket for the HttpOnly cookie,
    a script in the page does so (fetch to the app's own session route)."""
    ticket = st.session_state.get(TICKET_KEY)
    if ticket is None:
        return
    if not sessions.ticket_pending(session.id, data_dir=get_settings().data_dir):
        del st.session_state[TICKET_KEY]
        return
    request = {
        "method": "POST",
        "credentials": "same-origin",
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"ticket": ticket}),
    }
    st.html(
        f"<script>fetch({json.dumps(session_route())}, {json.dumps(request)});</script>",
        unsafe_allow_javascript=True,
    )


def _drop_cookie() -> None:
    """After a logout in this tab, the browser removes the (now useless) cookie."""
    if st.session_state.pop(DROP_COOKIE_KEY, False):
        request = {"method": "DELETE", "credentials": "same-origin"}
        st.html(
            f"<script>fetch({json.dumps(session_route())}, {json.dumps(request)});</script>",
            unsafe_allow_javascript=True,
        )


def _address() -> str | None:
    """The browser's address (behind a proxy: as the proxy forwards it, README), None on this
    machine."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None  # not a string without a browser


def _secrets() -> Mapping[str, Any]:
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:  # no secrets.toml (StreamlitSecretNotFoundError)
        return {}


def _enter(user: User, now: dt.datetime, method: LoginMethod) -> None:
    """Start the server session of `user` in this browser session."""
    session, ticket = sessions.start(
        user.name, user.created_at, now, data_dir=get_settings().data_dir
    )
    st.session_state[SESSION_KEY] = session.id
    st.session_state[TICKET_KEY] = ticket
    st.session_state[USER_KEY] = user
    st.session_state[METHOD_KEY] = method
    st.session_state.pop(LOGGED_OUT_KEY, None)


def _forget() -> None:
    for key in (USER_KEY, SESSION_KEY, TICKET_KEY, METHOD_KEY):
        st.session_state.pop(key, None)


def _log_out() -> None:
    """End the session on the server, so every tab that shares it is logged out as well."""
    user = current_user()
    data_dir = get_settings().data_dir
    session_id = st.session_state.get(SESSION_KEY)
    if session_id is not None:
        sessions.end(session_id, data_dir=data_dir)
    if user is not None:
        audit("logout", user.name, data_dir=data_dir)
    oidc = st.session_state.get(METHOD_KEY) == "oidc"
    _forget()
    st.session_state[LOGGED_OUT_KEY] = True
    st.session_state[DROP_COOKIE_KEY] = True
    if oidc:
        st.logout()


def _account_box(user: User, lang: str) -> None:
    with st.sidebar:
        st.caption(t("login.signed_in", lang, name=user.name, role=t(f"role.{user.role}", lang)))
        st.button(
            t("login.logout", lang),
            on_click=_log_out,
            icon=":material/logout:",
            key="auth.logout",
            type="tertiary",
        )


def _login_form(lang: str, now: dt.datetime) -> None:
    st.subheader(t("login.title", lang))
    with st.form("auth.form"):
        name = st.text_input(t("login.name", lang), autocomplete="username")
        password = st.text_input(
            t("login.password", lang), type="password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(t("login.submit", lang), type="primary")
    if submitted:
        try:
            user = login(name, password, address=_address(), data_dir=get_settings().data_dir)
        except AuthError as error:
            show_error(error, lang)
            return
        _enter(user, now, "local")
        st.rerun()


def _first_start(lang: str, now: dt.datetime) -> None:
    st.subheader(t("login.first.title", lang))
    if not is_local_request(st.context.ip_address, st.context.headers):
        st.info(t("login.first.remote", lang), icon=":material/lock:")
        st.code(CLI_ADD_ADMIN, language="bash")
        return
    st.markdown(t("login.first.local", lang))
    with st.form("auth.first"):
        name = st.text_input(t("login.name", lang), autocomplete="username")
        password = st.text_input(
            t("login.password", lang), type="password", autocomplete="new-password"
        )
        repeated = st.text_input(
            t("login.password_repeat", lang), type="password", autocomplete="new-password"
        )
        submitted = st.form_submit_button(t("login.first.submit", lang), type="primary")
    if not submitted:
        return
    if password != repeated:
        st.error(t("login.first.mismatch", lang), icon=":material/error:")
        return
    data_dir = get_settings().data_dir
    if list_users(data_dir=data_dir):  # someone was quicker: from now on, log in as usual
        st.rerun()
    try:
        user = add_user(name, "admin", password, by="first-start@localhost", data_dir=data_dir)
    except AuthError as error:
        show_error(error, lang)
        return
    audit("login_ok", user.name, data_dir=data_dir, role=user.role, method="first_start")
    _enter(user, now, "local")
    st.rerun()


def _oidc_login(lang: str, now: dt.datetime, provider: str | None) -> NoReturn:
    """Single sign-on: the provider says who it is, the local account says what they may do;
    a new session then reruns the app."""
    st.title(t("app.title", lang))
    _ended_note(lang)
    if not st.user.is_logged_in or st.session_state.get(LOGGED_OUT_KEY):
        st.button(
            t("login.oidc", lang),
            on_click=st.login,
            args=(provider,),
            type="primary",
            key="auth.oidc",
        )
        st.stop()
    identity = str(st.user.get("email") or st.user.get("preferred_username") or "")
    name = normalise_name(identity)
    data_dir = get_settings().data_dir
    account = _account(name, data_dir)
    if account is None or account.disabled:
        who = UNKNOWN_ACCOUNT if account is None else name
        audit("login_failed", who, data_dir=data_dir, reason="no_account", method="oidc")
        st.error(t("login.oidc.no_account", lang, name=name), icon=":material/block:")
        st.code(f"python -m pipelines users add {name} --role viewer", language="bash")
        st.button(t("login.logout", lang), on_click=st.logout, key="auth.oidc_logout")
        st.stop()
    audit("login_ok", account.name, data_dir=data_dir, role=account.role, method="oidc")
    _enter(account, now, "oidc")
    st.rerun()
