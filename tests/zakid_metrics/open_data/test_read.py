"""Reading the export as the public pages do: every file checked against its metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from zakid_metrics.errors import OpenDataError
from zakid_metrics.open_data.read import read_export


def test_reader_refuses_files_that_do_not_match_the_metadata(exported: Path) -> None:
    (exported / "jobs.csv").write_bytes(b"tampered")
    with pytest.raises(OpenDataError, match="does not match its metadata"):
        read_export(exported.parent)


def test_reader_without_export_says_how_to_export(data_dir: Path) -> None:
    with pytest.raises(OpenDataError) as error:
        read_export(data_dir)
    assert error.value.hint == "Export one from the warehouse: python -m pipelines export"
