"""Every page renders with and without data; pages and components show exact values."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from tests.dashboard.conftest import SignIn
from zakid_metrics.dashboard.navigation import PAGES, PageSpec
from zakid_metrics.warehouse import next_snapshot

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 30

# The small warehouse: run 1 delivered courses 60 days ago (overdue), run 2 delivered
# companies (1 234 rows, 3 of them stale) an hour ago, rejected 2 rows with 3 problems,
# failed on a jobs file and skipped a file of unknown name.
COMPANIES, STALE, COURSES = 1234, 3, 7
REJECTED = [
    # line, column, value, reason (English), reason_de
    (5, "employees", "-3", "employees must not be below 0.", "employees darf nicht unter 0 sein."),
    (9, "postal_code", "=1+1", "postal_code is not a postal code.", "postal_code ist keine PLZ."),
    (9, "joined_on", "31.02.2026", "joined_on is no calendar day.", "joined_on ist kein Tag."),
]


def build_warehouse(data_dir: Path, now: dt.datetime) -> None:
    """Publish a snapshot with two load runs; `now` is naive UTC like the stored times."""
    old, recent = now - dt.timedelta(days=60), now - dt.timedelta(hours=1)
    with next_snapshot(data_dir) as con:
        con.execute(
            "INSERT INTO companies (company_id, name, employees, postal_code, joined_on, "
            "_run_id, _file, _line, _stale) "
            "SELECT 'C' || i, 'Firma ' || i, 10, '47057', DATE '2025-01-01', 2, "
            "'companies_2026-11.csv', i + 2, i < ? FROM range(?) AS t(i)",
            [STALE, COMPANIES],
        )
        con.execute(
            "INSERT INTO courses (course_id, title, institution, semester, enrolled, "
            "embedded_ai, _run_id, _file, _line) "
            "SELECT 'K' || i, 'Kurs ' || i, 'UDE', 'WS 2025/26', 20, true, 1, 'courses.csv', "
            "i + 2 FROM range(?) AS t(i)",
            [COURSES],
        )
        con.execute(
            "INSERT INTO load_runs VALUES (1, ?, ?, 'ok', 'cli', 1, 7, 7, 0, 0), "
            "(2, ?, ?, 'partial', 'cli', 3, 1245, 1231, 2, 0)",
            [old - dt.timedelta(seconds=5), old, recent - dt.timedelta(seconds=9), recent],
        )
        con.execute(
            "INSERT INTO load_files VALUES "
            "(1, 'courses.csv', '/in/courses.csv', 'courses', 'loaded', 'a1', 900, 'csv', "
            " 'utf-8', ';', 7, 7, 0, 0, [], [], [], []), "
            "(2, 'companies_2026-11.csv', '/in/companies_2026-11.csv', 'companies', 'loaded', "
            " 'b2', 90000, 'csv', 'cp1252', ';', 1233, 1231, 2, 0, [], [], "
            " ['Columns [note] are not part of the contract.'], "
            " ['Spalten [note] gehören nicht zum Datenvertrag.']), "
            "(2, 'jobs.csv', '/in/jobs.csv', 'jobs', 'failed', 'c3', 10, 'csv', 'utf-8', ',', "
            " 12, 0, 0, 0, ['jobs.csv: required column fte is missing.'], "
            " ['jobs.csv: Pflichtspalte fte fehlt.'], [], []), "
            "(2, 'notes.txt', '/in/notes.txt', NULL, 'skipped', 'd4', 5, NULL, NULL, NULL, "
            " 0, 0, 0, 0, ['notes.txt: unknown file name.'], ['notes.txt: unbekannter Name.'], "
            " [], [])"
        )
        con.execute(
            "INSERT INTO rejected_rows SELECT 2, 'companies_2026-11.csv', 'companies', *, "
            "'invalid', NULL FROM (VALUES " + ", ".join(["(?, ?, ?, ?, ?)"] * len(REJECTED)) + ")",
            [value for row in REJECTED for value in row],
        )
        con.execute(
            "INSERT INTO meta VALUES ('snapshot_run_id', '2'), ('published_at', ?)",
            [recent.isoformat()],
        )


@pytest.fixture
def warehouse(data_dir: Path) -> Path:
    build_warehouse(data_dir, dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0))
    return data_dir


def open_page(page: PageSpec, sign_in: SignIn) -> AppTest:
    """The app with an administrator logged in (the login itself: test_login.py), on `page`."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    sign_in(at, "admin")
    return at.run().switch_page(page.script).run()


