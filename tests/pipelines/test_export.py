"""`python -m pipelines export` (alias `publish`): determinism, the atomic swap, a failed
export that leaves the previous one, and the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pipelines import export as export_module
from pipelines.export import export
from tests.pipelines.helpers import run_cli
from tests.zakid_metrics.open_data.conftest import AS_OF, deliver
from zakid_metrics.files import swap_directory
from zakid_metrics.open_data.read import read_export
from zakid_metrics.open_data.spec import NEXT_DIR, public_dir


@pytest.fixture
def delivered(tmp_path: Path, data_dir: Path) -> Path:
    deliver(tmp_path, data_dir)
    return data_dir


@pytest.fixture
def exported(delivered: Path) -> Path:
    export(delivered, AS_OF, by="test")
    return public_dir(delivered)


def test_same_snapshot_gives_the_same_bytes(exported: Path) -> None:
    first = {p.name: p.read_bytes() for p in exported.iterdir()}
    export(exported.parent, AS_OF, by="test")
    second = {p.name: p.read_bytes() for p in exported.iterdir()}
    assert first == second


def test_a_failed_export_leaves_the_previous_export(
    exported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {p.name: p.read_bytes() for p in exported.iterdir()}
    written: list[str] = []
    write = export_module.atomic_write

    def failing(path: Path, data: bytes, mode: int) -> None:
        if len(written) == 5:
            raise OSError(28, "No space left on device")
        written.append(path.name)
        write(path, data, mode)

    monkeypatch.setattr(export_module, "atomic_write", failing)
    with pytest.raises(OSError):
        export(exported.parent, dt.date(2026, 7, 31), by="test")
    assert {p.name: p.read_bytes() for p in exported.iterdir()} == before
    assert not (exported.parent / NEXT_DIR).exists()
    assert read_export(exported.parent).as_of == "2026-06-30"


def test_a_leftover_next_folder_is_replaced(exported: Path) -> None:
    leftover = exported.parent / NEXT_DIR
    leftover.mkdir()
    (leftover / "jobs.csv").write_text("half written")
    export(exported.parent, dt.date(2026, 7, 31), by="test")
    assert not leftover.exists()
    assert read_export(exported.parent).as_of == "2026-07-31"


def test_swap_exchanges_the_folders_in_place(tmp_path: Path) -> None:
    old, new = tmp_path / "public", tmp_path / "public.next"
    old.mkdir()
    new.mkdir()
    (old / "a").write_text("old")
    (new / "a").write_text("new")
    old_inode, new_inode = old.stat().st_ino, new.stat().st_ino
    swap_directory(new, old)
    assert (old / "a").read_text() == "new"
    assert (new / "a").read_text() == "old"
    assert old.stat().st_ino == new_inode and new.stat().st_ino == old_inode


# --- The command line ----------------------------------------------------------------------------

NOTE = "note: `publish` is now called `export`: python -m pipelines export\n"


def test_cli_exports_and_explains_a_missing_warehouse(delivered: Path, tmp_path: Path) -> None:
    done = run_cli("export", "--data-dir", str(delivered), "--as-of", "2026-06-30", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    answer = json.loads(done.stdout)
    assert answer["as_of"] == "2026-06-30" and answer["run_id"] == 2
    assert {"name": "jobs", "rows": 30, "suppressed": 8} in answer["datasets"]
    empty = run_cli("export", "--data-dir", str(tmp_path / "none"))
    assert empty.returncode == 1
    assert empty.stderr == (
        f"error: No warehouse at {tmp_path / 'none' / 'warehouse.duckdb'}.\n"
        "Load a delivery first: python -m pipelines ingest data/sample\n"
    )
    assert "Traceback" not in empty.stderr


def test_publish_is_an_alias_that_says_so(delivered: Path, tmp_path: Path) -> None:
    args = ("--data-dir", str(delivered), "--as-of", "2026-06-30", "--json")
    exported, published = run_cli("export", *args), run_cli("publish", *args)
    assert (published.returncode, published.stdout) == (0, exported.stdout)
    assert published.stderr == NOTE
    table = run_cli("publish", "--data-dir", str(delivered), "--as-of", "2026-06-30")
    assert table.returncode == 0
    assert table.stdout.splitlines()[0].split() == ["dataset", "rows", "suppressed", "cells"]
    assert table.stdout.splitlines()[-1] == (
        f"Published the open data as of 2026-06-30 from load run 2 to {public_dir(delivered)} "
        "(CSV, JSON, Parquet and metadata.json)."
    )
    empty = run_cli("publish", "--data-dir", str(tmp_path / "none"))
    assert empty.returncode == 1
    assert empty.stderr == NOTE + (
        f"error: No warehouse at {tmp_path / 'none' / 'warehouse.duckdb'}.\n"
        "Load a delivery first: python -m pipelines ingest data/sample\n"
    )
