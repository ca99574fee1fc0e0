"""The public app (ZAKID_MODE=public) on a data directory that holds only public/: every page
renders in both languages, shows the published figures, and nothing confidential."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from zakid_metrics.dashboard.navigation import PUBLIC_PAGES, PageSpec
from zakid_metrics.errors import PublicModeError
from zakid_metrics.i18n import format_number
from zakid_metrics.open_data.read import read_export
from zakid_metrics.open_data.spec import DATASETS
from zakid_metrics.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60
AS_OF = "2026-11-24"


def cli(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"{args[0]} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def internal_dir(sample_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session's loaded sample (tests/conftest.py), exported by the real CLI."""
    data_dir = tmp_path_factory.mktemp("public") / "internal"
    shutil.copytree(sample_warehouse, data_dir)
    cli("export", "--data-dir", str(data_dir), "--as-of", AS_OF)
    return data_dir


@pytest.fixture(scope="module")
def secrets(internal_dir: Path) -> list[str]:
    """Names of companies that did not consent, and every salary, as a page could write them."""
    with duckdb.connect(str(internal_dir / "warehouse.duckdb"), read_only=True) as con:
        names = [
            n
            for (n,) in con.execute(
                "SELECT name FROM companies WHERE NOT public_name_consent"
            ).fetchall()
        ]
        salaries = [
            s
            for (s,) in con.execute(
                "SELECT DISTINCT annual_gross_salary_eur FROM jobs "
                "WHERE annual_gross_salary_eur IS NOT NULL"
            ).fetchall()
        ]
    assert len(names) > 20 and len(salaries) > 20
    spelled = {
        text
        for salary in salaries
        for text in (
            str(salary),
            str(int(salary)),
            format_number(Decimal(salary), "de"),
            format_number(Decimal(salary), "en"),
        )
    }
    return [*names, *sorted(spelled)]


