"""The export's files from its built tables: CSV, JSON, Parquet and the DCAT-AP.de catalogue.

Every file is rendered to bytes here, the same bytes for the same input (no time stamps of the
run); pipelines/export.py puts them on disk.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from zakid_metrics.disclosure import SUPPRESSED, SUPPRESSED_SYMBOL, Rules
from zakid_metrics.i18n import t
from zakid_metrics.open_data.build import Built
from zakid_metrics.open_data.spec import (
    DATASETS,
    FILE_TYPES,
    FORMATS,
    LICENSE_NAME,
    LICENSE_TEXT_URL,
    LICENSE_URI,
    MEDIA_TYPE_BASE,
    METADATA_FILE,
    PUBLISHER,
    DatasetSpec,
    Format,
    sha256_hex,
)

# A text that a spreadsheet would run as a formula (OWASP: CSV injection) starts with one of these.
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")

JSONLD_CONTEXT: dict[str, Any] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "zakid": "https://zakid.duisburg.de/ns/open-data#",
    "title": {"@id": "dct:title", "@container": "@language"},
    "description": {"@id": "dct:description", "@container": "@language"},
    "identifier": "dct:identifier",
    "publisher": "dct:publisher",
    "name": "foaf:name",
    "license": {"@id": "dct:license", "@type": "@id"},
    "licenseName": "zakid:licenseName",
    "licenseText": {"@id": "zakid:licenseText", "@type": "@id"},
    "licenseAttributionByText": "dcatde:licenseAttributionByText",
    "modified": {"@id": "dct:modified", "@type": "xsd:date"},
    "asOf": {"@id": "zakid:asOf", "@type": "xsd:date"},
    "temporal": "dct:temporal",
    "startDate": {"@id": "dcat:startDate", "@type": "xsd:dateTime"},
    "endDate": {"@id": "dcat:endDate", "@type": "xsd:dateTime"},
    "dataset": "dcat:dataset",
    "distribution": "dcat:distribution",
    "downloadURL": {"@id": "dcat:downloadURL", "@type": "@id"},
    "format": {"@id": "dct:format", "@type": "@id"},
    "mediaType": {"@id": "dcat:mediaType", "@type": "@id"},
    "byteSize": {"@id": "dcat:byteSize", "@type": "xsd:nonNegativeInteger"},
    "checksum": "spdx:checksum",
    "algorithm": {"@id": "spdx:algorithm", "@type": "@id"},
    "checksumValue": "spdx:checksumValue",
    "columns": "zakid:columns",
    "disclosureControl": "zakid:disclosureControl",
    "conformsTo": "dct:conformsTo",
    "keyFigureIndicators": "zakid:keyFigureIndicators",
    "kpiId": "zakid:kpiId",
    "relation": "zakid:indicatorRelation",
    "note": {"@id": "skos:note", "@container": "@language"},
    "skos": "http://www.w3.org/2004/02/skos/core#",
}


def escape_formula(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula, prefixed with `'`; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    """A cell as JSON and CSV write it: None for a gap, whole floats as integers."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _records(frame: pd.DataFrame, columns: Sequence[str]) -> list[list[Any]]:
    return [[_plain(v) for v in row] for row in frame[list(columns)].itertuples(index=False)]


