"""Load a delivery: validate, quarantine, check references, record the run, publish atomically."""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import json
import math
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb

from pipelines.readers import RawRow, RawTable, read_table, search_header, sha256_of
from pipelines.telemetry_history import load_history
from zakid_metrics.contract import (
    ENTITIES,
    TELEMETRY_PREFIX,
    Entity,
    FirstValue,
    Localized,
    Problem,
    Row,
    Separator,
    decimal_conventions,
    entity_for_file,
    key_of,
    problem,
    separator_evidence,
    validate_row,
)
from zakid_metrics.errors import FileError, UsageError
from zakid_metrics.i18n import t
from zakid_metrics.settings import get_settings
from zakid_metrics.warehouse import fill_defaults, insert_columns, next_snapshot

FileStatus = Literal["loaded", "unchanged", "failed", "skipped"]
RunStatus = Literal["ok", "partial", "failed"]
DELIVERY_SUFFIXES = (".csv", ".xlsx", ".parquet")
# Rows validated and written per step: memory stays flat whatever the file's size.
CHUNK_ROWS = 10_000
_NUMBER_TYPES = ("DECIMAL", "DOUBLE", "BIGINT", "INTEGER")

Progress = Callable[[int, int, str], None]
"""Called as progress(done, total, file name) while a run works through its files."""


@dataclass
class Message:
    """A user-facing text in both languages."""

    en: str
    de: str

    @classmethod
    def of(cls, key: str, **params: Any) -> Message:
        return cls(t(key, "en", **params), t(key, "de", **params))


@dataclass
class FileResult:
    """What one file of a run did; the `--json` output and `load_files` row in one."""

    file: str
    path: str
    entity: str | None
    status: FileStatus
    sha256: str
    size_bytes: int
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    errors: list[Message] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None

    def public(self) -> dict[str, Any]:
        """The contract's JSON object for this file (CONTRACT.md, "Where the results are")."""
        return {
            "file": self.file,
            "entity": self.entity,
            "status": self.status,
            "sha256": self.sha256,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "rows_duplicate": self.rows_duplicate,
            "errors": [m.en for m in self.errors],
            "warnings": [m.en for m in self.warnings],
        }


@dataclass(frozen=True)
class HeldSnapshot:
    """A file without rows that was not applied, since it would have deleted every row."""

    file: str
    entity: str
    rows: int
    """The entity's rows that it would have deleted."""


@dataclass
class RunResult:
    run_id: int
    status: RunStatus
    started_at: dt.datetime
    finished_at: dt.datetime
    files: list[FileResult]
    empty_snapshots: list[HeldSnapshot] = field(default_factory=list)

    def public(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "files": [f.public() for f in self.files],
            "empty_snapshots": [vars(held) for held in self.empty_snapshots],
        }

    def to_json(self) -> str:
        return json.dumps(self.public(), ensure_ascii=False, indent=2)

    @property
    def any_failed(self) -> bool:
        return any(f.status == "failed" for f in self.files)


@dataclass
class Rejection:
    line: int
    problems: list[Problem]
    key: tuple[Any, ...] | None


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """The entries of a delivery: named files as given, every entry of a folder in name order.

    Folders, hidden files and lock files inside a folder are listed too, so that each gets a
    line in the run (skipped, with the reason).
    """
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(sorted(path.iterdir()))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(
                f"{path} does not exist.",
                "Give the path of a delivery file or folder.",
                path=str(path),
            )
    if not files:
        raise UsageError(
            "The delivery is empty: no files found.",
            "Put the CSV/XLSX files into the folder and run again.",
        )
    return files


