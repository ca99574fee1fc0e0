"""The entry point: page setup, mode, language, login and navigation; the rest lives in pages.

`streamlit run app.py` imports this file to find `app`, Streamlit's web server with the app's
own route and headers (zakid_metrics.dashboard.server), and that server runs this same file as
the script of every browser session (as `__main__`).
"""

import streamlit as st

if __name__ != "__main__":
    from zakid_metrics.dashboard import server
    from zakid_metrics.files import private_by_default

    private_by_default()  # uploads and reports made in the app are the owner's only
    app = st.App(__file__, routes=server.routes(), middleware=server.middleware())
else:
    from zakid_metrics.dashboard.components.errors import error_boundary
    from zakid_metrics.dashboard.components.language import language_switch
    from zakid_metrics.dashboard.components.login import require_login
    from zakid_metrics.dashboard.navigation import public_pages, streamlit_pages
    from zakid_metrics.i18n import t
    from zakid_metrics.settings import get_settings

    settings = get_settings()
    st.set_page_config(
        page_title=t("app.title", settings.language), page_icon=":material/memory:", layout="wide"
    )
    with st.sidebar:
        lang = language_switch()

    with error_boundary(lang):
        if settings.mode == "public":
            # No login, and only the open-data export: the public pages never see the warehouse.
            st.navigation(public_pages(lang)).run()
        else:
            # Before st.navigation: no internal page runs for anyone who has not logged in.
            user = require_login(lang)
            st.navigation(streamlit_pages(lang, user)).run()
