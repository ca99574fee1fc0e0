"""The dashboard's components: as-of picker, KPI tile, SDG grid and the upload of a delivery."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from zakid_metrics.dashboard.components.dates import default_as_of
from zakid_metrics.dashboard.components.jobs import outlook_texts
from zakid_metrics.dashboard.components.overview import overview_ids
from zakid_metrics.dashboard.components.sdg_grid import coverage
from zakid_metrics.dashboard.components.tiles import Freshness, format_value, tile_texts
from zakid_metrics.dashboard.data import DateBounds
from zakid_metrics.dashboard.navigation import PAGES
from zakid_metrics.dashboard.uploads import run_ingest, safe_name, store
from zakid_metrics.errors import UploadError
from zakid_metrics.kpis import KPIS, KpiResult, Milestone, get
from zakid_metrics.warehouse import next_snapshot, read_snapshot

HARNESS = Path(__file__).resolve().with_name("upload_app.py")
TIMEOUT = 30
UPLOAD_TIMEOUT = 120  # the real CLI in a subprocess: Python start-up plus the load


# --- As-of date and period -----------------------------------------------------------------------


def build_old_delivery(data_dir: Path) -> None:
    """Companies that joined from 1 Jan 2025, delivered (and last loaded) on 1 Mar 2025, UTC."""
    with next_snapshot(data_dir) as con:
        con.execute(
            "INSERT INTO companies (company_id, name, employees, postal_code, joined_on, "
            "_run_id, _file, _line) "
            "SELECT 'C' || i, 'Firma ' || i, 10, '47057', DATE '2025-01-01' + i::INTEGER, 1, "
            "'companies.csv', i + 2 FROM range(5) AS t(i)"
        )
        con.execute(
            "INSERT INTO load_runs VALUES (1, TIMESTAMP '2025-03-01 08:00:00', "
            "TIMESTAMP '2025-03-01 08:00:05', 'ok', 'cli', 1, 5, 5, 0, 0)"
        )
        con.execute(
            "INSERT INTO load_files VALUES (1, 'companies.csv', '/in/companies.csv', "
            "'companies', 'loaded', 'a1', 900, 'csv', 'utf-8', ';', 5, 5, 0, 0, [], [], [], [])"
        )
        con.execute(
            "INSERT INTO meta VALUES ('snapshot_run_id', '1'), "
            "('published_at', '2025-03-01T08:00:05')"
        )


def dates_app() -> None:
    import streamlit as st

    from zakid_metrics.dashboard.components.dates import as_of_and_period
    from zakid_metrics.dashboard.components.language import language_switch

    lang = language_switch()
    dates = as_of_and_period(lang)
    st.write(f"as_of={dates.as_of} period={dates.period[0]}..{dates.period[1]}")


def test_as_of_defaults_to_the_data_and_survives_a_language_switch(data_dir: Path) -> None:
    build_old_delivery(data_dir)
    at = AppTest.from_function(dates_app, default_timeout=TIMEOUT).run()
    assert not at.exception
    # Today is after the last delivery, so the default is clamped to 1 Mar 2025; without grants
    # the period is the configured funding period.
    assert at.markdown[0].value == "as_of=2025-03-01 period=2025-01-01..2028-12-31"
    as_of, period = at.date_input
    assert as_of.label == "Stichtag"
    assert (as_of.min, as_of.max) == (dt.date(2025, 1, 1), dt.date(2025, 3, 1))

    as_of.set_value(dt.date(2025, 2, 10)).run()
    period.set_value((dt.date(2025, 1, 1), dt.date(2025, 12, 31))).run()
    assert at.markdown[0].value == "as_of=2025-02-10 period=2025-01-01..2025-12-31"

    at.radio(key="app.language").set_value("en").run()
    assert not at.exception
    assert at.date_input[0].label == "As-of date"
    assert at.markdown[0].value == "as_of=2025-02-10 period=2025-01-01..2025-12-31"


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2025, 2, 1), dt.date(2025, 2, 1)),  # within the data: today
        (dt.date(2026, 11, 25), dt.date(2025, 3, 1)),  # after the last delivery
        (dt.date(2024, 12, 24), dt.date(2025, 1, 1)),  # before the first event
    ],
)
def test_default_as_of_is_today_clamped_to_the_data(today: dt.date, expected: dt.date) -> None:
    bounds = DateBounds(
        first=dt.date(2025, 1, 1),
        last=dt.date(2025, 3, 1),
        period_start=dt.date(2024, 6, 1),
        period_end=dt.date(2028, 5, 31),
    )
    assert default_as_of(today, bounds) == expected


# --- KPI tile ------------------------------------------------------------------------------------

AS_OF = dt.date(2026, 11, 25)


def external_jobs(value: Any = 268, stale_rows: int = 2) -> KpiResult:
    milestones = (Milestone(dt.date(2026, 12, 31), 280.0), Milestone(dt.date(2028, 5, 31), 500.0))
    return KpiResult(
        kpi=get("jobs_external_created"),
        as_of=AS_OF,
        period=None,
        value=value,
        details={},
        breakdown=None,
        milestones=milestones,
        target=milestones[0],
        final_target=milestones[1],
        progress=None if value is None else value / 500,
        stale_rows=stale_rows,
        loaded_at=dt.datetime(2026, 11, 20, 9, 0),
    )


FRESH = Freshness("current", dt.date(2026, 11, 20), 5)


def test_tile_texts_in_german() -> None:
    texts = tile_texts(external_jobs(), "de", FRESH)
    assert texts.label == "Externe Arbeitsplätze geschaffen"
    assert texts.value == "268"
    assert texts.target == "Ziel: 500 bis 31.05.2028 · Etappe: 280 bis 31.12.2026"
    assert texts.progress == pytest.approx(0.536)
    assert texts.progress_text == "53,6 % des Ziels"
    assert texts.dates == "Stand 25.11.2026 · Daten aktuell (geliefert 20.11.2026)"
    assert texts.stale == "2 veraltete Datensätze zählen mit (siehe Datenqualität)"


def test_tile_texts_in_english_overdue_and_not_computable() -> None:
    texts = tile_texts(
        external_jobs(value=None, stale_rows=0),
        "en",
        Freshness("overdue", dt.date(2026, 9, 1), 85),
    )
    assert texts.value == "–"
    assert texts.progress is None and texts.progress_text is None
    assert texts.target == "Target: 500 by 2028-05-31 · Milestone: 280 by 2026-12-31"
    assert texts.dates == "As of 2026-11-25 · data overdue: delivered 2026-09-01, 85 days ago"
    assert texts.stale is None


def test_tile_over_target_keeps_the_bar_full_and_says_how_far() -> None:
    sme = KpiResult(
        **{
            **external_jobs().__dict__,
            "kpi": get("sme_share"),
            "value": 0.8942307692307693,
            "milestones": (Milestone(dt.date(2028, 5, 31), 0.8),),
            "target": Milestone(dt.date(2028, 5, 31), 0.8),
            "final_target": Milestone(dt.date(2028, 5, 31), 0.8),
            "stale_rows": 0,
        }
    )
    texts = tile_texts(sme, "de", Freshness("never", None, None))
    assert texts.value == "89,4 %"
    assert texts.target == "Ziel: 80,0 % bis 31.05.2028"
    assert texts.progress == 1.0
    assert texts.progress_text == "111,8 % des Ziels"
    assert texts.dates == "Stand 25.11.2026 · noch keine Daten geliefert"


def test_tile_texts_show_the_change_against_the_month_before_and_the_forecast_status() -> None:
    trend = ((dt.date(2026, 9, 25), 240), (dt.date(2026, 10, 25), 256), (AS_OF, 268))
    texts = tile_texts(external_jobs(), "de", FRESH, trend=trend, outlook="on_track")
    assert (texts.change, texts.change_since) == ("+12", "gegenüber 25.10.2026")
    assert texts.trend == (240.0, 256.0, 268.0)
    assert texts.status == ":green[auf Kurs]"
    # a share changes by percentage points; a value not computed leaves out its point
    share = dataclasses.replace(external_jobs(0.75), kpi=get("sme_share"))
    shares = ((dt.date(2026, 9, 25), None), (dt.date(2026, 10, 25), 0.8), (AS_OF, 0.75))
    texts = tile_texts(share, "en", FRESH, trend=shares)
    assert (texts.change, texts.change_since, texts.trend) == (
        "−5.0 pp",
        "since 2026-10-25",
        (0.8, 0.75),
    )
    # without an earlier point: no change, no line; an unknown status says nothing
    alone = tile_texts(external_jobs(), "de", FRESH, trend=((AS_OF, 268),), outlook="unknown")
    assert (alone.change, alone.trend, alone.status) == (None, (), None)


@pytest.mark.parametrize(
    ("value", "unit", "lang", "expected"),
    [
        (9846455.13, "eur", "de", "9.846.455 €"),
        (9846455.13, "eur", "en", "9,846,455 €"),
        (19.25, "fte", "de", "19,25 VZÄ"),
        (172.5, "days", "de", "172,5 Tage"),
        (156, "days", "de", "156 Tage"),
        (1552.8, "t_co2e_per_year", "de", "1.552,8 t CO₂e/a"),
        (0.6931, "ratio", "de", "0,69"),
        (1234, "count", "de", "1.234"),
    ],
)
def test_format_value(value: float, unit: str, lang: str, expected: str) -> None:
    assert format_value(value, unit, lang) == expected


def tile_app(result) -> None:  # no annotation: AppTest runs the source alone
    import datetime as dt

    import pandas as pd

    from zakid_metrics.dashboard.components.dates import Dates
    from zakid_metrics.dashboard.components.tiles import kpi_tile

    status = pd.DataFrame(
        {
            "entity": ["jobs"],
            "freshness": ["current"],
            "last_loaded_at": [pd.Timestamp("2026-11-20 10:00", tz="Europe/Berlin")],
            "age_days": pd.array([5], dtype="Int64"),
        }
    )
    dates = Dates(result.as_of, (dt.date(2024, 6, 1), dt.date(2028, 5, 31)))
    kpi_tile(result, "de", key="test.tile", dates=dates, status=status)


def test_kpi_tile_shows_value_target_progress_and_dates(data_dir: Path) -> None:
    at = AppTest.from_function(tile_app, args=(external_jobs(),), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.markdown[0].value == "**Externe Arbeitsplätze geschaffen**"
    assert at.metric[0].value == "268"
    assert at.get("progress")[0].proto.text == "53,6 % des Ziels"
    assert [c.value for c in at.caption] == [
        "Ziel: 500 bis 31.05.2028 · Etappe: 280 bis 31.12.2026",
        "Stand 25.11.2026 · Daten aktuell (geliefert 20.11.2026)",
        ":orange[:material/warning: 2 veraltete Datensätze zählen mit (siehe Datenqualität)]",
    ]
    assert not at.dataframe, "the source rows are read only when the popover opens"


# --- Jobs outlook --------------------------------------------------------------------------------

OUTLOOK = {
    "end_on": dt.date(2028, 5, 31),
    "target": 500.0,
    "p_target": 0.873,
    "pace_required": 12.5217,
    "pace_observed": 14.196,
}


def test_outlook_texts_in_german_and_english() -> None:
    assert outlook_texts(OUTLOOK, "de") == (
        "Wahrscheinlichkeit, das Ziel 500 bis 31.05.2028 zu erreichen",
        "87 %",
        "Nötiges Tempo: 12,5 je Monat bis zum Förderende · beobachtet: 14,2 je Monat "
        "(Trend im laufenden Monat)",
    )
    label, probability, pace = outlook_texts(OUTLOOK, "en")
    assert (label, probability) == ("Probability of reaching the target 500 by 2028-05-31", "87 %")
    assert pace.startswith("Pace required: 12.5 a month to the end of the funding period")


def test_outlook_texts_without_a_target_or_a_pace() -> None:
    assert outlook_texts(OUTLOOK | {"target": None}, "de") == (
        "Kein Ziel zum Förderende",
        "–",
        "",
    )
    # reached, or no time left: the pace required is 0 or unknown
    _, _, pace = outlook_texts(
        OUTLOOK | {"pace_required": None, "pace_observed": float("nan")}, "en"
    )
    assert pace.startswith("Pace required: – a month")
    assert "observed: – a month" in pace


# --- Overview tiles -----------------------------------------------------------------------------


def test_the_overview_shows_the_kpis_marked_for_it_in_their_order() -> None:
    assert overview_ids(KPIS) == [
        "jobs_project_related_created",
        "jobs_external_created",
        "companies_engaged",
        "sme_share",
        "crafts_engaged",
        "deployments_live",
        "sdg_goals_covered",
        "public_cost_per_external_job",
    ]


def overview_app(registry, results) -> None:  # no annotation: AppTest runs the source alone
    import datetime as dt

    import pandas as pd

    from zakid_metrics.dashboard.components.dates import Dates
    from zakid_metrics.dashboard.components.overview import overview_tiles
    from zakid_metrics.dashboard.components.page import Page
    from zakid_metrics.dashboard.data import SnapshotMeta

    status = pd.DataFrame(
        {
            "entity": ["companies", "projects"],
            "freshness": ["current", "current"],
            "last_loaded_at": [pd.Timestamp("2026-11-20 10:00", tz="Europe/Berlin")] * 2,
            "age_days": pd.array([5, 5], dtype="Int64"),
        }
    )
    meta = SnapshotMeta(1, dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC))
    dates = Dates(dt.date(2026, 11, 25), (dt.date(2024, 6, 1), dt.date(2028, 5, 31)))
    overview_tiles(Page("overview", "de", meta, dates, results, status), registry)


def test_a_kpi_marked_for_the_overview_needs_no_further_code(data_dir: Path) -> None:
    """A new KPI with `overview: 1` comes first; a special tile keeps its note; a KPI that is
    not marked stays away."""
    extra = dataclasses.replace(
        get("crafts_engaged"), id="extra_kpi", name_de="Neue Kennzahl", overview=1
    )
    registry = {
        "sme_share": get("sme_share"),  # overview: 4
        "extra_kpi": extra,
        "jobs_external_created": dataclasses.replace(get("jobs_external_created"), overview=None),
    }
    results = {
        "extra_kpi": dataclasses.replace(external_jobs(42, 0), kpi=extra, final_target=None),
        "sme_share": dataclasses.replace(
            external_jobs(0.75, 0),
            kpi=get("sme_share"),
            details={"smes": 3, "engaged": 4},
            final_target=None,
        ),
        "jobs_external_created": external_jobs(),
    }
    at = AppTest.from_function(
        overview_app, args=(registry, results), default_timeout=TIMEOUT
    ).run()
    assert not at.exception
    assert [(m.label, m.value) for m in at.metric] == [
        ("Neue Kennzahl", "42"),
        ("KMU-Anteil der beteiligten Unternehmen", "75,0 %"),
    ]
    assert "3 von 4 beteiligten Unternehmen" in [c.value for c in at.caption]
    assert len(at.columns) == 4  # one row of four


# --- SDG grid ------------------------------------------------------------------------------------

CONTRIBUTIONS = pd.DataFrame(
    {
        "sdg_goal": [3, 5, 7, 13],
        "value": [2, 1, 4, 3],
        "verified": [2, 0, 1, 3],
        "unverified": [0, 1, 3, 0],
    }
)


def test_coverage_marks_verified_only_unverified_and_none() -> None:
    found = coverage(CONTRIBUTIONS)
    assert sorted(found) == list(range(1, 18))
    assert [g for g, (state, _, _) in found.items() if state == "verified"] == [3, 7, 13]
    assert [g for g, (state, _, _) in found.items() if state == "unverified"] == [5]
    assert found[7] == ("verified", 1, 3)
    assert found[1] == ("none", 0, 0)
    assert all(state == "none" for state, _, _ in coverage(None).values())


def grid_app(breakdown) -> None:  # no annotation: AppTest runs the source alone
    from zakid_metrics.dashboard.components.sdg_grid import coverage, sdg_grid

    sdg_grid(coverage(breakdown), "de")


def test_sdg_grid_marks_the_right_goals_in_text_and_style(data_dir: Path) -> None:
    at = AppTest.from_function(grid_app, args=(CONTRIBUTIONS,), default_timeout=TIMEOUT).run()
    assert not at.exception
    body = at.get("html")[0].proto.body
    assert body.count('class="sdg-tile') == 17
    assert body.count('data-coverage="verified"') == 3
    assert 'data-goal="5" data-coverage="unverified"' in body
    assert 'data-goal="7" data-coverage="verified"' in body
    assert 'data-goal="1" data-coverage="none"' in body
    # Not colour alone: every state is written out, and unverified goals are striped.
    assert "✓ verifiziert (2)" in body and "◐ nur unverifiziert (1)" in body
    assert "– keine Beiträge" in body
    assert body.count("repeating-linear-gradient") == 1
    assert "background:#4C9F38" in body  # goal 3 in its official colour
    assert at.caption[0].value.startswith("✓ verifiziert: mindestens ein geprüfter Beitrag")


# --- Upload --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("companies.csv", "companies.csv"),
        ("../../etc/companies.csv", "companies.csv"),
        ("..\\..\\Windows\\Jobs 2026-11.XLSX", "Jobs_2026-11.xlsx"),
        (".hidden.csv", "hidden.csv"),
        ("Ärger & Co: Förderung.csv", "Ärger_Co_Förderung.csv"),
        ("...csv", "upload.csv"),
    ],
)
def test_safe_name_keeps_files_in_their_folder(name: str, expected: str) -> None:
    assert safe_name(name) == expected


@pytest.mark.parametrize("name", ["report.pdf", "companies", "jobs.xlsx.exe"])
def test_safe_name_refuses_other_types(name: str) -> None:
    with pytest.raises(UploadError, match=r"only \.csv and \.xlsx"):
        safe_name(name)


def test_store_writes_each_file_once_into_a_new_folder(tmp_path: Path) -> None:
    now = dt.datetime(2026, 11, 25, 14, 5, 9)
    files = [("../companies.csv", b"a"), ("companies.csv", b"b"), ("jobs.xlsx", b"c")]
    first = store(files, tmp_path, now)
    second = store(files[:1], tmp_path, now)
    assert first == tmp_path / "uploads" / "2026-11-25_14-05-09"
    assert second == tmp_path / "uploads" / "2026-11-25_14-05-09_2"
    assert sorted(p.name for p in first.iterdir()) == [
        "companies.csv",
        "companies_2.csv",
        "jobs.xlsx",
    ]
    assert (first / "companies.csv").read_bytes() == b"a"
    assert (first / "companies_2.csv").read_bytes() == b"b"
    assert list(tmp_path.glob("*.csv")) == [] and list((tmp_path / "uploads").glob("*.csv")) == []


COMPANIES_CSV = (
    "company_id;name;employees;postal_code;joined_on\r\n"
    "C1;Alpha GmbH;12;47057;01.02.2025\r\n"
    "C2;Beta KG;-3;47058;01.03.2025\r\n"
    "C3;Gamma AG;250;45127;15.03.2025\r\n"
).encode("cp1252")
JOBS_CSV = b"job_id;category\r\nJ1;external\r\n"


def test_a_crashed_load_reports_no_traceback(tmp_path: Path) -> None:
    folder = store([("companies.csv", COMPANIES_CSV)], tmp_path / "data", dt.datetime(2026, 1, 2))
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    outcome = run_ingest(folder, not_a_folder, user="frida")
    assert (outcome.exit_code, outcome.report) == (1, None)
    assert outcome.message == f"FileExistsError: [Errno 17] File exists: '{not_a_folder}'"


def test_upload_loads_through_the_cli_and_reports_each_file(data_dir: Path) -> None:
    at = AppTest.from_file(str(HARNESS), default_timeout=UPLOAD_TIMEOUT).run()
    at.get("file_uploader")[0].set_value(
        [
            ("../../companies.csv", COMPANIES_CSV, "text/csv"),
            ("jobs.csv", JOBS_CSV, "text/csv"),
        ]
    ).run()
    at.button(key="upload.start").click().run()
    assert not at.exception

    (folder,) = (data_dir / "uploads").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == ["companies.csv", "jobs.csv"]
    assert at.warning[0].value == (
        "Ladelauf 1: 1 von 2 Dateien geladen, 1 Zeilen abgelehnt; mindestens eine Datei ist "
        "fehlgeschlagen oder wurde übersprungen (Gründe unten)."
    )
    result = at.dataframe[0].value.set_index("Datei")
    assert result.loc["companies.csv", "Datenart"] == "Unternehmen"
    assert result.loc["companies.csv", "Status"] == "geladen"
    assert result.loc["companies.csv", ["Gelesen", "Geladen", "Abgelehnt"]].tolist() == [3, 2, 1]
    assert result.loc["jobs.csv", "Status"] == "fehlgeschlagen"
    assert result.loc["jobs.csv", "Fehler"].startswith("jobs.csv: Pflichtspalte(n) ")
    link = at.get("page_link")[0].proto
    assert link.label == "Die 1 abgelehnten Zeilen ansehen (Datenqualität)"
    assert at.session_state["data_status.run"] == 1

    # The new snapshot is what every page reads now: the rejected row is on Datenqualität.
    data_status = next(page for page in PAGES if page.url_path == "data-status")
    at.switch_page(f"../../{data_status.script}").run()
    assert not at.exception
    rejected = at.dataframe[3].value
    assert rejected["Zeile"].tolist() == [3]
    assert rejected["Spalte"].tolist() == ["employees"]
    assert rejected["Wert"].tolist() == ["-3"]


def test_an_empty_snapshot_is_applied_only_after_confirmation(data_dir: Path) -> None:
    at = AppTest.from_file(str(HARNESS), default_timeout=UPLOAD_TIMEOUT).run()
    at.get("file_uploader")[0].set_value([("companies.csv", COMPANIES_CSV, "text/csv")]).run()
    at.button(key="upload.start").click().run().run()  # the next run shows a new, empty uploader
    header_only = COMPANIES_CSV.split(b"\r\n")[0] + b"\r\n"
    at.get("file_uploader")[0].set_value([("companies.csv", header_only, "text/csv")]).run()
    at.button(key="upload.start").click().run()
    assert not at.exception

    held = [w.value for w in at.warning if w.value.startswith("Nicht angewendet")]
    assert held == [
        "Nicht angewendet: companies.csv enthält/enthalten keine Zeilen. Als vollständige "
        "Stände würden sie alle Zeilen ihrer Datenart löschen (Unternehmen); die vorhandenen "
        "Zeilen wurden deshalb behalten."
    ]
    result = at.dataframe[0].value.set_index("Datei")
    assert result.loc["companies.csv", "Status"] == "fehlgeschlagen"
    assert result.loc["companies.csv", "Fehler"].startswith(
        "companies.csv enthält keine Zeilen: Als vollständiger Stand würde sie alle 2 Zeilen"
    )
    confirm = at.button(key="upload.confirm_empty.start.2")
    assert confirm.disabled
    at.checkbox(key="upload.confirm_empty.2").check().run()
    at.button(key="upload.confirm_empty.start.2").click().run()
    assert not at.exception
    assert at.success[0].value == ("Ladelauf 3: 1 von 1 Dateien geladen, 0 Zeilen abgelehnt.")
    with read_snapshot(data_dir) as con:
        assert con.execute("SELECT count(*) FROM companies").fetchone() == (0,)
        assert con.execute("SELECT run_id, status FROM load_runs ORDER BY 1").fetchall() == [
            (1, "ok"),
            (2, "failed"),
            (3, "ok"),
        ]