def csv_bytes(frame: pd.DataFrame, spec: DatasetSpec) -> bytes:
    """RFC 4180 CSV in UTF-8: `,`, decimal point, `true`/`false`, empty for a gap; texts that
    a spreadsheet would run as formulas are prefixed with `'`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(spec.columns)
    for row in _records(frame, spec.columns):
        writer.writerow(
            [
                ""
                if v is None
                else ("true" if v else "false")
                if isinstance(v, bool)
                else escape_formula(v)
                for v in row
            ]
        )
    return buffer.getvalue().encode("utf-8")


def json_bytes(frame: pd.DataFrame, spec: DatasetSpec) -> bytes:
    """A JSON array of objects, one per row; null for a gap."""
    records = [dict(zip(spec.columns, row, strict=True)) for row in _records(frame, spec.columns)]
    return (json.dumps(records, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def parquet_bytes(frame: pd.DataFrame, spec: DatasetSpec) -> bytes:
    """Parquet with a fixed schema: texts as strings, the value as int64 or double, nullable."""
    fields = []
    for column in spec.columns:
        if column == "value":
            kind = pa.int64() if spec.value_type == "int" else pa.float64()
        elif column == SUPPRESSED:
            kind = pa.bool_()
        elif column in spec.floats:
            kind = pa.float64()
        else:
            kind = pa.string()
        fields.append(pa.field(column, kind))
    schema = pa.schema(fields)
    arrays = [
        pa.array([_plain(v) for v in frame[column]], type=field.type)
        for column, field in zip(spec.columns, schema, strict=True)
    ]
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), buffer, compression="zstd")
    return buffer.getvalue()


WRITERS = {"csv": csv_bytes, "json": json_bytes, "parquet": parquet_bytes}


def _texts(key: str, **params: Any) -> dict[str, str]:
    return {lang: t(key, lang, **params) for lang in ("de", "en")}


def _period(start: dt.datetime | dt.date, end: dt.datetime | dt.date) -> dict[str, Any]:
    def text(moment: dt.datetime | dt.date) -> str:
        if isinstance(moment, dt.datetime):
            return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{moment.isoformat()}T00:00:00Z"

    return {"@type": "dct:PeriodOfTime", "startDate": text(start), "endDate": text(end)}


def metadata(
    built: Built, distributions: Mapping[str, list[dict[str, Any]]], rules: Rules
) -> dict[str, Any]:
    """The DCAT-AP.de catalogue of the export as JSON-LD (docs/OPEN_DATA.md)."""
    publisher = {"@type": "foaf:Organization", "name": PUBLISHER}
    licence = {
        "license": LICENSE_URI,
        "licenseName": LICENSE_NAME,
        "licenseText": LICENSE_TEXT_URL,
        "licenseAttributionByText": PUBLISHER,
    }
    temporal = _period(built.period_start, built.as_of + dt.timedelta(days=1))
    modified = built.published_at.date().isoformat()
    datasets = []
    for spec in DATASETS:
        if spec.name not in distributions:
            continue
        fleet = spec.name == "fleet" and built.fleet_window is not None
        datasets.append(
            {
                "@type": "dcat:Dataset",
                "identifier": spec.name,
                "title": _texts(f"open_data.dataset.{spec.name}"),
                "description": _texts(f"open_data.dataset.{spec.name}.description"),
                "publisher": publisher,
                **licence,
                "modified": modified,
                "temporal": _period(*built.fleet_window) if fleet else temporal,
                "columns": [
                    {"name": column, "description": _texts(f"open_data.column.{column}")}
                    for column in spec.columns
                ],
                "distribution": distributions[spec.name],
                **(_indicators(built) if spec.name == "key_figures" else {}),
            }
        )
    return {
        "@context": JSONLD_CONTEXT,
        "@type": "dcat:Catalog",
        "title": _texts("open_data.catalog.title"),
        "description": _texts("open_data.catalog.description"),
        "publisher": publisher,
        **licence,
        "modified": modified,
        "asOf": built.as_of.isoformat(),
        "temporal": temporal,
        "disclosureControl": {
            "kMin": rules.k_min,
            "dominanceShare": rules.dominance_share,
            "suppressedSymbol": SUPPRESSED_SYMBOL,
        },
        "dataset": datasets,
    }


def _indicators(built: Built) -> dict[str, Any]:
    """Per key figure whose KPI names a framework indicator: the indicator (as the standard the
    figure conforms to only where it corresponds, not where it is comparable in spirit) and a
    note saying which of the two it is."""
    if not built.indicators:
        return {}
    listed = []
    for kpi_id, indicator in built.indicators.items():
        standard = {
            "@type": "dct:Standard",
            "identifier": indicator.code,
            "title": {"en": indicator.name},
            "description": {"en": indicator.source},
        }
        listed.append(
            {
                "kpiId": kpi_id,
                "relation": indicator.relation,
                **({"conformsTo": standard} if indicator.relation == "corresponds" else {}),
                "note": {lang: indicator.text(lang) for lang in ("de", "en")},
            }
        )
    return {"keyFigureIndicators": listed}


def _distribution(spec: DatasetSpec, fmt: Format, data: bytes) -> dict[str, Any]:
    file_type, media_type = FILE_TYPES[fmt]
    return {
        "@type": "dcat:Distribution",
        "title": spec.file_name(fmt),
        "downloadURL": spec.file_name(fmt),
        "format": file_type,
        "mediaType": MEDIA_TYPE_BASE + media_type,
        "byteSize": len(data),
        "checksum": {
            "@type": "spdx:Checksum",
            "algorithm": "spdx:checksumAlgorithm_sha256",
            "checksumValue": sha256_hex(data),
        },
        "license": LICENSE_URI,
    }


def render(built: Built, rules: Rules) -> dict[str, bytes]:
    """Every file of the export by name, metadata last: the same bytes for the same input."""
    files: dict[str, bytes] = {}
    distributions: dict[str, list[dict[str, Any]]] = {}
    for spec in DATASETS:
        frame = built.tables.get(spec.name)
        if frame is None:
            continue
        distributions[spec.name] = []
        for fmt in FORMATS:
            data = WRITERS[fmt](frame, spec)
            files[spec.file_name(fmt)] = data
            distributions[spec.name].append(_distribution(spec, fmt, data))
    text = json.dumps(metadata(built, distributions, rules), ensure_ascii=False, indent=2)
    files[METADATA_FILE] = (text + "\n").encode("utf-8")
    return files
