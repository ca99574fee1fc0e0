"""Telemetry history files through the batch path: read, validated set-wise, appended once.

A history file (`telemetry*.csv`, `*.parquet`, `*.xlsx`) holds readings with the contract's
fields as columns. It is checked by the same declaration as the collector's per-request
validator (zakid_metrics.contract READING_FIELDS and READING_RULES, as SQL), its rows must
name registered devices, and the valid ones are appended to the telemetry store with the
store's de-duplication on (device_id, seq): a reading already stored, or earlier in the file,
counts as a duplicate. Rejected rows go to the warehouse's rejected_rows like other files.

Reading: a regular UTF-8 CSV (one record per line) goes through DuckDB's parallel CSV reader,
numbers typed by it; if it turns a cell away, through the same reader as text; anything else
(Windows-1252, empty lines, line breaks in cells, XLSX) through the exact delivery reader of
pipelines.readers. Parquet is read by DuckDB, its row number standing for the line.

Ordering: the readings are committed to the telemetry store while the load run still builds
its warehouse snapshot, which is published afterwards. If the publish fails, a rerun finds
the readings stored and counts them as duplicates: nothing is lost and nothing doubled. (The
other order could lose readings that the audit already reports as loaded.)
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from pipelines.collector.segments import append_relation
from pipelines.collector.validation import (
    FIELD_NAMES,
    US_PER_S,
    TsWindow,
    format_us,
    reading_checks_sql,
)
from pipelines.readers import header_delimiter, read_table
from zakid_metrics.contract import (
    INT64_MAX,
    READING_FIELDS,
    READING_KEY,
    READING_RULES,
    TELEMETRY_PREFIX,
    NotLessThan,
    RequiredWhenPositive,
    parse_text,
    problem,
)
from zakid_metrics.errors import FileError
from zakid_metrics.settings import get_settings
from zakid_metrics.telemetry_store import connect

REQUIRED = tuple(f.name for f in READING_FIELDS if f.required)
_NUMERIC = frozenset(f.name for f in READING_FIELDS if f.kind in ("int", "decimal"))
_HEAD_BYTES = 1 << 16
# Placeholders for the row's own values in a reason rendered once per (column, rule).
_VALUE, _OTHER = "\x01", "\x02"
BULK_INSTANCE = "bulk"
WORK_MEMORY = "1GB"
"""What DuckDB may hold in memory while a history file is checked and written; the rest
spills to a temporary folder in the data directory (10 M readings: peak RSS under 2 GB)."""
# DuckDB's CSV reader reads numbers as DOUBLE (as BIGINT it would read 2.5 as 3), exact for
# integers below 2**53; a file with larger ones is read again with its numbers as text.
_EXACT_INTEGERS = 2**53
_DEVICES_ENUM = "_history_device"
_INTERVALS = "_history_intervals"
_INTEGERS = frozenset(f.name for f in READING_FIELDS if f.kind == "int")


@dataclass
class HistoryResult:
    """What loading one history file did: the counts of the contract's promise and how it
    was read."""

    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    format: str = "csv"
    encoding: str | None = None
    delimiter: str | None = None
    extra_columns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Read:
    """How a file was read, and the relation on the work connection that holds it."""

    format: str
    encoding: str | None
    delimiter: str | None
    decimal: str
    columns: tuple[str, ...]  # normalised header names, in file order
    relation: str  # _line, _extra_cells and the contract's fields, as text unless `typed`
    typed: frozenset[str] = frozenset()  # number fields the reader cast itself
    lines: Future[int] | None = None
    """DuckDB's CSV reader reading the file while it is checked: its data lines, counted
    beside; the relation's _line is NULL, the line is the checked row's rowid + 2."""


def _quoted(name: str) -> str:
    return f'"{name}"'


def _normalised(name: str) -> str:
    return name.strip().strip("\ufeff").strip().lower()


def _fields_of(
    source: str,
    present: set[str],
    sql_of: dict[str, str] | None = None,
    typed: frozenset[str] = frozenset(),
) -> str:
    """SELECT of _line, _extra_cells and every contract field from `source` as text, or as
    DOUBLE where `typed` (NULL where the file has none; `sql_of` replaces an expression)."""
    cells = []
    for f in READING_FIELDS:
        if f.name not in present:
            kind = "DOUBLE" if f.name in typed else "VARCHAR"
            cells.append(f"NULL::{kind} AS {_quoted(f.name)}")
        elif sql_of and f.name in sql_of:
            cells.append(f"{sql_of[f.name]} AS {_quoted(f.name)}")
        else:
            cells.append(_quoted(f.name))
    return f"SELECT _line, _extra_cells, {', '.join(cells)} FROM {source}"


# --- Reading ---------------------------------------------------------------------------------


def _first_line(path: Path) -> tuple[str, str] | None:
    """The header line and the encoding, when the file starts with one in UTF-8."""
    with path.open("rb") as stream:
        head = stream.read(_HEAD_BYTES)
    encoding = "utf-8"
    if head.startswith(b"\xef\xbb\xbf"):
        head, encoding = head[3:], "utf-8-sig"
    line, newline, _ = head.partition(b"\n")
    if not newline or not line.strip():
        return None
    try:
        return line.decode("utf-8").rstrip("\r"), encoding
    except UnicodeDecodeError:
        return None


def _data_lines(path: Path) -> int:
    """Lines after the header, empty lines at the end not counted."""
    newlines, tail = 0, b""
    buffer = bytearray(1 << 22)  # one buffer, read into again and again
    with path.open("rb", buffering=0) as stream:
        while size := stream.readinto(buffer):
            newlines += int(np.count_nonzero(np.frombuffer(buffer, np.uint8, size) == 10))
            tail = (tail + bytes(buffer[max(0, size - 4096) : size]))[-4096:]
    body = tail.rstrip(b"\r\n")
    ending = tail[len(body) :].count(b"\n")
    lines = newlines + (0 if tail.endswith(b"\n") else 1)
    return lines - 1 - max(ending - 1, 0)


def _text_table(
    con: duckdb.DuckDBPyConnection,
    name: str,
    lines: list[int],
    header: tuple[str, ...],
    rows: list[list[Any]],
    extra: list[int],
) -> None:
    """A temp table of text cells (the contract's fields of `header`) with their lines."""
    columns: dict[str, pa.Array] = {
        "_line": pa.array(lines, pa.int64()),
        "_extra_cells": pa.array(extra, pa.int64()),
    }
    for i, column in enumerate(header):
        if column in FIELD_NAMES:
            columns[column] = pa.array(
                [None if i >= len(r) or r[i] is None else parse_text(r[i]) or None for r in rows],
                pa.string(),
            )
    con.register("_history_text_cells", pa.table(columns))
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _history_text_cells")
    finally:
        con.unregister("_history_text_cells")


def _read_csv_fast(path: Path, typed: frozenset[str], lines: Future[int]) -> _Read | None:
    """A UTF-8 CSV with its header on line 1, as a relation of DuckDB's parallel CSV reader
    (read while it is checked, _check); the `typed` number fields it casts itself (DOUBLE),
    the others stay text. None when the header does not suit it.

    The check keeps the file's order, so the line is the checked row's rowid + 2. Whether the
    reader read the file as the contract does is known after the check (_read_held).
    """
    first = _first_line(path)
    if first is None:
        return None
    line, encoding = first
    delimiter = header_delimiter(line)
    names = tuple(_normalised(n) for n in next(csv.reader([line], delimiter=delimiter)))
    if not all(names) or len(set(names)) != len(names):
        return None
    # Positional column names of our own: the header's names never reach the SQL text.
    columns = ", ".join(
        f"'c{i}': '{'DOUBLE' if name in typed else 'VARCHAR'}'" for i, name in enumerate(names)
    )
    decimal = "," if delimiter == ";" else "."
    renamed = ", ".join(
        f"c{i} AS {_quoted(name)}" for i, name in enumerate(names) if name in FIELD_NAMES
    )
    relation = (
        f"(SELECT NULL::BIGINT AS _line, 0 AS _extra_cells, {renamed} FROM read_csv("
        f"{_sql_literal(str(path))}, header = false, skip = 1, auto_detect = false, "
        f"delim = {_sql_literal(delimiter)}, decimal_separator = '{decimal}', quote = '\"', "
        f"escape = '\"', columns = {{{columns}}}, null_padding = true, store_rejects = true))"
    )
    present = set(names)
    return _Read(
        "csv",
        encoding,
        delimiter,
        decimal,
        names,
        f"({_fields_of(relation, present, typed=typed & present)})",
        typed & present,
        lines,
    )


def _drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the tables in which DuckDB's CSV reader noted the records it turned away."""
    con.execute("DROP TABLE IF EXISTS reject_errors")
    con.execute("DROP TABLE IF EXISTS reject_scans")


def _read_held(con: duckdb.DuckDBPyConnection, read: _Read) -> tuple[bool, bool]:
    """Whether DuckDB's CSV reader read the checked file as the contract does (no cell it
    could not cast, no more cells than names, no integer too large to be exact as a DOUBLE,
    every record one line), and whether its records may be lines (false where the reader
    turned nothing away and still read another number of records than the file has lines: a
    line break in a cell, an empty line; then it cannot read the file, typed or as text)."""
    assert read.lines is not None
    ((rejected,),) = con.execute("SELECT count(*) FROM reject_errors").fetchall()
    _drop_rejects(con)
    ((rows, inexact),) = con.execute(
        "SELECT count(*), coalesce(bool_or(_inexact), false) FROM _history_rows"
    ).fetchall()
    # Rows the reader turned away are missing from the count too: then it tells nothing.
    records_are_lines = bool(rejected) or rows == read.lines.result()
    return not rejected and not inexact and rows == read.lines.result(), records_are_lines


def _read_exact(con: duckdb.DuckDBPyConnection, path: Path) -> _Read:
    """Any CSV or XLSX through the delivery reader: every quirk, exact line numbers."""
    table = read_table(path)
    _text_table(
        con,
        "_history_raw",
        [row.line for row in table.rows],
        table.header,
        [list(row.values) for row in table.rows],
        [row.extra_cells for row in table.rows],
    )
    relation = f"({_fields_of('_history_raw', set(table.header))})"
    return _Read(
        table.format,
        table.encoding,
        table.delimiter,
        table.decimal or ".",  # TAB and XLSX text cells: a decimal point, as before
        table.header,
        relation,
    )


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> _Read:
    """A Parquet file: its row number as the line, its cells as text, times as RFC 3339."""
    try:
        described = con.execute(
            "DESCRIBE SELECT * FROM read_parquet($path)", {"path": str(path)}
        ).fetchall()
    except duckdb.Error as error:
        raise FileError(
            "broken_parquet",
            f"{path.name} is not a readable Parquet file: {error}",
            "Write the file again (e.g. pyarrow.parquet.write_table) or export it as CSV.",
            file=path.name,
        ) from None
    names = tuple(_normalised(name) for name, *_ in described)
    cells = []
    for position, ((original, sql_type, *_), name) in enumerate(zip(described, names, strict=True)):
        if name not in FIELD_NAMES:
            continue
        if names.index(name) != position:
            raise FileError(
                "header",
                f"{path.name}: the column name '{name}' appears twice.",
                "Give every column exactly one name, and each name only once.",
                file=path.name,
                line=1,
                column=str(position + 1),
                name=name,
            )
        column = _quoted(original)
        if sql_type == "TIMESTAMP WITH TIME ZONE":
            cells.append(
                f"strftime(timezone('UTC', {column}), '%Y-%m-%dT%H:%M:%S.%fZ') AS {_quoted(name)}"
            )
        elif sql_type.startswith("TIMESTAMP") and name == "ts":
            raise FileError(
                "naive_timestamps",
                f"{path.name}: the column ts holds times without a time zone ({sql_type}).",
                "Write ts as timestamps with time zone (UTC), or as RFC 3339 text with an "
                "offset, e.g. 2026-11-24T14:05:00+01:00.",
                file=path.name,
            )
        else:
            cells.append(f"CAST({column} AS VARCHAR) AS {_quoted(name)}")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _history_raw AS "
        "SELECT file_row_number + 1 AS _line, 0 AS _extra_cells, "
        + ", ".join(cells)
        + " FROM read_parquet($path, file_row_number = true)",
        {"path": str(path)},
    )
    relation = f"({_fields_of('_history_raw', set(names))})"
    return _Read("parquet", None, None, ".", names, relation)