def texts(at: AppTest) -> str:
    """Everything the page says outside tables, as one string to search in."""
    parts: list[Any] = [*at.title, *at.subheader, *at.caption, *at.markdown, *at.info]
    parts += [*at.warning, *at.success, *at.error]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    return "\n".join(str(getattr(p, "value", p)) for p in parts)


def table(at: AppTest, index: int) -> pd.DataFrame:
    return at.dataframe[index].value


# --- Smoke: every page, with and without data -------------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.url_path)
def test_page_without_data_explains_how_to_load(
    page: PageSpec, data_dir: Path, sign_in: SignIn
) -> None:
    at = open_page(page, sign_in)
    assert not at.exception
    assert not at.error
    if page.url_path == "upload":  # the way to a first delivery in the app itself
        assert len(at.get("file_uploader")) == 1
        return
    assert any("python -m pipelines ingest data/sample" in code.value for code in at.code)
    assert "Lieferung direkt in der App hochladen" in at.get("page_link")[0].proto.label


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.url_path)
def test_page_with_data(page: PageSpec, warehouse: Path, sign_in: SignIn) -> None:
    at = open_page(page, sign_in)
    assert not at.exception
    assert not at.error
    # The small warehouse has companies and courses only: a page whose own data is missing
    # says so instead of showing empty tables.
    never = [i.value for i in at.info if i.value.startswith("Noch nie geliefert:")]
    assert at.dataframe or never, "a page with data shows a table or which data is missing"


# --- Behaviour of the data-status page ----------------------------------------------------------

DATA_STATUS = next(p for p in PAGES if p.url_path == "data-status")


def test_data_status_shows_exact_counts_in_german(warehouse: Path, sign_in: SignIn) -> None:
    at = open_page(DATA_STATUS, sign_in)
    said = texts(at)
    assert "Datensätze: 1.241" in said  # 1 234 companies + 7 courses
    assert "Veraltete Datensätze: 3" in said
    assert "Überfällige Datenarten: 1" in said
    assert "Abgelehnte Zeilen: 2" in said
    assert "Letzte Lieferung älter als 45 Tage: Lehrveranstaltungen (60)." in said
    assert "Abgelehnte Zeilen: 2 · Beanstandungen: 3" in said
    assert "Jeder externe Arbeitsplatz nennt ein Projekt." in said

    entities = table(at, 0).set_index("Datenart")
    assert entities.loc["Unternehmen", "Datensätze"] == COMPANIES
    assert entities.loc["Unternehmen", "davon veraltet"] == STALE
    assert entities.loc["Unternehmen", "Aktualität"] == "aktuell"
    assert entities.loc["Lehrveranstaltungen", "Alter (Tage)"] == "60"  # text: the column has gaps
    assert entities.loc["Arbeitsplätze", "Alter (Tage)"] == "–"
    assert entities.loc["Lehrveranstaltungen", "Aktualität"] == "überfällig"
    assert entities.loc["Arbeitsplätze", "Aktualität"] == "nie geliefert"

    runs = table(at, 1)
    assert runs["Lauf"].tolist() == [2, 1]
    assert runs["Status"].tolist() == ["teilweise", "erfolgreich"]

    files = table(at, 2).set_index("Datei")
    assert files.loc["jobs.csv", "Status"] == "fehlgeschlagen"
    assert files.loc["jobs.csv", "Fehler"] == "jobs.csv: Pflichtspalte fte fehlt."
    assert files.loc["notes.txt", "Status"] == "übersprungen"

    rejected = table(at, 3)
    assert rejected["Zeile"].tolist() == [5, 9, 9]
    assert rejected["Grund"].tolist() == [r[4] for r in REJECTED[:1]] + [
        "joined_on ist kein Tag.",
        "postal_code ist keine PLZ.",
    ]


