"""The reports panel of the Finanzen page: reports due, the form that makes one, the files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines.ingest import ingest
from tests.zakid_metrics.reports.conftest import GRANT_A, write_delivery
from zakid_metrics.audit import read_audit
from zakid_metrics.auth import Role, User
from zakid_metrics.dashboard.components.login import USER_KEY

TIMEOUT = 60
# What the panel reads of a report made earlier (zakid_metrics.reports.manifest).
MANIFEST = {
    "report": {
        "kind": "interim", "title": "Zwischennachweis 2025", "grant_ids": [GRANT_A],
        "year": 2025, "period": {"from": "2025-01-01", "to": "2025-12-31"},
        "as_of": "2025-12-31",
    },
    "outputs": {"pdf": {"file": "zwischennachweis_x.pdf"}},
    "snapshot": {"id": "1@2026-01-05T08:00:00"},
}  # fmt: skip


def panel_app() -> None:
    import datetime as dt

    from zakid_metrics.dashboard.components.language import language_switch
    from zakid_metrics.dashboard.components.reports import reports_panel

    lang = language_switch()
    reports_panel(lang, dt.date(2025, 12, 31))


def logged_in(role: Role = "analyst") -> AppTest:
    """The panel's app, with `anna` of `role` logged in (as the login gate leaves it)."""
    at = AppTest.from_function(panel_app, default_timeout=TIMEOUT)
    at.session_state[USER_KEY] = User("anna", role, dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    return at


@pytest.fixture()
def loaded(data_dir: Path) -> Path:
    assert not ingest([write_delivery(data_dir.parent / "delivery")], data_dir).any_failed
    return data_dir


def download_labels(at: AppTest) -> list[str]:
    return [button.proto.label for button in at.get("download_button")]


def test_lists_due_reports_and_makes_one(loaded: Path) -> None:
    at = logged_in().run()
    assert not at.exception
    due = at.dataframe[0].value
    # days left on 31.12.2025: the interim reports 2025 of A, C and D, then the final reports
    # of B (ended 2025), A (ends 30.06.2026: due 31.12.2026), C and D (end of 2026)
    assert list(due.iloc[:, -1]) == [120, 120, 120, 181, 365, 546, 546]
    assert [s.label for s in at.selectbox] == ["Art des Nachweises", "Förderkennzeichen", "Jahr"]
    assert [s.value for s in at.selectbox] == ["interim", GRANT_A, 2025]
    assert at.caption[-1].value == f"Im Ordner {loaded / 'reports'} liegt noch kein Nachweis."

    at.button(key="finance.reports.create").click().run()
    assert not at.exception and not at.error
    assert at.success[0].value.startswith(
        f"Zwischennachweis 2025 · {GRANT_A} erstellt aus Snapshot 1@"
    )
    stem = loaded / "reports" / f"zwischennachweis_{GRANT_A}_2025"
    assert stem.with_suffix(".pdf").read_bytes().startswith(b"%PDF-")
    # the new report's files, then the list's table downloads and the chosen report's files
    made, table, chosen = (
        ["PDF", "Excel", "Manifest"],
        ["CSV", "Excel"],
        ["PDF", "Excel", "Manifest"],
    )
    assert download_labels(at)[-8:] == [*made, *table, *chosen]
    listed = at.dataframe[-1].value
    assert listed.iloc[0, 0] == f"Zwischennachweis 2025 · {GRANT_A}"
    (made_by,) = [r for r in read_audit(data_dir=loaded) if r.event == "report"]
    assert (made_by.user, made_by.details["grant_ids"]) == ("anna", [GRANT_A])


def test_summary_offers_the_whole_span_and_each_year(loaded: Path) -> None:
    at = logged_in("admin").run()
    at.selectbox[0].select("summary").run()
    assert [s.label for s in at.selectbox] == ["Art des Nachweises", "Jahr"]
    assert at.selectbox[1].options[:3] == ["Gesamte Laufzeit", "2024", "2025"]


def test_a_failure_is_explained_not_thrown(loaded: Path) -> None:
    (loaded / "reports").write_text("a file where the reports folder should be")
    at = logged_in().run()
    at.button(key="finance.reports.create").click().run()
    assert not at.exception
    assert at.error[0].value == "Die Dateien des Nachweises können nicht gespeichert werden."


def test_a_viewer_sees_no_form_no_reports_and_english_labels(loaded: Path) -> None:
    """The voucher lists show personnel costs per position: a viewer gets neither the list
    of reports nor a button, so the app never serves them a report's bytes."""
    folder = loaded / "reports"
    folder.mkdir()
    (folder / "zwischennachweis_x.pdf").write_bytes(b"%PDF-1.4 personnel costs")
    (folder / "zwischennachweis_x.manifest.json").write_text(json.dumps(MANIFEST))
    analyst = logged_in("analyst").run()
    assert download_labels(analyst)[-4:] == ["CSV", "Excel", "PDF", "Manifest"]
    at = logged_in("viewer").run()
    at.radio(key="app.language").set_value("en").run()
    assert not at.exception
    assert [h.value for h in at.subheader] == ["Reports due", "Create a report"]
    assert at.info[0].value == (
        "Only accounts with the role analyst or admin may create, see and download reports."
    )
    assert not at.button
    assert download_labels(at) == ["CSV", "Excel"], "the due dates' table only"
    shown = " ".join(str(frame.value.to_dict()) for frame in at.dataframe)
    assert "zwischennachweis" not in shown.lower()