def ingest(
    paths: Sequence[Path],
    data_dir: Path,
    *,
    triggered_by: str = "cli",
    progress: Progress | None = None,
    allow_empty: Collection[str] = (),
    max_file_mb: int | None = None,
) -> RunResult:
    """Load a delivery into the next snapshot and publish it, all files at once or none.

    A file without rows deletes its entity's rows only for entities named in `allow_empty`;
    a file larger than `max_file_mb` (default: the setting) is refused, a telemetry history
    file larger than the setting `max_history_mb`.
    """
    unknown = sorted(set(allow_empty) - set(ENTITIES))
    if unknown:
        raise UsageError(
            f"--allow-empty names no entity: {', '.join(unknown)}.",
            f"Name one of: {', '.join(ENTITIES)}.",
            entities=", ".join(unknown),
        )
    settings = get_settings()
    limits_mb = {
        None: settings.max_file_mb if max_file_mb is None else max_file_mb,
        TELEMETRY_PREFIX: settings.max_history_mb,
    }
    files = collect_files(paths)
    started = _utcnow()
    with next_snapshot(Path(data_dir)) as con:
        run_id = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM load_runs").fetchone()[0]
        results, plan = _classify(con, files, limits_mb)
        done = sum(1 for r in results if r.status != "loaded")
        held: list[HeldSnapshot] = []
        # Entities in dependency order, so references see the state this run gives them;
        # telemetry last, so its readings may name devices delivered in the same run.
        for name in ENTITIES:
            for result, path in plan.get(name, []):
                if progress:
                    progress(done, len(files), path.name)
                outcome = _load_file(con, run_id, ENTITIES[name], path, result, allow_empty)
                if outcome is not None:
                    held.append(outcome)
                done += 1
        for result, path in plan.get(TELEMETRY_PREFIX, []):
            if progress:
                progress(done, len(files), path.name)
            _load_telemetry(con, run_id, path, result, Path(data_dir))
            done += 1
        if progress:
            progress(len(files), len(files), "")
        results.sort(key=lambda r: files.index(Path(r.path)))
        finished = _utcnow()
        run = RunResult(run_id, _run_status(results), started, finished, results, held)
        _record(con, run, triggered_by)
    return run


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _run_status(results: list[FileResult]) -> RunStatus:
    failed = sum(r.status == "failed" for r in results)
    if not failed:
        return "ok"
    return "failed" if failed == sum(r.status != "skipped" for r in results) else "partial"


def _classify(
    con: duckdb.DuckDBPyConnection, files: list[Path], limits_mb: dict[str | None, int]
) -> tuple[list[FileResult], dict[str, list[tuple[FileResult, Path]]]]:
    """Skip what is no delivery file, refuse oversized files, spot unchanged files, and plan
    the rest per entity. `limits_mb` holds the size guard per entity, None for the others."""
    results: list[FileResult] = []
    candidates: dict[str, list[tuple[FileResult, Path]]] = {}
    for path in files:
        entity = entity_for_file(path.name)
        skipped = _skip_reason(path, entity)
        regular = path.is_file()
        result = FileResult(
            path.name,
            str(path),
            entity if skipped in (None, "ingest.unknown_suffix") else None,
            "loaded",
            sha256_of(path) if regular else "",
            path.stat().st_size if regular else 0,
        )
        results.append(result)
        if skipped:
            result.status = "skipped"
            result.errors.append(
                Message.of(skipped, file=path.name, prefixes=", ".join(f"{n}*" for n in ENTITIES))
            )
        elif result.size_bytes > (limit_mb := limits_mb.get(entity, limits_mb[None])) * 10**6:
            result.status = "failed"
            result.errors.append(
                Message.of(
                    "ingest.too_large.history"
                    if entity == TELEMETRY_PREFIX
                    else "ingest.too_large",
                    file=path.name,
                    mb=math.ceil(result.size_bytes / 1_000_000),
                    limit_mb=limit_mb,
                )
            )
        else:
            candidates.setdefault(entity, []).append((result, path))
    last = {
        entity: (sha, run_id)
        for entity, sha, run_id in con.execute(
            "SELECT entity, sha256, run_id FROM load_files WHERE status = 'loaded' "
            "QUALIFY row_number() OVER (PARTITION BY entity ORDER BY run_id DESC, file DESC) = 1"
        ).fetchall()
    }
    plan: dict[str, list[tuple[FileResult, Path]]] = {}
    # Telemetry is appended, not a snapshot: each file loads once, whatever came before it.
    loaded_telemetry = {
        sha
        for (sha,) in con.execute(
            "SELECT DISTINCT sha256 FROM load_files WHERE entity = ? AND status = 'loaded'",
            [TELEMETRY_PREFIX],
        ).fetchall()
    }
    for result, path in candidates.get(TELEMETRY_PREFIX, []):
        if result.sha256 in loaded_telemetry:
            result.status = "unchanged"
            result.warnings.append(Message.of("ingest.unchanged", file=result.file))
        else:
            plan.setdefault(TELEMETRY_PREFIX, []).append((result, path))
    for name, entity in ENTITIES.items():
        entries = candidates.get(name, [])
        if len(entries) > 1:
            note = Message.of(
                "ingest.several_snapshots",
                entity=name,
                files=", ".join(p.name for _, p in entries),
                last=entries[-1][1].name,
            )
            for result, _ in entries:
                result.warnings.append(note)
        if len(entries) == 1 and _unchanged(entity, entries[0][0].sha256, last, plan):
            result = entries[0][0]
            result.status = "unchanged"
            result.warnings.append(Message.of("ingest.unchanged", file=result.file))
        elif entries:
            plan[name] = entries
    return results, plan


