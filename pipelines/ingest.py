"""Load a delivery: validate, quarantine, check references, record the run, publish atomically."""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb

from pipelines.readers import RawTable, read_table, sha256_of
from pipelines.telemetry_history import load_history
from zakid_metrics.contract import (
    ENTITIES,
    TELEMETRY_PREFIX,
    Entity,
    FirstValue,
    Localized,
    Problem,
    Row,
    entity_for_file,
    key_of,
    problem,
    validate_row,
)
from zakid_metrics.errors import FileError, UsageError
from zakid_metrics.i18n import t
from zakid_metrics.warehouse import fill_defaults, insert_columns, next_snapshot

FileStatus = Literal["loaded", "unchanged", "failed", "skipped"]
RunStatus = Literal["ok", "partial", "failed"]
DELIVERY_SUFFIXES = (".csv", ".xlsx", ".parquet")

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


@dataclass
class RunResult:
    run_id: int
    status: RunStatus
    started_at: dt.datetime
    finished_at: dt.datetime
    files: list[FileResult]

    def public(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "files": [f.public() for f in self.files],
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
    """The files of a delivery: named files as given, folders' files in name order."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.iterdir())
                if p.is_file() and not p.name.startswith((".", "~$"))
            )
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
) -> RunResult:
    """Load a delivery into the next snapshot and publish it, all files at once or none."""
    files = collect_files(paths)
    started = _utcnow()
    with next_snapshot(Path(data_dir)) as con:
        run_id = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM load_runs").fetchone()[0]
        results, plan = _classify(con, files)
        done = sum(1 for r in results if r.status != "loaded")
        rejected_keys: dict[str, set[Any]] = {}
        # Entities in dependency order, so references see the state this run gives them;
        # telemetry last, so its readings may name devices delivered in the same run.
        for name in ENTITIES:
            for result, path in plan.get(name, []):
                if progress:
                    progress(done, len(files), path.name)
                _load_file(con, run_id, ENTITIES[name], path, result, rejected_keys)
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
        run = RunResult(run_id, _run_status(results), started, finished, results)
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
    con: duckdb.DuckDBPyConnection, files: list[Path]
) -> tuple[list[FileResult], dict[str, list[tuple[FileResult, Path]]]]:
    """Skip unknown names, spot unchanged files, and plan the rest per entity."""
    results: list[FileResult] = []
    candidates: dict[str, list[tuple[FileResult, Path]]] = {}
    for path in files:
        entity = entity_for_file(path.name)
        result = FileResult(
            path.name, str(path), entity, "loaded", sha256_of(path), path.stat().st_size
        )
        results.append(result)
        if entity is None or path.suffix.lower() not in DELIVERY_SUFFIXES:
            result.status = "skipped"
            key = "ingest.unknown_file" if entity is None else "ingest.unknown_suffix"
            result.errors.append(
                Message.of(key, file=path.name, prefixes=", ".join(f"{n}*" for n in ENTITIES))
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
    rejected_keys: dict[str, set[Any]],
) -> None:
    """Read, validate and apply one file; `rejected_keys` collects the run's rejected ids."""
    try:
        table = read_table(path)
    except FileError as error:
        _fail(result, error)
        return
    result.format, result.encoding, result.delimiter = table.format, table.encoding, table.delimiter
    missing = [c for c in entity.required if c not in table.header]
    if missing:
        _fail(result, _missing_columns_error(path, entity, table, missing))
        return
    known = set(entity.columns)
    extra = [c for c in table.header if c not in known]
    if extra:
        result.warnings.append(
            Message.of("ingest.extra_columns", file=path.name, columns=", ".join(extra))
        )
    rows, rejections = _validate(entity, table)
    _check_references(con, entity, rows, rejections, rejected_keys)
    rejected_keys.setdefault(entity.name, set()).update(
        r.key[0] for r in rejections if r.key is not None and len(r.key) == 1
    )
    result.rows_read = len(table.rows)
    result.rows_loaded = len(rows)
    result.rows_rejected = len(rejections)
    _apply_snapshot(con, run_id, entity, path.name, rows, rejections)
    _store_rejections(con, run_id, entity, path.name, rejections)


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


def _fail(result: FileResult, error: FileError) -> None:
    result.status = "failed"
    params = {"file": result.file, **error.params}
    key = f"file_error.{error.kind}"
    result.errors.append(Message(f"{error.message} {error.hint}".strip(), t(key, "de", **params)))


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


def _validate(entity: Entity, table: RawTable) -> tuple[list[tuple[int, Row]], list[Rejection]]:
    """Row by row with the contract model (small registries); first id wins."""
    positions = {c: i for i, c in enumerate(table.header) if c in set(entity.columns)}
    rows: list[tuple[int, Row]] = []
    rejections: list[Rejection] = []
    first_line: dict[tuple[Any, ...], int] = {}
    for raw_row in table.rows:
        raw = {c: raw_row.values[i] for c, i in positions.items()}
        key = key_of(entity, raw, table.decimal)
        if raw_row.extra_cells:
            rejections.append(
                Rejection(
                    raw_row.line, [problem("", None, "extra_cells", count=raw_row.extra_cells)], key
                )
            )
            continue
        outcome = validate_row(entity, raw, table.decimal)
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
            first_line[key] = raw_row.line
        if isinstance(outcome, list):
            rejections.append(Rejection(raw_row.line, outcome, key))
        else:
            rows.append((raw_row.line, outcome))
    return rows, rejections


def _check_references(
    con: duckdb.DuckDBPyConnection,
    entity: Entity,
    rows: list[tuple[int, Row]],
    rejections: list[Rejection],
    rejected_keys: dict[str, set[Any]],
) -> None:
    """Reject rows naming a row that does not exist, or was rejected (its version is stale),
    a year outside the referenced grant's period, or a row that belongs to another grant.

    Referenced entities were already settled in this run (dependency order), so their tables
    hold this delivery's rows where the delivery has them and the current state otherwise.
    """
    if not entity.references and not entity.period_checks:
        return
    ids: dict[str, tuple[set[Any], set[Any]]] = {}
    for ref in entity.references:
        target = ENTITIES[ref.entity]
        key = target.key[0]
        fetched = con.execute(f"SELECT {key}, _stale FROM {target.name}").fetchall()
        ids[ref.column] = (
            {k for k, stale in fetched if not stale},
            {k for k, stale in fetched if stale},
        )
    periods = {}
    for check in entity.period_checks:
        ref = next(r for r in entity.references if r.column == check.via)
        target = ENTITIES[ref.entity]
        periods[check.column] = dict(
            (k, (s, e))
            for k, s, e in con.execute(
                f"SELECT {target.key[0]}, {check.start}, {check.end} FROM {target.name}"
            ).fetchall()
        )
    shared_of = {}
    for check in entity.same_as:
        ref = next(r for r in entity.references if r.column == check.column)
        target = ENTITIES[ref.entity]
        shared_of[check.column] = dict(
            con.execute(f"SELECT {target.key[0]}, {check.shared} FROM {target.name}").fetchall()
        )
    kept: list[tuple[int, Row]] = []
    for line, row in rows:
        found = []
        for ref in entity.references:
            value = getattr(row, ref.column)
            valid, stale = ids[ref.column]
            if value is None or value in valid:
                continue
            was_rejected = value in stale or value in rejected_keys.get(ref.entity, ())
            code = "rejected_reference" if was_rejected else "unknown_reference"
            found.append(
                problem(ref.column, value, code, target=Localized(f"entity.one.{ref.entity}"))
            )
        for check in entity.period_checks:
            ref_key = getattr(row, check.via)
            year = getattr(row, check.column)
            if ref_key in periods[check.column] and not found:
                start, end = periods[check.column][ref_key]
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
            other = shared_of[check.column].get(value)
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


def _apply_snapshot(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    entity: Entity,
    file: str,
    rows: list[tuple[int, Row]],
    rejections: list[Rejection],
) -> None:
    """The entity becomes the file's valid rows, plus the previous version of each rejected id.

    A data-entry error never deletes: that previous version stays, marked stale, until a valid
    row replaces it or a later snapshot no longer lists the id. Empty cells of the declared
    defaults are filled last: a `FirstValue` keeps the value stored for the key, if any.
    """
    valid_keys = {tuple(getattr(row, c) for c in entity.key) for _, row in rows}
    stale_keys = [r.key for r in rejections if r.key is not None and r.key not in valid_keys]
    sql_types = entity.sql_types()
    key_list = ", ".join(f"{c} {sql_types[c]}" for c in entity.key)
    con.execute(f"CREATE OR REPLACE TEMP TABLE stale_keys ({key_list})")
    insert_columns(
        con,
        "stale_keys",
        {c: (sql_types[c], [k[i] for k in stale_keys]) for i, c in enumerate(entity.key)},
    )
    match = " AND ".join(f"k.{c} = t.{c}" for c in entity.key)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE kept AS SELECT * REPLACE (true AS _stale) "
        f"FROM {entity.name} t WHERE EXISTS (SELECT 1 FROM stale_keys k WHERE {match})"
    )
    first = [d.column for d in entity.defaults if isinstance(d, FirstValue)]
    if first:
        stored = ", ".join([*entity.key, *first])
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE first_values AS SELECT {stored} FROM {entity.name}"
        )
    con.execute(f"DELETE FROM {entity.name}")
    insert_columns(con, entity.name, _row_columns(entity, rows, run_id, file))
    con.execute(f"INSERT INTO {entity.name} BY NAME SELECT * FROM kept")
    if first:
        carried = ", ".join(f"{c} = coalesce(t.{c}, k.{c})" for c in first)
        con.execute(f"UPDATE {entity.name} t SET {carried} FROM first_values k WHERE {match}")
        con.execute("DROP TABLE first_values")
    fill_defaults(con, entity)
    con.execute("DROP TABLE kept")
    con.execute("DROP TABLE stale_keys")


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
