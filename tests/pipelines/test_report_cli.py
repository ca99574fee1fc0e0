"""`python -m pipelines report ...` as real processes: files, exact messages, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.__main__ import main
from tests.zakid_metrics.reports.conftest import (
    GRANT_A,
    GRANT_B,
    GRANT_C,
    GRANT_D,
    loaded_delivery,
)
from zakid_metrics.audit import read_audit
from zakid_metrics.reports import builder

ROOT = Path(__file__).resolve().parents[2]


def report(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "LOGNAME": "ops", "USER": "ops"}
    environment.pop("ZAKID_DATA_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "pipelines", "report", *args, "--data-dir", str(data_dir)],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=120,
    )


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return loaded_delivery(tmp_path_factory.mktemp("report_cli"))


def test_interim_writes_three_files_and_prints_their_paths(loaded: Path, tmp_path: Path) -> None:
    runs = [
        report(loaded, "interim", "--grant", GRANT_A, "--year", "2024", "--out", str(out))
        for out in (tmp_path / "first", tmp_path / "second")
    ]
    stem = f"zwischennachweis_{GRANT_A}_2024"
    for run, out in zip(runs, ("first", "second"), strict=True):
        assert (run.returncode, run.stderr) == (0, "")
        assert run.stdout.splitlines() == [
            str(tmp_path / out / f"{stem}{suffix}")
            for suffix in (".xlsx", ".pdf", ".manifest.json")
        ]
    # two processes (each with its own hash seed) give the same bytes from the same snapshot
    for suffix in (".xlsx", ".pdf", ".manifest.json"):
        first = (tmp_path / "first" / f"{stem}{suffix}").read_bytes()
        assert first == (tmp_path / "second" / f"{stem}{suffix}").read_bytes(), suffix
    audited = [r for r in read_audit(data_dir=loaded) if r.event == "report"]
    assert [r.user for r in audited[-2:]] == ["cli:ops", "cli:ops"]
    assert audited[-1].details["files"] == [f"{stem}.xlsx", f"{stem}.pdf", f"{stem}.manifest.json"]


def test_final_and_summary_go_to_the_data_dirs_reports_folder(loaded: Path) -> None:
    final = report(loaded, "final", "--grant", GRANT_A)
    summary = report(loaded, "summary", "--year", "2025")
    assert (final.returncode, summary.returncode) == (0, 0)
    assert final.stdout.splitlines()[1] == str(
        loaded / "reports" / f"verwendungsnachweis_{GRANT_A}.pdf"
    )
    assert summary.stdout.splitlines()[0] == str(loaded / "reports" / "verbunduebersicht_2025.xlsx")
    assert (loaded / "reports" / "verbunduebersicht_2025.pdf").read_bytes().startswith(b"%PDF-")


def test_unknown_grant_lists_the_known_ones(loaded: Path) -> None:
    run = report(loaded, "final", "--grant", "01ZK0000")
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == (
        "error: There is no grant '01ZK0000' in the published snapshot.\n"
        f"Known grants: {GRANT_A}, {GRANT_B}, {GRANT_C}, {GRANT_D}. Give one of them as --grant.\n"
    )


def test_year_outside_the_grant_says_which_years_are_valid(
    loaded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["report", "interim", "--grant", GRANT_A, "--year", "2027", "--data-dir", str(loaded)]
    )
    assert code == 1
    assert capsys.readouterr().err == (
        f"error: Grant {GRANT_A} has no interim report for 2027.\n"
        "Valid years: 2024, 2025 (calendar years of the grant begun by the snapshot). The grant's "
        f"last, partial year is covered by its final report: report final --grant {GRANT_A}.\n"
    )


def test_without_a_warehouse_the_hint_says_to_load_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["report", "summary", "--data-dir", str(tmp_path)])
    assert code == 1
    assert capsys.readouterr().err == (
        f"error: No warehouse at {tmp_path / 'warehouse.duckdb'}.\n"
        "Load a delivery first: python -m pipelines ingest data/sample\n"
    )
    assert not (tmp_path / "reports").exists()


def test_an_interim_report_needs_a_grant(loaded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "interim", "--year", "2024", "--data-dir", str(loaded)]) == 2
    assert "the following arguments are required: --grant" in capsys.readouterr().err


def test_json_prints_the_figures_and_writes_the_files(
    loaded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["report", "final", "--grant", GRANT_B, "--json", "--out", str(tmp_path),
                 "--data-dir", str(loaded)])  # fmt: skip
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    # exactly the object of CONTRACT.md section 4 (its figures: test_figures.py)
    assert list(printed) == [
        "grant_id", "kind", "period_from", "period_to", "regime", "basis", "lines",
        "total_planned_eur", "total_actual_eur", "grant_share_eur", "received_eur",
        "refund_due_eur", "idle_funds", "interest_eur", "premature_calls", "revenues",
    ]  # fmt: skip
    assert (printed["grant_id"], printed["refund_due_eur"], printed["interest_eur"]) == (
        GRANT_B,
        "700.00",
        "64.54",
    )
    manifest = json.loads((tmp_path / f"verwendungsnachweis_{GRANT_B}.manifest.json").read_text())
    assert manifest["figures"] == printed
    assert (tmp_path / f"verwendungsnachweis_{GRANT_B}.pdf").read_bytes().startswith(b"%PDF-")


def test_the_year_defaults_to_the_last_completed_one(
    loaded: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(builder, "last_completed_year", lambda: 2025)
    code = main(["report", "interim", "--grant", GRANT_D, "--json", "--out", str(tmp_path),
                 "--data-dir", str(loaded)])  # fmt: skip
    assert code == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["period_from"], printed["period_to"]) == ("2025-01-01", "2025-12-31")
    assert [call["disbursement_id"] for call in printed["premature_calls"]] == ["K-D2", "K-D3"]


def test_a_missing_base_rate_says_which_and_how_to_add_it(tmp_path: Path) -> None:
    # the shipped rates end with 2025; A's final report needs interest in 2026
    data_dir = loaded_delivery(tmp_path)
    (data_dir / "reference" / "base_rates.csv").unlink()
    run = report(data_dir, "final", "--grant", GRANT_A, "--json")
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == (
        "error: No base rate (Basiszinssatz) is known for 01.01.2026.\n"
        "Add the rate in force from that day (published by the Deutsche Bundesbank) as a line "
        f"`valid_from,rate_percent,source` to {data_dir / 'reference' / 'base_rates.csv'}, then "
        "run again.\n"
    )
    assert not (data_dir / "reports").exists()