def _skip_reason(path: Path, entity: str | None) -> str | None:
    """The message key saying why an entry of a delivery is not loaded; None to load it."""
    if path.is_dir():
        return "ingest.skipped_folder"
    if path.name.startswith("~$"):
        return "ingest.skipped_lock_file"
    if path.name.startswith("."):
        return "ingest.skipped_hidden"
    if not path.is_file():
        return "ingest.skipped_not_a_file"
    if entity is None:
        return "ingest.unknown_file"
    if path.suffix.lower() not in DELIVERY_SUFFIXES:
        return "ingest.unknown_suffix"
    return None


def _unchanged(
    entity: Entity,
    sha256: str,
    last: dict[str, tuple[str, int]],
    plan: dict[str, list[tuple[FileResult, Path]]],
) -> bool:
    """Same bytes as the entity's last load, and nothing it references changed since then.

    A file once loaded with rows rejected for an unknown reference must load again when the
    referenced rows arrive, even with the same bytes.
    """
    if entity.name not in last or last[entity.name][0] != sha256:
        return False
    loaded_in = last[entity.name][1]
    return not any(
        ref.entity in plan or last.get(ref.entity, ("", 0))[1] > loaded_in
        for ref in entity.references
    )


def _load_file(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    entity: Entity,
    path: Path,
    result: FileResult,
    allow_empty: Collection[str],
) -> HeldSnapshot | None:
    """Read, validate and apply one file, chunk by chunk, in a transaction of its own: a file
    error further down the file undoes what its first rows did. Returns the file when it was
    held back as an empty snapshot."""
    try:
        table = read_table(path)
    except FileError as error:
        _fail(result, error, _header_hints(path, entity, error.kind))
        return None
    result.format, result.encoding, result.delimiter = table.format, table.encoding, table.delimiter
    result.warnings.extend(
        Message.of(f"read_note.{note.code}", file=path.name, **note.params) for note in table.notes
    )
    missing = [c for c in entity.required if c not in table.header]
    if missing:
        error = _missing_columns_error(path, entity, table, missing)
        _fail(result, error, _header_hints(path, entity, error.kind))
        return None
    known = set(entity.columns)
    extra = [c for c in table.header if c not in known]
    if extra:
        result.warnings.append(
            Message.of("ingest.extra_columns", file=path.name, columns=", ".join(extra))
        )
    con.execute("BEGIN TRANSACTION")
    try:
        _stage(con, run_id, entity, table, result)
    except FileError as error:
        con.execute("ROLLBACK")
        result.rows_read = result.rows_loaded = result.rows_rejected = 0
        _fail(result, error, _header_hints(path, entity, error.kind))
        return None
    current = con.execute(f"SELECT count(*) FROM {entity.name}").fetchone()[0]
    if result.rows_read == 0 and current and entity.name not in allow_empty:
        con.execute("ROLLBACK")
        result.status = "failed"
        result.errors.append(
            Message.of("ingest.empty_snapshot", file=path.name, entity=entity.name, rows=current)
        )
        return HeldSnapshot(path.name, entity.name, current)
    _apply_snapshot(con, entity)
    con.execute("COMMIT")
    return None