def publish_kpi_fixture(data_dir: Path) -> None:
    """The KPI tests' fixture delivery (tests/zakid_metrics/kpis/conftest.py), published."""
    from tests.zakid_metrics.kpis.conftest import DELIVERY
    from tests.zakid_metrics.kpis.conftest import build_warehouse as build_fixture

    build_fixture(data_dir, DELIVERY)
    with next_snapshot(data_dir) as con:
        con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('snapshot_run_id', '1'), "
            "('published_at', '2026-07-01T10:00:05')"
        )


def test_headline_tiles_show_their_monthly_trend_and_change(
    data_dir: Path, sign_in: SignIn
) -> None:
    publish_kpi_fixture(data_dir)
    at = open_page(next(p for p in PAGES if p.script.endswith("app_pages/overview.py")), sign_in)
    assert not at.exception
    tiles = {m.label: m.proto for m in at.metric}
    # as of the data's last day (1 September 2026), against 1 August: J1-J4 both times; the
    # line holds the 13 monthly counts from 1 September 2025 on: J1, J2 until June, J3 (30 June)
    # and J4 (1 July) from July
    jobs = tiles["Projektbezogene Arbeitsplätze geschaffen"]
    assert (jobs.body, jobs.delta, jobs.delta_description) == ("4", "±0", "gegenüber 01.08.2026")
    assert list(jobs.chart_data) == [2.0] * 10 + [4.0] * 3


def test_data_status_lists_external_jobs_without_a_project(data_dir: Path, sign_in: SignIn) -> None:
    publish_kpi_fixture(data_dir)
    at = open_page(DATA_STATUS, sign_in)
    # the data's last day (a grant decided on 1 September 2026): J8 and J9 of J5-J9 name no
    # project
    assert "2 externe Arbeitsplätze (40,0 %) nennen kein Projekt (Stand 01.09.2026)" in texts(at)
    unattributed = table(at, len(at.dataframe) - 1)
    assert unattributed["job_id"].tolist() == ["J8", "J9"]


def test_data_status_switches_to_english(warehouse: Path, sign_in: SignIn) -> None:
    at = open_page(DATA_STATUS, sign_in)
    at.radio(key="app.language").set_value("en").run()
    assert not at.exception
    said = texts(at)
    assert "Records: 1,241" in said
    assert "Rejected rows: 2" in said
    rejected = table(at, 3)
    assert rejected["Reason"].tolist()[0] == "employees must not be below 0."
    files = table(at, 2).set_index("File")
    assert files.loc["jobs.csv", "Errors"] == "jobs.csv: required column fte is missing."


def selectbox(at: AppTest, label: str) -> Any:
    return next(box for box in at.selectbox if box.label == label)


def test_data_status_filters_rejected_rows_by_entity_and_run(
    warehouse: Path, sign_in: SignIn
) -> None:
    at = open_page(DATA_STATUS, sign_in)
    assert selectbox(at, "Datenart").options == ["Alle Datenarten", "Unternehmen"]
    selectbox(at, "Datenart").set_value("companies").run()
    assert len(table(at, 3)) == 3
    selectbox(at, "Ladelauf für Dateien und abgelehnte Zeilen").set_value(1).run()
    assert not at.exception
    assert "In diesem Lauf wurde keine Zeile abgelehnt." in texts(at)
    assert table(at, 2)["Datei"].tolist() == ["courses.csv"]


