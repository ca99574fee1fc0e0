"""Ingest on real files and a real DuckDB: counts, line numbers, snapshots, audit, atomicity."""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest import ingest
from tests.pipelines.helpers import GRANT_G1, GRANTS, ROOT, rejects, run_cli, table
from tests.waits import wait_until
from zakid_metrics.warehouse import warehouse_path

COMPANIES_HEADER = (
    "company_id; Name ;employees;annual_turnover_eur;postal_code;joined_on;is_craft;craft_annex"
)


def write(path: Path, lines: list[str], encoding: str = "cp1252", newline: str = "\r\n") -> Path:
    """A delivery file as German Excel writes it: cp1252, CRLF, trailing empty lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((newline.join(lines) + newline * 3).encode(encoding))
    return path


def companies(folder: Path, *rows: str, name: str = "companies.csv") -> Path:
    return write(folder / name, [COMPANIES_HEADER, *rows])


def jobs(folder: Path, *rows: str, name: str = "jobs.csv") -> Path:
    header = "job_id,category,company_id,project_id,created_on,ended_on,fte,annual_gross_salary_eur"
    return write(folder / name, [header, *rows], encoding="utf-8", newline="\n")


@pytest.fixture()
def delivery(tmp_path: Path) -> Path:
    folder = tmp_path / "delivery"
    companies(
        folder,
        "C1;Müller Präzisionstechnik GmbH;12;1.800.000,00;47051;01.07.2024;x;B1",
        "C2;Schweißtechnik Große KG;4;;4705;01.08.2024;;",  # line 3: postal code
        "C1;Doppelt GmbH;1;;47051;01.08.2024;;",  # line 4: duplicate id
        "C3;Straßenbau AG;300;60.000.000,00;46045;31.02.2025;;",  # line 5: no such day
        "C4;Öko-Sensorik UG;3;;47279;15.09.2024;nein;",
    )
    jobs(
        folder,
        "J1,external,C1,,2024-10-01,,1,52000",
        "J2,external,C2,,2024-10-01,,0.5,",  # line 3: C2 was rejected above
        "J3,external,C9,,2024-10-01,,1,",  # line 4: C9 exists nowhere
        "J4,project_related,,,2024-11-01,,0.75,61000.50",
        "J5,external,C4,,2024-11-01,2024-10-01,1,",  # line 6: ended before created
    )
    return folder


def test_counts_line_numbers_and_reasons(delivery: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    run = ingest([delivery], data)
    assert run.run_id == 1
    assert run.status == "ok"
    got = {
        f.file: (f.entity, f.status, f.rows_read, f.rows_loaded, f.rows_rejected) for f in run.files
    }
    assert got == {
        "companies.csv": ("companies", "loaded", 5, 2, 3),
        "jobs.csv": ("jobs", "loaded", 5, 2, 3),
    }
    assert rejects(data, 1) == [
        ("companies.csv", 3, "postal_code", "4705", "bad_pattern"),
        ("companies.csv", 4, "company_id", "C1", "duplicate_key"),
        ("companies.csv", 5, "joined_on", "31.02.2025", "invalid_date"),
        ("jobs.csv", 3, "company_id", "C2", "rejected_reference"),
        ("jobs.csv", 4, "company_id", "C9", "unknown_reference"),
        ("jobs.csv", 6, "ended_on", "2024-10-01", "date_not_after"),
    ]
    assert table(
        data,
        "SELECT company_id, name, employees, annual_turnover_eur, size_class, "
        "is_craft, craft_annex, in_duisburg, _line, _stale FROM companies "
        "ORDER BY company_id",
    ) == [
        (
            "C1",
            "Müller Präzisionstechnik GmbH",
            12,
            Decimal("1800000.00"),
            "small",
            True,
            "B1",
            True,
            2,
            False,
        ),
        ("C4", "Öko-Sensorik UG", 3, None, "micro", False, None, True, 6, False),
    ]
    assert table(data, "SELECT job_id, fte, annual_gross_salary_eur FROM jobs ORDER BY 1") == [
        ("J1", 1.0, Decimal("52000.00")),
        ("J4", 0.75, Decimal("61000.50")),
    ]
    reason = table(
        data, "SELECT reason, reason_de FROM rejected_rows WHERE line = 4 AND file = 'jobs.csv'"
    )
    assert reason == [
        (
            "'C9' in 'company_id' names a company that exists neither in this delivery nor in the "
            "warehouse.",
            "„C9“ in „company_id“: ein Unternehmen mit dieser Kennung gibt es weder in dieser "
            "Lieferung noch im Bestand.",
        )
    ]


def test_audit_records_every_run_and_file(delivery: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    (delivery / "notes.txt").write_text("not a delivery file")
    run = ingest([delivery], data, triggered_by="test")
    assert table(
        data,
        "SELECT run_id, status, triggered_by, files, rows_read, rows_loaded, "
        "rows_rejected, rows_duplicate FROM load_runs",
    ) == [(1, "ok", "test", 3, 10, 4, 6, 0)]
    files = table(
        data,
        "SELECT file, entity, status, sha256, size_bytes, encoding, delimiter "
        "FROM load_files ORDER BY file",
    )
    import hashlib

    expected = []
    for name, entity, status, encoding, delimiter in [
        ("companies.csv", "companies", "loaded", "cp1252", ";"),
        ("jobs.csv", "jobs", "loaded", "utf-8", ","),
        ("notes.txt", None, "skipped", None, None),
    ]:
        raw = (delivery / name).read_bytes()
        expected.append(
            (name, entity, status, hashlib.sha256(raw).hexdigest(), len(raw), encoding, delimiter)
        )
    assert files == expected
    assert [f.status for f in run.files] == ["companies.csv" and "loaded", "loaded", "skipped"]
    started, finished = table(data, "SELECT started_at, finished_at FROM load_runs")[0]
    assert started <= finished


def test_same_file_twice_changes_nothing(delivery: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    ingest([delivery], data)
    before = table(data, "SELECT * FROM companies ORDER BY company_id")
    run = ingest([delivery], data)
    assert [(f.file, f.status, f.rows_loaded) for f in run.files] == [
        ("companies.csv", "unchanged", 0),
        ("jobs.csv", "unchanged", 0),
    ]
    assert run.files[0].warnings[0].en == (
        "companies.csv: identical to the file loaded last (same SHA-256); nothing changed."
    )
    assert table(data, "SELECT * FROM companies ORDER BY company_id") == before
    assert table(data, "SELECT count(*) FROM rejected_rows WHERE run_id = 2") == [(0,)]
    assert table(data, "SELECT count(*) FROM jobs") == [(2,)]


def test_rejected_row_keeps_previous_version_until_replaced_or_dropped(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ok = "C1;Alt GmbH;12;;47051;01.07.2024;;"
    ingest([companies(tmp_path / "d1", ok, "C2;Zwei KG;3;;47058;01.07.2024;;")], data)
    c2 = "C2;Zwei KG;4;;47058;01.07.2024;;"

    def load(run: int, c1: str) -> None:
        """Load run `run`: companies C1 as `c1` and C2 as `c2`."""
        ingest([companies(tmp_path / f"d{run}", c1, c2)], data)

    states = "SELECT company_id, name, _stale FROM companies ORDER BY 1"
    # Run 2: C1's new version is broken, so its previous version stays, marked stale.
    load(2, "C1;Neu GmbH;12;;470;01.07.2024;;")
    assert table(
        data, "SELECT company_id, name, employees, _stale, _run_id FROM companies ORDER BY 1"
    ) == [
        ("C1", "Alt GmbH", 12, True, 1),
        ("C2", "Zwei KG", 4, False, 2),
    ]
    # Run 3: still broken: the stale version stays.
    load(3, "C1;Neu GmbH;x;;47051;01.07.2024;;")
    assert table(data, states) == [("C1", "Alt GmbH", True), ("C2", "Zwei KG", False)]
    # Run 4: a valid row replaces it.
    load(4, "C1;Neu GmbH;13;;47051;01.07.2024;;")
    assert table(data, states) == [("C1", "Neu GmbH", False), ("C2", "Zwei KG", False)]
    # Run 5: broken again, then run 6: a snapshot that no longer lists C1 removes it.
    load(5, "C1;Kaputt;-1;;47051;01.07.2024;;")
    assert table(data, "SELECT name, _stale FROM companies WHERE company_id = 'C1'") == [
        ("Neu GmbH", True)
    ]
    ingest([companies(tmp_path / "d6", c2)], data)
    assert table(data, "SELECT company_id FROM companies") == [("C2",)]


def test_references_see_the_current_state_and_the_same_delivery(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ingest([companies(tmp_path / "d1", "C1;Eins GmbH;12;;47051;01.07.2024;;")], data)
    # A later delivery of jobs alone may name companies loaded earlier.
    run = ingest(
        [jobs(tmp_path / "d2", "J1,external,C1,,2024-10-01,,1,", "J2,external,C2,,2024-10-01,,1,")],
        data,
    )
    assert run.files[0].rows_loaded == 1
    assert rejects(data, 2) == [("jobs.csv", 3, "company_id", "C2", "unknown_reference")]
    # Delivered together, the new company is known to the job in the same run.
    folder = tmp_path / "d3"
    companies(folder, "C1;Eins GmbH;12;;47051;01.07.2024;;", "C2;Zwei KG;3;;47058;01.07.2024;;")
    jobs(folder, "J1,external,C1,,2024-10-01,,1,", "J2,external,C2,,2024-10-01,,1,")
    run = ingest([folder], data)
    assert [f.rows_rejected for f in run.files] == [0, 0]
    assert table(data, "SELECT job_id, company_id FROM jobs ORDER BY 1") == [
        ("J1", "C1"),
        ("J2", "C2"),
    ]


def test_budget_year_must_lie_in_the_grant_period(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    write(folder / "grants.csv", [GRANTS, GRANT_G1])
    write(
        folder / "budget.csv",
        [
            "budget_line_id;grant_id;category;year;planned_eur",
            "B1;G1;personnel;2024;100.000,00",
            "B2;G1;personnel;2028;50.000,00",
            "B3;G1;travel;2029;1.000,00",
            "B4;G9;travel;2025;1.000,00",
        ],
    )
    run = ingest([folder], tmp_path / "data")
    assert [(f.file, f.rows_loaded, f.rows_rejected) for f in run.files] == [
        ("budget.csv", 2, 2),
        ("grants.csv", 1, 0),
    ]
    assert rejects(tmp_path / "data", 1) == [
        ("budget.csv", 4, "year", "2029", "year_outside_period"),
        ("budget.csv", 5, "grant_id", "G9", "unknown_reference"),
    ]
    assert table(
        tmp_path / "data",
        "SELECT grant_id, report_type, period_from, period_to, "
        "due_on FROM report_deadlines ORDER BY due_on",
    ) == [
        ("G1", "interim", dt.date(2024, 6, 1), dt.date(2024, 12, 31), dt.date(2025, 4, 30)),
        ("G1", "interim", dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2026, 4, 30)),
        ("G1", "interim", dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2027, 4, 30)),
        ("G1", "interim", dt.date(2027, 1, 1), dt.date(2027, 12, 31), dt.date(2028, 4, 30)),
        ("G1", "final", dt.date(2024, 6, 1), dt.date(2028, 5, 31), dt.date(2028, 11, 30)),
    ]


def test_file_error_fails_that_file_only(delivery: Path, tmp_path: Path) -> None:
    write(delivery / "projects.csv", ["project_id;title;company;partner", "P1;X;C1;UDE"])
    run = ingest([delivery], tmp_path / "data")
    assert run.status == "partial"
    failed = [f for f in run.files if f.status == "failed"]
    assert [(f.file, f.rows_loaded) for f in failed] == [("projects.csv", 0)]
    assert failed[0].errors[0].en == (
        "projects.csv: required column(s) company_id, use_case, status, started_on missing "
        "(found: project_id, title, company, partner). Add the column(s) to the header row or "
        "rename: 'company' -> 'company_id'. The columns of projects are listed in "
        "docs/CONTRACT.md."
    )
    assert table(tmp_path / "data", "SELECT count(*) FROM companies") == [(2,)]


def test_several_snapshots_of_one_entity_apply_in_name_order(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    companies(
        folder,
        "C1;Alt;1;;47051;01.07.2024;;",
        "C2;Weg;1;;47051;01.07.2024;;",
        name="companies_2026-10.csv",
    )
    companies(folder, "C1;Neu;2;;47051;01.07.2024;;", name="companies_2026-11.csv")
    run = ingest([folder], tmp_path / "data")
    assert [f.status for f in run.files] == ["loaded", "loaded"]
    assert "companies_2026-11.csv determines the state" in run.files[0].warnings[0].en
    assert table(tmp_path / "data", "SELECT company_id, name FROM companies") == [("C1", "Neu")]


def test_cli_json_and_exit_codes(delivery: Path, tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    done = run_cli("ingest", str(delivery), "--data-dir", data, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"run_id", "status", "files", "empty_snapshots"}
    assert set(result["files"][0]) == {
        "file",
        "entity",
        "status",
        "sha256",
        "rows_read",
        "rows_loaded",
        "rows_rejected",
        "rows_duplicate",
        "errors",
        "warnings",
    }
    assert [(f["file"], f["rows_loaded"], f["rows_rejected"]) for f in result["files"]] == [
        ("companies.csv", 2, 3),
        ("jobs.csv", 2, 3),
    ]
    (delivery / "courses.csv").write_bytes(b"\x00\x01\x02")
    failed = run_cli("ingest", str(delivery), "--data-dir", data)
    assert failed.returncode == 1
    assert "courses.csv" in failed.stdout and "Traceback" not in failed.stdout + failed.stderr
    usage = run_cli("ingest", str(tmp_path / "missing"), "--data-dir", data)
    assert usage.returncode == 2
    assert "does not exist" in usage.stderr and "Traceback" not in usage.stderr
    assert run_cli("ingest").returncode == 2
    rejects_out = json.loads(run_cli("rejects", "--run", "1", "--data-dir", data, "--json").stdout)
    assert [(r["file"], r["line"], r["column"]) for r in rejects_out["rejected_rows"]] == [
        ("companies.csv", 3, "postal_code"),
        ("companies.csv", 4, "company_id"),
        ("companies.csv", 5, "joined_on"),
        ("jobs.csv", 3, "company_id"),
        ("jobs.csv", 4, "company_id"),
        ("jobs.csv", 6, "ended_on"),
    ]
    status = json.loads(run_cli("status", "--data-dir", data, "--json").stdout)
    assert [r["run_id"] for r in status["runs"]] == [2, 1]
    by_entity = {e["entity"]: (e["rows"], e["last_file"]) for e in status["entities"]}
    assert by_entity["companies"] == (2, "companies.csv")
    assert by_entity["courses"] == (0, None)
    missing_warehouse = run_cli("status", "--data-dir", str(tmp_path / "empty"))
    assert missing_warehouse.returncode == 1
    assert "python -m pipelines ingest data/sample" in missing_warehouse.stderr


def test_reader_holding_the_warehouse_never_blocks_a_load(delivery: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    ingest([delivery], data)
    held = duckdb.connect(str(warehouse_path(data)), read_only=True)
    try:
        companies(delivery, "C1;Nur Noch Eins GmbH;12;;47051;01.07.2024;;")
        done = run_cli("ingest", str(delivery), "--data-dir", str(data), "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["run_id"] == 2
        # The reader keeps its snapshot ...
        assert held.execute("SELECT count(*) FROM companies").fetchone() == (2,)
        assert held.execute("SELECT max(run_id) FROM load_runs").fetchone() == (1,)
    finally:
        held.close()
    # ... and the next connection sees the new one.
    assert table(data, "SELECT company_id, name FROM companies") == [("C1", "Nur Noch Eins GmbH")]


def big_delivery(folder: Path, rows: int) -> None:
    """A delivery slow enough to be killed in the middle of its load."""
    write(folder / "grants.csv", [GRANTS, GRANT_G1])
    write(
        folder / "expenditures.csv",
        [
            "expenditure_id;grant_id;category;paid_on;amount_eur;vendor;description",
            *(
                f"E{i};G1;travel;{1 + i % 28:02d}.0{1 + i % 9}.2025;{i % 900 + 1},{i % 100:02d};"
                f"DB Fernverkehr AG;Dienstreise {i}"
                for i in range(rows)
            ),
        ],
    )


def load_process(delivery: Path, data_dir: Path) -> subprocess.Popen[bytes]:
    """`python -m pipelines ingest DELIVERY` as its own process."""
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines", "ingest", str(delivery), "--data-dir", str(data_dir)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def test_kill_at_any_moment_leaves_the_published_warehouse_intact(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = tmp_path / "first"
    big_delivery(first, 10)
    ingest([first], data)
    before = table(data, "SELECT * FROM expenditures ORDER BY expenditure_id")
    second = tmp_path / "second"
    big_delivery(second, 30_000)
    # The moments are shares of the work a whole load does, measured in CPU time, which a busy
    # machine stretches far less than the wall clock.
    start = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert load_process(second, tmp_path / "probe").wait() == 0
    end = resource.getrusage(resource.RUSAGE_CHILDREN)
    work_s = end.ru_utime - start.ru_utime + end.ru_stime - start.ru_stime
    killed_while_running = 0
    for fraction in (0.2, 0.4, 0.6, 0.8, 0.9, 0.95):
        process = load_process(second, data)
        wait_until(
            lambda p=process, f=fraction: p.poll() is not None or cpu_seconds(p.pid) >= f * work_s,
            timeout_s=300,
            what=f"the load to do {fraction:.0%} of its work",
        )
        if process.poll() is None:
            killed_while_running += 1
            process.send_signal(signal.SIGKILL)
        process.wait()
        assert process.returncode in (0, -signal.SIGKILL)
        # All or nothing: the old snapshot, or the new one complete with its audit.
        if table(data, "SELECT max(run_id) FROM load_runs") == [(1,)]:
            assert table(data, "SELECT * FROM expenditures ORDER BY expenditure_id") == before
            continue
        assert table(data, "SELECT count(*) FROM expenditures") == [(30_000,)]
        assert table(
            data, "SELECT run_id, status, rows_loaded FROM load_runs WHERE run_id = 2"
        ) == [(2, "ok", 30_000)]  # grants.csv is unchanged
        break
    assert killed_while_running >= 3
    # After the kills, the next load cleans up and publishes normally.
    big_delivery(second, 30_001)
    run = ingest([second], data)
    assert run.files[0].rows_loaded == 30_001
    assert not (data / "warehouse.duckdb.next").exists()


def test_crash_inside_the_load_publishes_nothing(
    delivery: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    ingest([delivery], data)
    import pipelines.ingest as module

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    companies(delivery, "C1;Anders;12;;47051;01.07.2024;;")
    monkeypatch.setattr(module, "_store_rejections", explode)
    with pytest.raises(RuntimeError):
        ingest([delivery], data)
    assert table(data, "SELECT count(*), max(run_id) FROM load_runs") == [(1, 1)]
    assert table(data, "SELECT count(*) FROM companies") == [(2,)]
    assert not (data / "warehouse.duckdb.next").exists()