def _stage(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    entity: Entity,
    table: RawTable,
    result: FileResult,
) -> None:
    """The file's rows validated in chunks: valid ones into `_staged`, the keys of rejected
    ones into `_stale_keys`, rejections into `rejected_rows`; the counts into `result`."""
    positions = {c: i for i, c in enumerate(table.header) if c in set(entity.columns)}
    conventions = _decimal_conventions(entity, table, positions)
    references = _ReferenceState.of(con, entity)
    sql_types = entity.sql_types()
    key_list = ", ".join(f"{c} {sql_types[c]}" for c in entity.key)
    con.execute(f"CREATE OR REPLACE TABLE _staged AS FROM {entity.name} LIMIT 0")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _stale_keys ({key_list})")
    con.execute(f"CREATE OR REPLACE TABLE _seen_keys ({key_list}, _line INTEGER)")
    rows_iter = table.iter_rows()
    while chunk := list(itertools.islice(rows_iter, CHUNK_ROWS)):
        rows, rejections = _validate(con, entity, chunk, positions, conventions, table)
        _check_references(con, run_id, entity, rows, rejections, references)
        insert_columns(con, "_staged", _row_columns(entity, rows, run_id, result.file))
        _store_rejections(con, run_id, entity, result.file, rejections)
        stale = [r.key for r in rejections if r.key is not None]
        insert_columns(
            con,
            "_stale_keys",
            {c: (sql_types[c], [k[i] for k in stale]) for i, c in enumerate(entity.key)},
        )
        result.rows_read += len(chunk)
        result.rows_loaded += len(rows)
        result.rows_rejected += len(rejections)


def _decimal_conventions(
    entity: Entity, table: RawTable, positions: dict[str, int]
) -> dict[str, Separator | None]:
    """Each number column's decimal separator by what the file's cells prove (one pass)."""
    sql_types = entity.sql_types()
    numbers = {c: i for c, i in positions.items() if sql_types[c].startswith(_NUMBER_TYPES)}
    evidence: dict[str, set[Separator]] = {c: set() for c in numbers}
    if numbers:
        for raw_row in table.iter_rows():
            for column, index in numbers.items():
                found = separator_evidence(raw_row.values[index])
                if found is not None:
                    evidence[column].add(found)
    return decimal_conventions(evidence, table.decimal)


def _header_hints(path: Path, entity: Entity, kind: str) -> list[Message]:
    """Where the header was read, and where the required column names really are."""
    if kind not in ("header", "missing_columns", "empty"):
        return []
    try:
        found = search_header(path, entity.required)
    except FileError:
        return []
    columns = ", ".join(entity.required)
    hints = []
    if found.sheet is not None:
        sheets = ", ".join(f"'{name}'" for name in found.sheets)
        hints.append(
            Message.of("ingest.sheet_read", file=path.name, sheet=found.sheet, sheets=sheets)
        )
    if found.found_line is None:
        return hints
    if found.found_sheet not in (None, found.sheet):
        hints.append(
            Message.of(
                "ingest.header_on_sheet",
                file=path.name,
                columns=columns,
                line=found.found_line,
                found=found.found_sheet,
                sheet=found.sheet,
            )
        )
    elif kind != "missing_columns" or found.found_line > 1:
        key = "ingest.header_below.csv" if found.sheet is None else "ingest.header_below.xlsx"
        hints.append(
            Message.of(
                key, file=path.name, columns=columns, line=found.found_line, sheet=found.sheet
            )
        )
    return hints