def test_chosen_run_survives_a_language_switch(warehouse: Path, sign_in: SignIn) -> None:
    at = open_page(DATA_STATUS, sign_in)
    selectbox(at, "Ladelauf für Dateien und abgelehnte Zeilen").set_value(1).run()
    at.radio(key="app.language").set_value("en").run()
    assert not at.exception
    run = selectbox(at, "Load run for files and rejected rows")
    assert run.value == 1
    assert run.options[run.index].startswith("Run 1 · ")
    assert table(at, 2)["File"].tolist() == ["courses.csv"]


def test_unreadable_warehouse_is_explained_not_raised(data_dir: Path, sign_in: SignIn) -> None:
    (data_dir / "warehouse.duckdb").write_bytes(b"this is not a duckdb file")
    at = open_page(DATA_STATUS, sign_in)
    assert not at.exception
    assert at.error[0].value == "Der veröffentlichte Datenbestand kann nicht gelesen werden."
    assert "Laden Sie die Lieferung neu" in at.info[0].value


# --- Components ---------------------------------------------------------------------------------


def language_app() -> None:
    import streamlit as st

    from zakid_metrics.dashboard.components.language import current_language, language_switch

    chosen = language_switch()
    st.write(f"chosen={chosen} current={current_language()}")


def test_language_switch_defaults_to_german_and_remembers_english(data_dir: Path) -> None:
    at = AppTest.from_function(language_app, default_timeout=TIMEOUT).run()
    assert at.radio(key="app.language").value == "de"
    assert at.radio(key="app.language").options == ["Deutsch", "English"]
    assert at.markdown[0].value == "chosen=de current=de"
    at.radio(key="app.language").set_value("en").run()
    assert at.markdown[0].value == "chosen=en current=en"
    assert at.session_state["app.language"] == "en"


def download_app() -> None:
    import pandas as pd

    from zakid_metrics.dashboard.components.tables import download_table

    frame = pd.DataFrame({"value": ["=1+1", "ok", "-2", "@x"], "rows": [1234, 5, 6, 7]})
    download_table(frame, "test.table", "de")


