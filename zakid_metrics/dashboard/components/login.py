"""The login gate of the internal app: app.py calls it before st.navigation, so no page runs
for anyone who has not logged in.

Local accounts (zakid_metrics.auth) by default; single sign-on through Streamlit's OIDC
(`st.login`) when .streamlit/secrets.toml has an `[auth]` section. Sessions end after
ZAKID_SESSION_TIMEOUT_MINUTES without interaction. With no account at all, a browser on the
server itself may create the first administrator (like Metabase and Grafana).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final, Literal
from urllib.parse import urlsplit

import streamlit as st

from zakid_metrics.audit import audit
from zakid_metrics.auth import Role, User, add_user, list_users, login, normalise_name
from zakid_metrics.dashboard.components.document import declare_title
from zakid_metrics.dashboard.components.errors import show_error
from zakid_metrics.errors import AuthError
from zakid_metrics.i18n import t
from zakid_metrics.settings import get_settings

USER_KEY: Final = "auth.user"
"""Session state: the logged-in User. Tests of pages set it to skip the form."""
SEEN_KEY: Final = "auth.last_seen"
EXPIRED_KEY: Final = "auth.expired"
METHOD_KEY: Final = "auth.method"

LoginMethod = Literal["local", "oidc"]
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
    user = current_user()
    if user is not None:
        timeout = dt.timedelta(minutes=settings.session_timeout_minutes)
        if now - st.session_state.get(SEEN_KEY, now) <= timeout:
            st.session_state[SEEN_KEY] = now
            _account_box(user, lang)
            return user
        audit("logout", user.name, data_dir=settings.data_dir, reason="timeout")
        oidc = st.session_state.get(METHOD_KEY) == "oidc"
        _forget(oidc=oidc)
        if oidc:  # the browser comes back in a new session, at the provider's login
            st.stop()
        st.session_state[EXPIRED_KEY] = True
    secrets = _secrets()
    if login_method(secrets) == "oidc":
        return _oidc_login(lang, now, oidc_provider(secrets))
    st.title(t("app.title", lang))
    if st.session_state.pop(EXPIRED_KEY, False):
        st.info(t("login.expired", lang, minutes=settings.session_timeout_minutes))
    if not list_users(data_dir=settings.data_dir):
        _first_start(lang, now)
    else:
        _login_form(lang, now)
    st.stop()
    raise AssertionError("st.stop() returned")  # pragma: no cover - st.stop raises


def _secrets() -> Mapping[str, Any]:
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:  # no secrets.toml (StreamlitSecretNotFoundError)
        return {}


def _enter(user: User, now: dt.datetime, method: LoginMethod) -> None:
    st.session_state[USER_KEY] = user
    st.session_state[SEEN_KEY] = now
    st.session_state[METHOD_KEY] = method


def _forget(*, oidc: bool) -> None:
    for key in (USER_KEY, SEEN_KEY, METHOD_KEY):
        st.session_state.pop(key, None)
    if oidc:
        st.logout()


def _log_out() -> None:
    user = current_user()
    if user is not None:
        audit("logout", user.name, data_dir=get_settings().data_dir)
    _forget(oidc=st.session_state.get(METHOD_KEY) == "oidc")


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
    declare_title(t("login.title", lang), lang)
    st.header(t("login.title", lang))
    with st.form("auth.form"):
        name = st.text_input(t("login.name", lang), autocomplete="username")
        password = st.text_input(
            t("login.password", lang), type="password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(t("login.submit", lang), type="primary")
    if submitted:
        try:
            user = login(name, password, data_dir=get_settings().data_dir)
        except AuthError as error:
            show_error(error, lang)
            return
        _enter(user, now, "local")
        st.rerun()


def _first_start(lang: str, now: dt.datetime) -> None:
    declare_title(t("login.first.title", lang), lang)
    st.header(t("login.first.title", lang))
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


def _oidc_login(lang: str, now: dt.datetime, provider: str | None) -> User:
    """Single sign-on: the provider says who it is, the local account says what they may do."""
    declare_title(t("login.title", lang), lang)
    st.title(t("app.title", lang))
    if st.session_state.pop(EXPIRED_KEY, False):
        st.info(t("login.expired", lang, minutes=get_settings().session_timeout_minutes))
    if not st.user.is_logged_in:
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
    account = next((u for u in list_users(data_dir=data_dir) if u.name == name), None)
    if account is None or account.disabled:
        audit("login_failed", name, data_dir=data_dir, reason="no_account", method="oidc")
        st.error(t("login.oidc.no_account", lang, name=name), icon=":material/block:")
        st.code(f"python -m pipelines users add {name} --role viewer", language="bash")
        st.button(t("login.logout", lang), on_click=st.logout, key="auth.oidc_logout")
        st.stop()
    audit("login_ok", account.name, data_dir=data_dir, role=account.role, method="oidc")
    _enter(account, now, "oidc")
    _account_box(account, lang)
    return account
