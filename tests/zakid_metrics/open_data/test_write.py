"""Writing the export: the leak test over every byte of every file, the DCAT-AP.de catalogue,
texts in both languages, the same bytes for the same input and Parquet that reads back."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tests.zakid_metrics.open_data.conftest import AS_OF, SECRETS, every_text
from zakid_metrics.disclosure import Rules
from zakid_metrics.i18n import de, en
from zakid_metrics.open_data.build import build
from zakid_metrics.open_data.read import read_export
from zakid_metrics.open_data.spec import DATASETS, LICENSE_URI, METADATA_FILE, sha256_hex
from zakid_metrics.open_data.write import render


def test_no_confidential_value_in_any_byte_of_the_export(exported: Path) -> None:
    texts = every_text(exported)
    assert len(texts) == 3 * len([s for s in DATASETS if not s.telemetry]) + 1
    for name, text in texts.items():
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} leaks in {name}"
    raw = b"".join(path.read_bytes() for path in exported.iterdir())
    for secret in SECRETS:
        assert secret.encode() not in raw
    # No internal column travels: no unit counts, largest parts, reasons or ids.
    for spec in DATASETS:
        if spec.telemetry:
            continue
        columns = pq.read_schema(exported / spec.file_name("parquet")).names
        assert columns == list(spec.columns)
        assert not {"units", "largest", "reason", "company_id", "_stale"} & set(columns)


def test_metadata_describes_every_file_with_size_and_checksum(exported: Path) -> None:
    meta = json.loads((exported / METADATA_FILE).read_text(encoding="utf-8"))
    assert meta["license"] == LICENSE_URI
    assert meta["publisher"]["name"] == "Stadt Duisburg / ZaKI.D"
    assert meta["asOf"] == "2026-06-30"
    assert meta["temporal"]["endDate"] == "2026-07-01T00:00:00Z"
    assert meta["disclosureControl"] == {
        "kMin": 3,
        "dominanceShare": 0.85,
        "suppressedSymbol": ".",
    }
    assert [d["identifier"] for d in meta["dataset"]] == [
        s.name for s in DATASETS if not s.telemetry
    ]
    for entry in meta["dataset"]:
        assert entry["title"]["de"] and entry["title"]["en"]
        assert entry["title"]["de"] != f"open_data.dataset.{entry['identifier']}"
        for column in entry["columns"]:
            assert column["description"]["en"] != f"open_data.column.{column['name']}"
        for dist in entry["distribution"]:
            data = (exported / dist["downloadURL"]).read_bytes()
            assert dist["byteSize"] == len(data)
            assert dist["checksum"]["checksumValue"] == sha256_hex(data)
        assert [d["mediaType"].rsplit("/", 2)[-2:] for d in entry["distribution"]] == [
            ["text", "csv"],
            ["application", "json"],
            ["application", "vnd.apache.parquet"],
        ]
    export = read_export(exported.parent)
    assert export.as_of == "2026-06-30"
    assert export.table("jobs")["value"].dtype == "Int64"
    assert export.table("fleet") is None


def test_same_snapshot_gives_the_same_bytes(exported: Path) -> None:
    first = {p.name: p.read_bytes() for p in exported.iterdir()}
    rules = Rules.from_settings()
    assert render(build(exported.parent, AS_OF, rules), rules) == first


def test_every_dataset_and_column_has_texts_in_both_languages() -> None:
    for catalog in (de.MESSAGES, en.MESSAGES):
        for spec in DATASETS:
            assert f"open_data.dataset.{spec.name}" in catalog
            assert f"open_data.dataset.{spec.name}.description" in catalog
            for column in spec.columns:
                assert f"open_data.column.{column}" in catalog, column


def test_parquet_files_read_back_with_pyarrow_from_bytes(exported: Path) -> None:
    table = pq.read_table(io.BytesIO((exported / "jobs.parquet").read_bytes()))
    assert table.schema.field("value").type == pa.int64()
    assert table.schema.field("suppressed").type == pa.bool_()


def test_key_figures_name_the_framework_indicators_they_correspond_to(exported: Path) -> None:
    meta = json.loads((exported / METADATA_FILE).read_text(encoding="utf-8"))
    (key_figures,) = [d for d in meta["dataset"] if d["identifier"] == "key_figures"]
    listed = {entry["kpiId"]: entry for entry in key_figures["keyFigureIndicators"]}
    assert set(listed) == {
        "companies_engaged",
        "startups_engaged",
        "jobs_external_created",
        "jobs_created_fte",
        "co2e_avoided_t_per_year",
    }
    # the standard it conforms to only where it corresponds
    assert listed["jobs_created_fte"]["conformsTo"] == {
        "@type": "dct:Standard",
        "identifier": "ERDF RCR 01",
        "title": {"en": "Jobs created in supported entities (annual FTEs)"},
        "description": {
            "en": "Regulation (EU) 2021/1058 (ERDF and Cohesion Fund), Annex I, Table 1; "
            "definitions: Commission Staff Working Document SWD(2021) 198"
        },
    }
    spirit = listed["startups_engaged"]
    assert spirit["relation"] == "in_spirit" and "conformsTo" not in spirit
    assert spirit["note"]["de"].startswith("Sinngemäß vergleichbar mit dem Indikator ERDF RCO 05")
    assert meta["@context"]["conformsTo"] == "dct:conformsTo"