def _load_telemetry(
    con: duckdb.DuckDBPyConnection, run_id: int, path: Path, result: FileResult, data_dir: Path
) -> None:
    """Validate a telemetry history file set-wise and append it to the telemetry store.

    rows_read = rows_loaded + rows_rejected + rows_duplicate; see pipelines.telemetry_history
    for why the store is written before the warehouse snapshot is published.
    """
    try:
        loaded = load_history(con, run_id, path, data_dir)
    except FileError as error:
        _fail(result, error)
        return
    result.format, result.encoding, result.delimiter = (
        loaded.format,
        loaded.encoding,
        loaded.delimiter,
    )
    result.rows_read, result.rows_loaded = loaded.rows_read, loaded.rows_loaded
    result.rows_rejected, result.rows_duplicate = loaded.rows_rejected, loaded.rows_duplicate
    if loaded.extra_columns:
        result.warnings.append(
            Message.of(
                "ingest.extra_columns", file=path.name, columns=", ".join(loaded.extra_columns)
            )
        )


def _fail(result: FileResult, error: FileError, hints: Iterable[Message] = ()) -> None:
    result.status = "failed"
    params = {"file": result.file, **error.params}
    key = f"file_error.{error.kind}"
    result.errors.append(Message(f"{error.message} {error.hint}".strip(), t(key, "de", **params)))
    result.errors.extend(hints)


def _missing_columns_error(
    path: Path, entity: Entity, table: RawTable, missing: list[str]
) -> FileError:
    guesses = []
    for column in missing:
        close = difflib.get_close_matches(column, table.header, n=1, cutoff=0.6)
        if close:
            guesses.append(f"'{close[0]}' -> '{column}'")
    hint = "Add the column(s) to the header row"
    if guesses:
        hint += f" or rename: {', '.join(guesses)}"
    return FileError(
        "missing_columns",
        f"{path.name}: required column(s) {', '.join(missing)} missing "
        f"(found: {', '.join(table.header)}).",
        hint + f". The columns of {entity.name} are listed in docs/CONTRACT.md.",
        columns=", ".join(missing),
        found=", ".join(table.header),
        entity=entity.name,
    )


def _validate(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    chunk: list[RawRow],
    positions: dict[str, int],
    conventions: dict[str, Separator | None],
    table: RawTable,
) -> tuple[list[tuple[int, Row]], list[Rejection]]:
    """Row by row with the contract model; of rows sharing an id, the first in the file wins
    (earlier chunks' ids are in `_seen_keys`, so memory stays flat)."""
    raws = [{c: raw_row.values[i] for c, i in positions.items()} for raw_row in chunk]
    keys = [key_of(entity, raw, conventions, table.excel_epoch) for raw in raws]
    first_line = _first_lines(con, entity, [key for key in keys if key is not None])
    new_keys: dict[tuple[Any, ...], int] = {}
    rows: list[tuple[int, Row]] = []
    rejections: list[Rejection] = []
    for raw_row, raw, key in zip(chunk, raws, keys, strict=True):
        if raw_row.extra_cells:
            rejections.append(
                Rejection(
                    raw_row.line, [problem("", None, "extra_cells", count=raw_row.extra_cells)], key
                )
            )
            continue
        if key is not None and key in first_line:
            rejections.append(
                Rejection(
                    raw_row.line,
                    [
                        problem(
                            entity.key[0],
                            raw.get(entity.key[0]),
                            "duplicate_key",
                            first_line=first_line[key],
                        )
                    ],
                    None,
                )
            )
            continue
        if key is not None:
            first_line[key] = new_keys[key] = raw_row.line
        outcome = validate_row(entity, raw, conventions, table.excel_epoch)
        if isinstance(outcome, list):
            rejections.append(Rejection(raw_row.line, outcome, key))
        else:
            rows.append((raw_row.line, outcome))
    sql_types = entity.sql_types()
    insert_columns(
        con,
        "_seen_keys",
        {
            **{c: (sql_types[c], [k[i] for k in new_keys]) for i, c in enumerate(entity.key)},
            "_line": ("INTEGER", list(new_keys.values())),
        },
    )
    return rows, rejections