@pytest.fixture(scope="module")
def public_only(internal_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the export and nothing else, as the public server gets it."""
    data_dir = tmp_path_factory.mktemp("public") / "public_only"
    data_dir.mkdir()
    shutil.copytree(internal_dir / "public", data_dir / "public")
    assert sorted(p.name for p in data_dir.iterdir()) == ["public"]
    return data_dir


@contextmanager
def public_app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The app in public mode on `data_dir`, its settings read afresh (and again after)."""
    monkeypatch.setenv("ZAKID_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ZAKID_MODE", "public")
    monkeypatch.delenv("ZAKID_LANGUAGE", raising=False)
    get_settings.cache_clear()
    try:
        yield
    finally:
        get_settings.cache_clear()


@pytest.fixture
def public_mode(public_only: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with public_app(public_only, monkeypatch):
        yield public_only


def open_public(page: PageSpec, lang: str = "de") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    if lang == "en":
        at.radio(key="app.language").set_value("en").run()
    return at.switch_page(page.script).run()


def everything(at: AppTest) -> str:
    """All text of the page, tables and tiles included."""
    parts: list[Any] = [*at.title, *at.header, *at.subheader, *at.caption, *at.markdown, *at.info]
    parts += [*at.warning, *at.success, *at.error, *at.code]
    text = [str(getattr(p, "value", p)) for p in parts]
    text += [f"{m.label}: {m.value}" for m in at.metric]
    for table in [*at.table, *at.dataframe]:
        frame = table.value
        text.append(frame.to_csv(index=False) if isinstance(frame, pd.DataFrame) else str(frame))
    return "\n".join(text)


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("page", PUBLIC_PAGES, ids=lambda p: p.url_path)
def test_every_public_page_renders_without_the_warehouse(
    page: PageSpec, lang: str, public_mode: Path, secrets: list[str]
) -> None:
    at = open_public(page, lang)
    assert not at.exception
    assert not at.error
    assert at.title, "every page has a heading"
    said = everything(at)
    leaked = [secret for secret in secrets if secret in said]
    assert leaked == []
    assert not (public_mode / "warehouse.duckdb").exists()


def test_tiles_show_the_published_key_figures(public_mode: Path) -> None:
    figures = read_export(public_mode).table("key_figures").set_index("kpi_id")
    at = open_public(PUBLIC_PAGES[0])
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Externe Arbeitsplätze geschaffen"] == format_number(
        figures.loc["jobs_external_created", "value"]
    )
    share = figures.loc["sme_share", "value"] * 100
    assert tiles["KMU-Anteil der beteiligten Unternehmen"] == f"{format_number(share, 'de', 1)} %"
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Ziel: 500 bis 31.05.2028 · ") for c in captions)


def test_suppressed_cells_show_a_dot_and_the_legend(public_mode: Path) -> None:
    companies = next(p for p in PUBLIC_PAGES if p.url_path == "companies")
    at = open_public(companies)
    table = at.table[0].value
    published = read_export(public_mode).table("companies")
    hidden = published[(published["breakdown"] == "craft") & published["suppressed"]]
    assert len(hidden) > 0, "the sample has suppressed cells"
    assert (table == ".").to_numpy().sum() > 0
    assert any("„.“ = Zahlenwert geheim zu halten" in c.value for c in at.caption)


def test_every_chart_is_described_in_words(public_mode: Path) -> None:
    for page in PUBLIC_PAGES:
        at = open_public(page)
        charts = at.get("plotly_chart")
        described = [c.value for c in at.caption if c.value.startswith("Das Diagramm „")]
        assert len(described) == len(charts), page.url_path
        for chart in charts:
            assert chart.proto.alt.startswith("Das Diagramm „")


def test_open_data_page_offers_every_file_and_the_licence(public_mode: Path) -> None:
    page = next(p for p in PUBLIC_PAGES if p.url_path == "open-data")
    at = open_public(page)
    buttons = at.get("download_button")
    present = [d["identifier"] for d in read_export(public_mode).metadata["dataset"]]
    assert set(present) >= {spec.name for spec in DATASETS if not spec.telemetry}
    assert len(buttons) == 3 * len(present) + 1
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in at.info[0].value
    assert "https://www.govdata.de/dl-de/by-2-0" in at.info[0].value


def test_public_mode_without_export_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with public_app(tmp_path, monkeypatch):
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.info[0].value.startswith("Die offenen Daten sind noch nicht veröffentlicht.")
    assert not at.metric


def test_public_mode_refuses_to_read_the_warehouse(
    internal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zakid_metrics.dashboard import data

    with public_app(internal_dir, monkeypatch):
        data.clear()
        with pytest.raises(PublicModeError):
            data.entity_status()
        with pytest.raises(PublicModeError):
            data.snapshot_meta()


def test_a_key_figure_marked_for_the_overview_appears_there_without_further_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dataclasses

    from zakid_metrics import kpis
    from zakid_metrics.dashboard.components.public import OVERVIEW_SECTIONS, overview_extras

    assert overview_extras() == []
    marked = dataclasses.replace(kpis.KPIS["ude_research_transfer"], overview=12)
    monkeypatch.setitem(kpis.KPIS, "ude_research_transfer", marked)
    assert marked.open_data == "key_figure"
    assert overview_extras() == ["ude_research_transfer"]
    assert overview_extras((*OVERVIEW_SECTIONS, ("topic", ("ude_research_transfer",)))) == []


def test_overview_shows_the_jobs_path_with_progress_trend_and_funding(public_mode: Path) -> None:
    export = read_export(public_mode)
    path = export.table("jobs_path").set_index(["category", "series", "day"])["value"]
    assert path[("external", "actual", AS_OF)] == 268  # the key figure, on the as-of day
    assert path[("external", "actual", "2026-10-31")] == 260
    assert path[("external", "target", "2028-05-31")] == 500
    assert path[("project_related", "target", "2028-05-31")] == 30
    at = open_public(PUBLIC_PAGES[0])
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert (
        "Das Diagramm „Arbeitsplätze: der Weg zum Ziel – Extern“ zeigt: Stand: 268 von 500 "
        "(54 %) · Zielpfad am Stichtag: 266. Trend: 11,7 neue Arbeitsplätze je Monat seit "
        "30.11.2025."
    ) in captions
    assert [c.proto.alt for c in at.get("plotly_chart")][1].startswith(
        "Das Diagramm „Arbeitsplätze: der Weg zum Ziel – Projektbezogen“ zeigt: Stand: 22 von 30"
    )
    tiles = {m.label: m.value for m in at.metric}
    assert {name: tiles[name] for name in tiles if "Fördermittel" in name} == {
        "Bewilligte Fördermittel": "18,2 Mio. €",
        "Verausgabte Fördermittel": "10,0 Mio. €",
        "Abgerufene Fördermittel": "10,1 Mio. €",
    }
    funding = export.table("funding").set_index("measure")
    assert funding["value"].to_dict() == {
        "approved_eur": 18184560.0,
        "grant_share_eur": 9990608.26,
        "received_eur": 10060000.0,
    }
    assert not funding["suppressed"].any()


def test_completions_of_a_running_semester_are_not_reported_not_zero(public_mode: Path) -> None:
    courses = read_export(public_mode).table("courses")
    completed = courses[courses["measure"] == "completed"].set_index("semester")
    assert pd.isna(completed.loc["WS 2026/27", "value"])  # started 1 October, not over
    assert not completed.loc["WS 2026/27", "suppressed"]
    assert completed.loc["SS 2026", "value"] == 190
    assert completed.loc["total", "value"] == 722
    page = next(p for p in PUBLIC_PAGES if p.url_path == "education")
    at = open_public(page)
    table = at.table[0].value.set_index("Semester")
    assert table.loc["WS 2026/27", "Abschlüsse"] == "noch nicht gemeldet"
    assert table.loc["WS 2026/27", "Eingeschriebene"] == "508"
    at = open_public(page, "en")
    assert at.table[0].value.set_index("Semester").loc["WS 2026/27", "Completed"] == (
        "not reported yet"
    )


def test_the_fleet_figures_say_when_they_were_measured(public_mode: Path) -> None:
    page = next(p for p in PUBLIC_PAGES if p.url_path == "embedded-ai")
    at = open_public(page)
    assert (
        "Stand der Gerätedaten: 20.11.2026 07:31, die letzte Meldung vor der Veröffentlichung. "
        "Online heißt: mit einer Meldung in den drei Meldeintervallen davor; Inferenzen und "
        "Beschleunigung über die 24 Stunden ab 19.11.2026 07:31."
    ) in [c.value for c in at.caption]
