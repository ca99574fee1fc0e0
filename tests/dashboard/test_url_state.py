"""The view in the address: a link with language, dates and a page's filter opens that view,
and what the user changes is written back, so the address can be copied at any time. (The
page path and the login in between: tests/e2e/test_login_browser.py.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines.ingest import ingest
from tests.dashboard.conftest import SignIn
from zakid_metrics.dashboard.navigation import PAGES

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60
FINANCE = next(p for p in PAGES if p.url_path == "finance")
COMPANIES = next(p for p in PAGES if p.url_path == "companies")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample delivery, loaded once for the module (copied into each test's data_dir)."""
    data_dir = tmp_path_factory.mktemp("sample")
    assert not ingest([ROOT / "data" / "sample"], data_dir).any_failed
    return data_dir / "warehouse.duckdb"


@pytest.fixture
def loaded(sample: Path, data_dir: Path) -> Path:
    (data_dir / sample.name).write_bytes(sample.read_bytes())
    return data_dir


def opened(page_script: str, sign_in: SignIn, **params: str) -> AppTest:
    """The app on a page, as a new browser session with the address's query parameters."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    sign_in(at, "analyst")
    for name, value in params.items():
        at.query_params[name] = value
    return at.run().switch_page(page_script).run()


def sidebar_dates(at: AppTest) -> list[object]:
    return [box.value for box in at.sidebar.date_input]


def test_a_link_opens_finance_in_english_on_its_dates_and_grant(
    loaded: Path, sign_in: SignIn
) -> None:
    at = opened(
        FINANCE.script, sign_in,
        lang="en", as_of="2026-06-30", **{"from": "2025-01-01", "to": "2025-12-31"},
        grant="03STK0187B",
    )  # fmt: skip
    assert not at.exception
    assert at.title[0].value == "Finances"
    assert sidebar_dates(at) == [
        dt.date(2026, 6, 30),
        (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ]
    assert at.selectbox(key=next(k for k in keys(at) if k.startswith("finance.grant."))).value == (
        "03STK0187B"
    )
    assert dict(at.query_params) == {
        "lang": "en", "as_of": "2026-06-30", "from": "2025-01-01", "to": "2025-12-31",
        "grant": "03STK0187B",
    }  # fmt: skip


def keys(at: AppTest) -> list[str]:
    return [box.key for box in at.selectbox if box.key]


def test_what_the_user_changes_is_written_to_the_address(loaded: Path, sign_in: SignIn) -> None:
    at = opened(FINANCE.script, sign_in)
    assert not at.exception
    params = dict(at.query_params)
    assert params["lang"] == "de" and "grant" not in params  # the joint project: no grant
    assert dt.date.fromisoformat(params["as_of"]) == sidebar_dates(at)[0]
    grant = at.selectbox(key=next(k for k in keys(at) if k.startswith("finance.grant.")))
    grant.select("03STK0187A").run()
    at.sidebar.date_input[0].set_value(dt.date(2025, 12, 31)).run()
    at.radio(key="app.language").set_value("en").run()
    assert not at.exception
    assert {k: at.query_params[k] for k in ("lang", "as_of", "grant")} == {
        "lang": "en",
        "as_of": "2025-12-31",
        "grant": "03STK0187A",
    }


def test_a_link_opens_a_segment_of_the_drill_down(loaded: Path, sign_in: SignIn) -> None:
    at = opened(COMPANIES.script, sign_in, segment="size_class:micro")
    assert not at.exception
    segment = at.selectbox(key=next(k for k in keys(at) if k.startswith("companies.segment.")))
    assert segment.value == ("size_class", "micro")
    assert at.query_params["segment"] == "size_class:micro"
    segment.select(("is_craft", True)).run()
    assert at.query_params["segment"] == "is_craft:True"


def test_nonsense_in_the_address_falls_back_to_the_defaults(loaded: Path, sign_in: SignIn) -> None:
    at = opened(
        FINANCE.script, sign_in, lang="fr", as_of="30.06.2026", grant="nope", to="2025-01-01"
    )
    assert not at.exception
    assert at.title[0].value == "Finanzen"
    params = dict(at.query_params)
    assert params["lang"] == "de" and "grant" not in params
    assert dt.date.fromisoformat(params["as_of"]) == sidebar_dates(at)[0]