def _first_lines(
    con: duckdb.DuckDBPyConnection, entity: Entity, keys: list[tuple[Any, ...]]
) -> dict[tuple[Any, ...], int]:
    """The line where an earlier chunk of the file had each of `keys`, for those it had."""
    sql_types = entity.sql_types()
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _chunk_keys ("
        + ", ".join(f"{c} {sql_types[c]}" for c in entity.key)
        + ")"
    )
    insert_columns(
        con,
        "_chunk_keys",
        {c: (sql_types[c], [k[i] for k in keys]) for i, c in enumerate(entity.key)},
    )
    columns = ", ".join(entity.key)
    found = con.execute(
        f"SELECT DISTINCT {columns}, _line FROM _seen_keys JOIN _chunk_keys USING ({columns})"
    ).fetchall()
    return {tuple(row[:-1]): row[-1] for row in found}


@dataclass(frozen=True)
class _ReferenceState:
    """What a file's references are checked against: the referenced entities' ids as this run
    has settled them (valid and stale), the periods of the period checks, and the values the
    `same_as` checks compare."""

    ids: dict[str, tuple[set[Any], set[Any]]]
    periods: dict[str, dict[Any, tuple[dt.date, dt.date]]]
    shared: dict[str, dict[Any, Any]]
    """Per `same_as` column: the referenced rows' value of the column both must share."""

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection, entity: Entity) -> _ReferenceState:
        ids: dict[str, tuple[set[Any], set[Any]]] = {}
        for ref in entity.references:
            target = ENTITIES[ref.entity]
            fetched = con.execute(f"SELECT {target.key[0]}, _stale FROM {target.name}").fetchall()
            ids[ref.column] = (
                {k for k, stale in fetched if not stale},
                {k for k, stale in fetched if stale},
            )
        periods = {}
        for check in entity.period_checks:
            ref = next(r for r in entity.references if r.column == check.via)
            target = ENTITIES[ref.entity]
            periods[check.column] = {
                k: (start, end)
                for k, start, end in con.execute(
                    f"SELECT {target.key[0]}, {check.start}, {check.end} FROM {target.name}"
                ).fetchall()
            }
        shared = {}
        for check in entity.same_as:
            ref = next(r for r in entity.references if r.column == check.column)
            target = ENTITIES[ref.entity]
            shared[check.column] = dict(
                con.execute(f"SELECT {target.key[0]}, {check.shared} FROM {target.name}").fetchall()
            )
        return cls(ids, periods, shared)