def _reads(con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[_Read]:
    """`path` by the fastest reader first: typed by DuckDB, as text by DuckDB, else the exact
    delivery reader. The caller takes the first whose check held (_read_held)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        yield _read_parquet(con, path)
        return
    if suffix == ".csv" and path.stat().st_size:
        with ThreadPoolExecutor(1) as pool:
            lines = pool.submit(_data_lines, path)  # while DuckDB reads
            for typed in (_NUMERIC, frozenset()):
                fast = _read_csv_fast(path, typed, lines)
                if fast is not None:
                    yield fast
    yield _read_exact(con, path)


# --- Checking ------------------------------------------------------------------------------


def _number_sql(column: str, decimal: str) -> str:
    """A number cell as text DuckDB casts: `1.234,5` and `1,234.5` as `1234.5` (the
    contract's parse_decimal, set-wise); `decimal` decides `1.234` (1234 in a `,` file).

    A cell without the other separator passes unchanged (a `,` file's comma becoming a
    point): the common case costs one substring search. So in a file with a decimal point,
    thousands are grouped with commas (`1,234.5`), never with points.
    """
    c = column
    other = "," if decimal == "." else "."
    simple = c if decimal == "." else f"replace({c}, ',', '.')"
    t = f"replace(replace(trim({c}), ' ', ''), '\u00a0', '')"
    count = {sep: f"(length({t}) - length(replace({t}, '{sep}', '')))" for sep in (".", ",")}
    grouped = {
        sep: (
            f"regexp_full_match({t}, '[+-]?\\d{{1,3}}(\\{sep}\\d{{3}})+') "
            f"AND ('{sep}' <> '{decimal}' OR {count[sep]} > 1)"
        )
        for sep in (".", ",")
    }
    return (
        f"CASE WHEN {c} IS NULL THEN NULL WHEN NOT contains({c}, '{other}') THEN {simple} "
        f"WHEN contains({t}, '.') AND contains({t}, ',') THEN "
        f"  CASE WHEN strpos(reverse({t}), ',') < strpos(reverse({t}), '.') "
        f"  THEN replace(replace({t}, '.', ''), ',', '.') ELSE replace({t}, ',', '') END "
        f"WHEN {grouped['.']} THEN replace({t}, '.', '') "
        f"WHEN {grouped[',']} THEN replace({t}, ',', '') "
        f"ELSE replace({t}, ',', '.') END"
    )


def _shown_sql(column: str, name: str, typed: frozenset[str]) -> str:
    """A cell as the reason shows it: as written, or a number the reader typed as text (an
    integer without `.0`)."""
    quoted = _quoted(column)
    if name not in typed:
        return f"trim({quoted})"
    if name not in _INTEGERS:
        return f"CAST({quoted} AS VARCHAR)"
    return (
        f"CASE WHEN {quoted} = floor({quoted}) AND abs({quoted}) < {_EXACT_INTEGERS} "
        f"THEN CAST(CAST({quoted} AS BIGINT) AS VARCHAR) ELSE CAST({quoted} AS VARCHAR) END"
    )


def _other_sql(typed: frozenset[str]) -> str:
    """The row's own value a reason names besides its cell: the other field's, extra cells."""
    cases = ["WHEN _code = 'extra_cells' THEN CAST(_extra_cells AS VARCHAR)"]
    for rule in READING_RULES:
        other = rule.other if isinstance(rule, NotLessThan) else rule.when
        cases.append(
            f"WHEN _field = '{rule.field}' THEN {_shown_sql('raw_' + other, other, typed)}"
        )
    return f"CASE {' '.join(cases)} END"


def _check(con: duckdb.DuckDBPyConnection, read: _Read, window: TsWindow) -> None:
    """_history_checked: each row typed, with its first broken rule (_field, _code) or NULL,
    and for a rejected row the cells its reason names (_value, _other), as written.

    Extra cells reject a row before its fields are looked at, as in the other delivery files;
    then an unknown device, as in the collector; then the contract's rules in their order.
    """
    raw = tuple(f"raw_{name}" for name in FIELD_NAMES)
    pairs = list(zip(FIELD_NAMES, raw, strict=True))
    cells = [
        _number_sql(_quoted(n), read.decimal) + f" AS {_quoted(n)}"
        if n in _NUMERIC - read.typed
        else _quoted(n)
        for n in FIELD_NAMES
    ]
    as_written = ", ".join(f"{_quoted(n)} AS {_quoted(r)}" for n, r in pairs)
    source = f"(SELECT _line, _extra_cells, {', '.join(cells)}, {as_written} FROM {read.relation})"
    checks = reading_checks_sql(source, ("_line", "_extra_cells", *raw), read.typed)
    # The device by its position in an ENUM of the registered ones, not by a join: a join
    # would not keep the file's order, which the line numbers and the append rely on.
    unknown = "c.device_id IS NOT NULL AND c._device IS NULL"
    inexact = " OR ".join(
        f"abs(raw_{n}) >= {_EXACT_INTEGERS}" for n in sorted(read.typed & _INTEGERS)
    )
    judged = (
        "SELECT CASE WHEN c._extra_cells > 0 THEN '' "
        f"            WHEN {unknown} THEN 'device_id' ELSE c._field END AS _field, "
        "       CASE WHEN c._extra_cells > 0 THEN 'extra_cells' "
        f"            WHEN {unknown} THEN 'unknown_device' ELSE c._code END AS _code, "
        "       c.* EXCLUDE (_field, _code, interval_s, _device), "
        "       coalesce(c.interval_s, "
        f"         getvariable('{_INTERVALS}')[enum_code(c._device) + 1]) AS interval_s, "
        f"       {inexact or 'false'} AS _inexact "
        f"FROM (SELECT *, TRY_CAST(device_id AS {_DEVICES_ENUM}) AS _device FROM ({checks})) c"
    )
    # Not kept: the cells as written (the reasons have taken what they need), the extra
    # cells' count, and a line DuckDB's reader cannot tell (then it is rowid + 2).
    unkept = [*raw, "_extra_cells", *(["_line"] if read.lines else [])]
    value = " ".join(f"WHEN '{n}' THEN {_shown_sql(r, n, read.typed)}" for n, r in pairs)
    key = " || '|' || ".join(
        f"coalesce({_shown_sql('raw_' + k, k, read.typed)}, '')" for k in READING_KEY
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _history_rows AS "
        f"SELECT * EXCLUDE ({', '.join(unkept)}), "
        f"CASE WHEN _code IS NOT NULL THEN CASE _field {value} END END AS _value, "
        f"CASE WHEN _code IS NOT NULL THEN {_other_sql(read.typed)} END AS _other, "
        f"CASE WHEN _code IS NOT NULL THEN {key} END AS _key "
        f"FROM ({judged})",
        [_moment(window.latest_us), _moment(window.earliest_us)],
    )
    line = "rowid + 2 AS _line, " if read.lines else ""
    con.execute(
        "CREATE OR REPLACE TEMP VIEW _history_checked AS "
        f"SELECT {line}* EXCLUDE (_inexact) FROM _history_rows"
    )


def _register_devices(con: duckdb.DuckDBPyConnection, devices: pa.Table) -> None:
    """The registered devices as the ENUM _check looks them up in, and their report
    intervals in the ENUM's order."""
    con.register("_history_devices", devices)
    try:
        con.execute(
            f"CREATE TYPE {_DEVICES_ENUM} AS ENUM (SELECT DISTINCT device_id FROM "
            "_history_devices WHERE device_id IS NOT NULL)"
        )
        con.execute(
            f"SET VARIABLE {_INTERVALS} = (SELECT coalesce(list(report_interval_s ORDER BY "
            f"enum_code(device_id::{_DEVICES_ENUM})), []) FROM _history_devices "
            "WHERE device_id IS NOT NULL)"
        )
    finally:
        con.unregister("_history_devices")


def _drop_read(con: duckdb.DuckDBPyConnection) -> None:
    """Free the file as read once _history_checked holds what the rest needs."""
    con.execute("DROP TABLE IF EXISTS _history_raw")


def _sql_literal(text: str) -> str:
    """`text` as an SQL string literal (SET and a table function's options in a statement
    that takes other parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _moment(us: int) -> dt.datetime:
    return dt.datetime.fromisoformat(format_us(us))


# --- Rejected rows and the append ------------------------------------------------------------


def _reason_params(name: str, code: str, window: TsWindow) -> dict[str, Any]:
    """The reason's parameters as the collector gives them; _OTHER stands for a value of the
    row itself (the other field's, or the number of extra cells)."""
    spec = next((f for f in READING_FIELDS if f.name == name), None)
    if code in ("must_be_ge", "must_be_gt", "must_be_le") and spec is not None:
        bound = {"must_be_ge": spec.ge, "must_be_gt": spec.gt, "must_be_le": spec.le}[code]
        bound = INT64_MAX if bound is None else bound
        return {"bound": str(int(bound)) if float(bound).is_integer() else str(bound)}
    if code == "not_an_option" and spec is not None:
        return {"options": ", ".join(spec.options)}
    if code in ("ts_in_future", "ts_too_old"):
        return window.params(code)
    if code == "extra_cells":
        return {"count": _OTHER}
    for rule in READING_RULES:
        if rule.field != name:
            continue
        if code == "less_than_field" and isinstance(rule, NotLessThan):
            return {"other": rule.other, "other_value": _OTHER}
        if code == "required_when_positive" and isinstance(rule, RequiredWhenPositive):
            return {"when": rule.when, "when_value": _OTHER}
    return {}


def _rejections(
    con: duckdb.DuckDBPyConnection, run_id: int, file: str, window: TsWindow
) -> pa.Table:
    """Every rejected row as a row of rejected_rows, its reason in both languages."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _history_rejected AS "
        "SELECT _line, _field, _code, _value, _other, _key FROM _history_checked "
        "WHERE _code IS NOT NULL"
    )
    pairs = con.execute("SELECT DISTINCT _field, _code FROM _history_rejected").fetchall()
    templates = [("", "", "", "")]  # keeps the table's columns typed when nothing is rejected
    for name, code in pairs:
        reason = problem(name, _VALUE, code, **_reason_params(name, code, window))
        templates.append((name, code, reason.reason_en, reason.reason_de))
    columns = list(zip(*templates, strict=True))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _history_reasons AS SELECT unnest($1::VARCHAR[]) AS _field, "
        "unnest($2::VARCHAR[]) AS _code, unnest($3::VARCHAR[]) AS en, "
        "unnest($4::VARCHAR[]) AS de",
        [list(c) for c in columns],
    )
    filled = {
        lang: f"replace(replace(m.{lang}, '{_VALUE}', coalesce(r._value, '')), '{_OTHER}', "
        "coalesce(r._other, ''))"
        for lang in ("en", "de")
    }
    try:
        return con.sql(
            f"SELECT $run_id::BIGINT AS run_id, $file AS file, '{TELEMETRY_PREFIX}' AS entity, "
            "CAST(r._line AS INTEGER) AS line, nullif(r._field, '') AS \"column\", "
            f"r._value AS value, {filled['en']} AS reason, {filled['de']} AS reason_de, "
            "r._code AS code, r._key AS record_key "
            "FROM _history_rejected r JOIN _history_reasons m USING (_field, _code) "
            "ORDER BY r._line",
            params={"run_id": run_id, "file": file},
        ).to_arrow_table()
    finally:
        con.execute("DROP TABLE _history_reasons")


def _require_columns(path: Path, read: _Read) -> None:
    missing = [name for name in REQUIRED if name not in read.columns]
    if missing:
        raise FileError(
            "missing_columns",
            f"{path.name}: required column(s) {', '.join(missing)} missing "
            f"(found: {', '.join(read.columns)}).",
            "Add the column(s) to the header row. The fields of a reading are listed in "
            "docs/CONTRACT.md, section 3.",
            columns=", ".join(missing),
            found=", ".join(read.columns),
            entity=TELEMETRY_PREFIX,
        )


def load_history(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    path: Path,
    data_dir: Path,
    now: dt.datetime | None = None,
) -> HistoryResult:
    """Validate the history file `path` against the devices of the snapshot `con` builds,
    record its rejected rows there, and append its valid readings to the telemetry store.

    The file is read and checked in a separate in-memory DuckDB, set-wise; `con` only gives
    the devices and takes the rejected rows. Raises FileError when the file cannot be used at
    all (unreadable, required columns missing); then nothing of it is appended.
    """
    now = now or dt.datetime.now(dt.UTC)
    work = connect()
    spill = Path(tempfile.mkdtemp(prefix=".history-", dir=data_dir))
    try:
        # Bounded memory whatever the file's size: beyond it DuckDB spills to `spill`.
        work.execute(f"SET memory_limit = '{WORK_MEMORY}'")
        work.execute(f"SET temp_directory = {_sql_literal(str(spill))}")
        _register_devices(
            work, con.sql("SELECT device_id, report_interval_s FROM devices").to_arrow_table()
        )
        settings = get_settings()
        window = TsWindow(
            int(now.timestamp() * US_PER_S),
            settings.telemetry_history_max_age_days,
            settings.telemetry_max_future_minutes,
        )
        unreadable = False  # for DuckDB's CSV reader, typed or not: go to the exact reader
        with closing(_reads(work, path)) as reads:
            for read in reads:
                _require_columns(path, read)
                if read.lines is None:
                    _check(work, read, window)
                    break
                if unreadable:
                    continue
                try:
                    _check(work, read, window)
                except duckdb.Error:
                    _drop_rejects(work)
                    unreadable = True  # not UTF-8, a quoted line break, ...
                    continue
                held, records_are_lines = _read_held(work, read)
                if held:
                    break
                unreadable = not records_are_lines
        _drop_read(work)
        result = HistoryResult(
            format=read.format,
            encoding=read.encoding,
            delimiter=read.delimiter,
            extra_columns=[name for name in read.columns if name not in FIELD_NAMES],
        )
        ((result.rows_read,),) = work.execute("SELECT count(*) FROM _history_checked").fetchall()
        rejections = _rejections(work, run_id, path.name, window)
        result.rows_rejected = rejections.num_rows
        con.register("_history_rejections", rejections)
        try:
            con.execute("INSERT INTO rejected_rows BY NAME SELECT * FROM _history_rejections")
        finally:
            con.unregister("_history_rejections")
        work.execute("SET VARIABLE received_at = $1::TIMESTAMPTZ", [now])
        work.execute(
            f"CREATE TEMP VIEW _history_valid AS SELECT {', '.join(FIELD_NAMES)}, "
            "getvariable('received_at') AS received_at, _line "
            "FROM _history_checked WHERE _code IS NULL"
        )
        # Of readings sharing (device_id, seq) in the file, the first counts.
        appended = append_relation(work, data_dir, "_history_valid", "_line", BULK_INSTANCE)
    finally:
        work.close()
        shutil.rmtree(spill, ignore_errors=True)
    result.rows_loaded = appended.accepted
    result.rows_duplicate = appended.duplicates
    return result
