"""The public app (ZAKID_MODE=public) on a data directory that holds only public/: every page
renders in both languages, shows the published figures, and nothing confidential."""

from __future__ import annotations

import shutil
import subprocess
import sys
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


@pytest.fixture
def public_mode(public_only: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ZAKID_DATA_DIR", str(public_only))
    monkeypatch.setenv("ZAKID_MODE", "public")
    monkeypatch.delenv("ZAKID_LANGUAGE", raising=False)
    get_settings.cache_clear()
    yield public_only
    get_settings.cache_clear()


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
    monkeypatch.setenv("ZAKID_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ZAKID_MODE", "public")
    get_settings.cache_clear()
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.info[0].value.startswith("Die offenen Daten sind noch nicht veröffentlicht.")
    assert not at.metric
    get_settings.cache_clear()


def test_public_mode_refuses_to_read_the_warehouse(
    internal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zakid_metrics.dashboard import data

    monkeypatch.setenv("ZAKID_DATA_DIR", str(internal_dir))
    monkeypatch.setenv("ZAKID_MODE", "public")
    get_settings.cache_clear()
    data.clear()
    try:
        with pytest.raises(PublicModeError):
            data.entity_status()
        with pytest.raises(PublicModeError):
            data.snapshot_meta()
    finally:
        get_settings.cache_clear()


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