def _check_references(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    entity: Entity,
    rows: list[tuple[int, Row]],
    rejections: list[Rejection],
    state: _ReferenceState,
) -> None:
    """Reject rows naming a row that does not exist, or was rejected (its version is stale),
    a year outside the referenced grant's period, or a row that belongs to another grant.

    Referenced entities were already settled in this run (dependency order), so their tables
    hold this delivery's rows where the delivery has them and the current state otherwise;
    their rows rejected in this run are in `rejected_rows`.
    """
    if not entity.references and not entity.period_checks:
        return
    rejected = {
        ref.column: _rejected_in_run(
            con,
            run_id,
            ref.entity,
            {getattr(row, ref.column) for _, row in rows} - state.ids[ref.column][0] - {None},
        )
        for ref in entity.references
    }
    kept: list[tuple[int, Row]] = []
    for line, row in rows:
        found = []
        for ref in entity.references:
            value = getattr(row, ref.column)
            valid, stale = state.ids[ref.column]
            if value is None or value in valid:
                continue
            was_rejected = value in stale or value in rejected[ref.column]
            code = "rejected_reference" if was_rejected else "unknown_reference"
            found.append(
                problem(ref.column, value, code, target=Localized(f"entity.one.{ref.entity}"))
            )
        for check in entity.period_checks:
            ref_key = getattr(row, check.via)
            year = getattr(row, check.column)
            if ref_key in state.periods[check.column] and not found:
                start, end = state.periods[check.column][ref_key]
                if not start.year <= year <= end.year:
                    found.append(
                        problem(
                            check.column,
                            year,
                            "year_outside_period",
                            via=check.via,
                            ref=ref_key,
                            start=start,
                            end=end,
                        )
                    )
        for check in entity.same_as:
            value, own = getattr(row, check.column), getattr(row, check.shared)
            other = state.shared[check.column].get(value)
            if (
                value is None
                or other is None
                or other == own
                or any(p.column in (check.column, check.shared) for p in found)
            ):
                continue
            ref = next(r for r in entity.references if r.column == check.column)
            found.append(
                problem(
                    check.column,
                    value,
                    "reference_mismatch",
                    target=Localized(f"entity.one.{ref.entity}"),
                    shared=check.shared,
                    other=other,
                    own=own,
                )
            )
        if found:
            key = tuple(getattr(row, c) for c in entity.key)
            rejections.append(Rejection(line, found, key))
        else:
            kept.append((line, row))
    rows[:] = kept
    rejections.sort(key=lambda r: r.line)


def _rejected_in_run(
    con: duckdb.DuckDBPyConnection, run_id: int, entity: str, ids: set[Any]
) -> set[Any]:
    """Those of `ids` whose row of `entity` was rejected earlier in this run."""
    if not ids:
        return set()
    found = con.execute(
        "SELECT DISTINCT record_key FROM rejected_rows WHERE run_id = ? AND entity = ? "
        "AND list_contains(?, record_key)",
        [run_id, entity, sorted(map(str, ids))],
    ).fetchall()
    names = {key for (key,) in found}
    return {value for value in ids if str(value) in names}


def _row_columns(
    entity: Entity, rows: list[tuple[int, Row]], run_id: int, file: str
) -> dict[str, tuple[str, list[Any]]]:
    """The validated rows column-wise, with their provenance, ready for `insert_columns`."""
    dumped = [row.model_dump() for _, row in rows]
    columns = {
        name: (sql, [data[name] for data in dumped]) for name, sql in entity.sql_types().items()
    }
    columns["_run_id"] = ("BIGINT", [run_id] * len(rows))
    columns["_file"] = ("VARCHAR", [file] * len(rows))
    columns["_line"] = ("INTEGER", [line for line, _ in rows])
    columns["_stale"] = ("BOOLEAN", [False] * len(rows))
    return columns