@pytest.fixture
def deferred_downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], Any]]:
    """The data callables of the download buttons rendered in an AppTest, by file name."""
    captured: dict[str, Callable[[], Any]] = {}
    original = MediaFileManager.add_deferred

    def spy(self: MediaFileManager, data_callable: Callable[[], Any], *args: Any, **kw: Any) -> str:
        captured[kw["file_name"]] = data_callable
        return original(self, data_callable, *args, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return captured


def test_download_table_escapes_formulas_in_csv_and_xlsx(
    data_dir: Path, deferred_downloads: dict[str, Callable[[], Any]]
) -> None:
    at = AppTest.from_function(download_app, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [b.label for b in at.get("download_button")] == ["CSV", "Excel"]
    assert table(at, 0).columns.tolist() == ["Wert", "Datensätze"]

    csv = deferred_downloads["test_table.csv"]()
    assert csv == (
        b"\xef\xbb\xbfWert;Datens\xc3\xa4tze\r\n'=1+1;1234\r\nok;5\r\n'-2;6\r\n'@x;7\r\n"
    )

    book = openpyxl.load_workbook(io.BytesIO(deferred_downloads["test_table.xlsx"]()))
    cells = book.active["A2:B5"]
    assert [(a.value, a.data_type, a.quotePrefix) for a, _ in cells] == [
        ("=1+1", "s", True),
        ("ok", "s", False),
        ("-2", "s", True),
        ("@x", "s", True),
    ]
    assert [b.value for _, b in cells] == [1234, 5, 6, 7]


# --- Data layer ---------------------------------------------------------------------------------


def test_cache_serves_reruns_and_sees_a_new_load(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zakid_metrics import warehouse as warehouse_module
    from zakid_metrics.dashboard import data

    data.clear()
    opened: list[Path] = []
    read_snapshot = warehouse_module.read_snapshot

    def counting(data_dir: Path) -> Any:
        opened.append(data_dir)
        return read_snapshot(data_dir)

    monkeypatch.setattr(warehouse_module, "read_snapshot", counting)

    def courses() -> int:
        status = data.entity_status()
        return int(status.loc[status["entity"] == "courses", "rows"].iloc[0])

    assert courses() == COURSES
    assert courses() == COURSES
    assert len(opened) == 1, "the second read must come from the cache"

    with next_snapshot(warehouse) as con:
        con.execute(
            "INSERT INTO courses (course_id, title, institution, semester, enrolled, "
            "_run_id, _file, _line) "
            "SELECT 'N' || i, 'Neu ' || i, 'UDE', 'SS 2026', 9, 3, 'courses.csv', i + 2 "
            "FROM range(5) AS t(i)"
        )
    assert courses() == COURSES + 5
    assert len(opened) == 2


def test_each_cached_read_has_its_own_cache(warehouse: Path) -> None:
    """kpi_result and source_rows take the same arguments: they must not share a cache."""
    from zakid_metrics.dashboard import data

    data.clear()
    day = dt.date(2026, 11, 25)
    result = data.kpi_result("courses_offered", day, None)
    rows = data.source_rows("courses_offered", day, None)
    assert result.value == COURSES
    assert isinstance(rows, pd.DataFrame) and len(rows) == COURSES


# --- Finanzen: the funder report's figures, on the KPI fixture's grants -----------------------


@pytest.fixture
def funding_warehouse(data_dir: Path) -> Path:
    from tests.zakid_metrics.kpis.conftest import DELIVERY
    from tests.zakid_metrics.kpis.conftest import build_warehouse as build_funding_warehouse

    build_funding_warehouse(data_dir, DELIVERY)
    with next_snapshot(data_dir) as con:  # published as by a load
        con.execute(
            "INSERT INTO meta VALUES ('snapshot_run_id', '1'), "
            "('published_at', '2026-07-16T08:00:00')"
        )
    return data_dir


def finance_page(sign_in: SignIn, **state: Any) -> AppTest:
    """The Finanzen page as of 15 July 2026 (the fixture's last event), `state` chosen first."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    sign_in(at, "admin")
    for key, value in state.items():
        at.session_state[key] = value
    (finance,) = [p for p in PAGES if p.url_path == "finance"]
    return at.run().switch_page(finance.script).run()


def metrics(at: AppTest) -> dict[str, str]:
    """The report's headline figures (the KPI tiles above them left out)."""
    tiles = {"Abgerufene Fördermittel", "Öffentliche Mittel je externem Arbeitsplatz"}
    return {m.label: m.value for m in at.metric if m.label not in {*tiles, "Hebel privater Mittel"}}


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The one table that has `column`."""
    (found,) = [d.value for d in at.dataframe if column in d.value.columns]
    return found


def test_finance_shows_a_grants_interim_report_of_the_last_completed_year(
    funding_warehouse: Path, sign_in: SignIn
) -> None:
    at = finance_page(sign_in, **{"finance.grant": "G1"})
    assert not at.exception and not at.error
    assert at.selectbox[1].value == ("interim", 2025)
    # G1 (ANBest-P, rate 1) in 2025: eligible 108 100, received DB1 + DB2; 1 900 of DB2 unused
    # at the year's end, 235 days: interest 1 900 x (51 x 7.27 + 184 x 6.27) / 36 500
    assert metrics(at) == {
        "Zuwendungsfähige Ausgaben (kumuliert)": "108.100,00 €",
        "Zuwendungsanteil im Zeitraum": "108.100,00 €",
        "Erhaltene Mittel": "110.000,00 €",
        "Zinsen (§ 49a VwVfG)": "79,35 €",
    }
    assert "Erstattungsbetrag" not in metrics(at)  # an interim report has none
    lines = table_with(at, "Ist kumuliert (€)")
    assert lines["Kategorie"].tolist() == ["Personalausgaben", "Sachausgaben", "Reisen"]
    assert lines["Status"].tolist() == [
        "im Plan",
        "über 20 %: Einwilligung nötig",
        "überschritten, ausgeglichen",
    ]
    assert lines["Ist kumuliert (€)"].tolist() == [90000.0, 12100.0, 6000.0]
    said = texts(at)
    assert "mehr als 20 % über dem Plan" in said
    # own funds of 2025: 12 000 against 10 000 planned
    assert "übersteigen den Plan um 2.000,00 €" in said
    idle = table_with(at, "Tage ungenutzt")
    assert idle[["Abruf-ID", "Betrag (€)", "Tage ungenutzt", "Zinsen (€)"]].values.tolist() == [
        ["DB2", 1900.0, 235, 79.35]
    ]
    assert "Nr. 1.4 ANBest-P (Verwendung binnen 6 Wochen nach Auszahlung)" in said
    assert "§ 49a Abs. 4 i. V. m. Abs. 3 VwVfG" in said


def test_finance_shows_the_refund_and_premature_calls_of_an_ended_cost_basis_grant(
    funding_warehouse: Path, sign_in: SignIn
) -> None:
    at = finance_page(sign_in, **{"finance.grant": "G4"})
    assert not at.exception and not at.error
    assert at.selectbox[1].value == ("final", None)
    # received 11 500, C(30 September 2025) = min(0.5 x 22 000, 10 000); DB9's 1 500 accrues
    # interest to the end: 1 500 x 29 x 6.27 / 36 500 = 7.47; with DB7 8.37 and DB8 12.74
    assert metrics(at)["Erstattungsbetrag"] == "1.500,00 €"
    assert metrics(at)["Zinsen (§ 49a VwVfG)"] == "28,58 €"
    premature = table_with(at, "Überhang (€)")
    assert premature[["Abruf-ID", "Überhang (€)", "Tage bis gedeckt"]].values.tolist() == [
        ["DB7", 3000.0, "14"],
        ["DB8", 1000.0, "71"],
        ["DB9", 1500.0, "–"],  # not covered by the grant's end
    ]
    assert "ANBest-P-Kosten (Abruf nur für bereits entstandene Kosten)" in texts(at)


def test_finance_names_a_missing_base_rate_and_shows_the_rest(
    funding_warehouse: Path, sign_in: SignIn
) -> None:
    at = finance_page(
        sign_in, **{"finance.grant": "G1", "finance.report_choice": ("interim", 2026)}
    )
    assert not at.exception
    assert [e.value for e in at.error] == ["Für einen Tag fehlt der Basiszinssatz: 2026-01-01."]
    assert "base_rates.csv" in at.info[0].value
    # the rest of the page: the reports due and the rules
    assert "Fällige Nachweise" in texts(at)
    assert "Rechtsgrundlagen der Zahlen" in texts(at)


def test_finance_sums_the_joint_project_over_its_grants(
    funding_warehouse: Path, sign_in: SignIn
) -> None:
    at = finance_page(sign_in)
    assert not at.exception and not at.error
    joint = table_with(at, "Einzelansätze über 20 %")
    # G1 and G2 report on 2025; G4 ended in 2025 and has a final report only
    assert joint["Förderkennzeichen"].tolist() == ["G1", "G2", "–"]
    assert joint["Zuwendungsanteil (€)"].tolist() == [108100.0, 26700.0, 134800.0]
    assert joint["Erhalten (€)"].tolist() == [110000.0, 15000.0, 125000.0]
    assert joint["Zinsen (€)"].tolist() == [79.35, 105.79, 185.14]
    assert joint["Einzelansätze über 20 %"].tolist() == [1, 1, 2]