def _apply_snapshot(con: duckdb.DuckDBPyConnection, entity: Entity) -> None:
    """The entity becomes the staged valid rows, plus the previous version of each rejected id.

    A data-entry error never deletes: that previous version stays, marked stale, until a valid
    row replaces it or a later snapshot no longer lists the id. Empty cells of the declared
    defaults are filled last: a `FirstValue` keeps the value stored for the key, if any.
    """
    match = " AND ".join(f"k.{c} = t.{c}" for c in entity.key)
    replaced = " AND ".join(f"s.{c} = t.{c}" for c in entity.key)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE kept AS SELECT * REPLACE (true AS _stale) "
        f"FROM {entity.name} t WHERE EXISTS (SELECT 1 FROM _stale_keys k WHERE {match}) "
        f"AND NOT EXISTS (SELECT 1 FROM _staged s WHERE {replaced})"
    )
    first = [d.column for d in entity.defaults if isinstance(d, FirstValue)]
    if first:
        stored = ", ".join([*entity.key, *first])
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE first_values AS SELECT {stored} FROM {entity.name}"
        )
    con.execute(f"DELETE FROM {entity.name}")
    con.execute(f"INSERT INTO {entity.name} BY NAME SELECT * FROM _staged")
    con.execute(f"INSERT INTO {entity.name} BY NAME SELECT * FROM kept")
    if first:
        carried = ", ".join(f"{c} = coalesce(t.{c}, k.{c})" for c in first)
        con.execute(f"UPDATE {entity.name} t SET {carried} FROM first_values k WHERE {match}")
        con.execute("DROP TABLE first_values")
    fill_defaults(con, entity)
    for table in ("kept", "_staged", "_stale_keys", "_seen_keys", "_chunk_keys"):
        con.execute(f"DROP TABLE IF EXISTS {table}")


def _store_rejections(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    entity: Entity,
    file: str,
    rejections: list[Rejection],
) -> None:
    records = [(r, p) for r in rejections for p in r.problems]
    insert_columns(
        con,
        "rejected_rows",
        {
            "run_id": ("BIGINT", [run_id] * len(records)),
            "file": ("VARCHAR", [file] * len(records)),
            "entity": ("VARCHAR", [entity.name] * len(records)),
            "line": ("INTEGER", [r.line for r, _ in records]),
            "column": ("VARCHAR", [p.column or None for _, p in records]),
            "value": ("VARCHAR", [p.value for _, p in records]),
            "reason": ("VARCHAR", [p.reason_en for _, p in records]),
            "reason_de": ("VARCHAR", [p.reason_de for _, p in records]),
            "code": ("VARCHAR", [p.code for _, p in records]),
            "record_key": (
                "VARCHAR",
                [None if r.key is None else "|".join(map(str, r.key)) for r, _ in records],
            ),
        },
    )


def _record(con: duckdb.DuckDBPyConnection, run: RunResult, triggered_by: str) -> None:
    files = run.files
    text = ("VARCHAR", "VARCHAR[]")
    insert_columns(
        con,
        "load_files",
        {
            "run_id": ("BIGINT", [run.run_id] * len(files)),
            **{
                name: (text[0], [getattr(f, name) for f in files])
                for name in (
                    "file",
                    "path",
                    "entity",
                    "status",
                    "sha256",
                    "format",
                    "encoding",
                    "delimiter",
                )
            },
            **{
                name: ("BIGINT", [getattr(f, name) for f in files])
                for name in (
                    "size_bytes",
                    "rows_read",
                    "rows_loaded",
                    "rows_rejected",
                    "rows_duplicate",
                )
            },
            "errors": (text[1], [[m.en for m in f.errors] for f in files]),
            "errors_de": (text[1], [[m.de for m in f.errors] for f in files]),
            "warnings": (text[1], [[m.en for m in f.warnings] for f in files]),
            "warnings_de": (text[1], [[m.de for m in f.warnings] for f in files]),
        },
    )
    con.execute(
        "INSERT INTO load_runs (run_id, started_at, finished_at, status, triggered_by, files, "
        "rows_read, rows_loaded, rows_rejected, rows_duplicate) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run.run_id,
            run.started_at,
            run.finished_at,
            run.status,
            triggered_by,
            len(run.files),
            sum(f.rows_read for f in run.files),
            sum(f.rows_loaded for f in run.files),
            sum(f.rows_rejected for f in run.files),
            sum(f.rows_duplicate for f in run.files),
        ],
    )
    con.execute(
        "INSERT OR REPLACE INTO meta (key, value) "
        "VALUES ('snapshot_run_id', ?), ('published_at', ?)",
        [str(run.run_id), run.finished_at.isoformat()],
    )
