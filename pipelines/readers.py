"""Decode a delivery file (CSV or XLSX) into raw cells with line numbers, whatever its quirks."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import itertools
import math
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from zakid_metrics.errors import FileError

Cell = str | int | float | bool | dt.date | dt.datetime | None
Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx")
FileErrorKind = Literal[
    "encoding",
    "empty",
    "header",
    "broken_csv",
    "broken_xlsx",
    "unsupported_format",
    "too_large",
]
FILE_ERROR_KINDS: tuple[FileErrorKind, ...] = (
    "encoding",
    "empty",
    "header",
    "broken_csv",
    "broken_xlsx",
    "unsupported_format",
    "too_large",
)

SAVE_HINT = (
    "Save the file in Excel as 'CSV UTF-8 (durch Trennzeichen getrennt)' "
    "('CSV UTF-8 (Comma delimited)') or as 'Excel-Arbeitsmappe (*.xlsx)'."
)
# Order breaks ties: German Excel's `;` is the most common delivery.
_DELIMITERS = (";", "\t", ",")
# Characters an otherwise empty exported line may consist of (`;;;;`, `"";""`).
_BLANK_LINE_CHARS = str.maketrans("", "", ';,\t"')
# NUL cannot occur in a decoded file (such files are refused), so it safely marks the end.
_EOF = "\x00"
_BOMB_MEMBER_BYTES = 10_000_000
_BOMB_RATIO = 100


@dataclass(frozen=True, slots=True)
class RawRow:
    line: int
    """1-based line (CSV) or row number (XLSX) as an editor shows it; where the row starts."""
    values: tuple[Cell, ...]
    """One per header column, None for empty."""
    extra_cells: int = 0
    """Non-empty cells beyond the header's columns; validation rejects such rows."""


@dataclass(frozen=True)
class RawTable:
    path: Path
    format: Format
    encoding: str | None
    """"utf-8", "utf-8-sig" or "cp1252"; None for xlsx."""
    delimiter: str | None
    """";", "," or "\\t"; None for xlsx."""
    decimal: Literal[",", "."]
    """Decimal separator convention: "," for ;-delimited CSV, else "."."""
    header: tuple[str, ...]
    """Normalised names: trimmed, lower-cased."""
    header_line: int
    rows: list[RawRow]

    def column_index(self) -> dict[str, int]:
        """Position of each header name in `RawRow.values`."""
        return {name: index for index, name in enumerate(self.header)}


def read_table(path: Path, *, max_xlsx_uncompressed_bytes: int = 200_000_000) -> RawTable:
    """The header and non-empty rows of a CSV or XLSX file; raises FileError if it is unusable."""
    path = Path(path)
    extension = path.suffix.lower()
    if extension not in (".csv", ".xlsx"):
        raise FileError(
            "unsupported_format",
            f"{path.name}: the format '{path.suffix}' is not supported, only CSV and XLSX are.",
            SAVE_HINT,
            file=path.name,
            extension=path.suffix,
        )
    if path.stat().st_size == 0:
        raise _empty_error(path)
    if extension == ".xlsx":
        return _read_xlsx(path, max_xlsx_uncompressed_bytes)
    return _read_csv(path)


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of the file's bytes, read in chunks so large files need little memory."""
    with Path(path).open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _read_csv(path: Path) -> RawTable:
    data = path.read_bytes()
    text, encoding = _decode(data, path)
    delimiter = _sniff_delimiter(text)
    if delimiter is None:
        raise _empty_error(path)
    header, header_line, rows = _table_parts(
        _csv_records(text, delimiter, path), path, trim_header=False
    )
    return RawTable(
        path=path,
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        decimal="," if delimiter == ";" else ".",
        header=header,
        header_line=header_line,
        rows=rows,
    )


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _encoding_error(
            path, data, nul, "contains NUL bytes, so it is UTF-16, UTF-32 or not a text file"
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            # The BOM declares UTF-8; falling back to cp1252 would garble the text silently.
            offset = exc.start + len(codecs.BOM_UTF8)
            raise _encoding_error(
                path, data, offset, "starts with a UTF-8 byte order mark but is not valid UTF-8"
            ) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Valid UTF-8 is almost never accidental, so only now is German Excel's ANSI export assumed.
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise _encoding_error(
            path, data, exc.start, "is neither valid UTF-8 nor Windows-1252"
        ) from exc


def _encoding_error(path: Path, data: bytes, offset: int, problem: str) -> FileError:
    line = data.count(b"\n", 0, offset) + 1
    hint = SAVE_HINT
    if data.startswith(b"PK\x03\x04"):
        hint = "It looks like an XLSX file: rename it to .xlsx. " + hint
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        hint = "It looks like an old Excel .xls file. " + hint
    return FileError(
        "encoding",
        f"{path.name} {problem}: byte 0x{data[offset]:02X} at byte offset {offset} (line {line}).",
        hint,
        file=path.name,
        offset=offset,
        line=line,
    )


def _sniff_delimiter(text: str) -> str | None:
    """The delimiter used most in the header line, outside quotes; None when there is no header."""
    for line in io.StringIO(text, newline=""):
        if line.translate(_BLANK_LINE_CHARS).strip():
            break
    else:
        return None
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=counts.__getitem__)
    # A single-column header has no delimiter; "," is the RFC 4180 default.
    return best if counts[best] else ","


def _csv_records(text: str, delimiter: str, path: Path) -> Iterator[tuple[int, list[Cell]]]:
    lines = itertools.chain(io.StringIO(text, newline=""), (_EOF,))
    reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True)
    start = 1
    try:
        for record in reader:
            if record and record[-1].endswith(_EOF):
                if record == [_EOF]:
                    return
                # The non-strict reader would otherwise swallow the rest of the file silently.
                raise _broken_csv_error(path, start, "a quoted field is never closed")
            yield start, [_csv_cell(cell) for cell in record]
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _broken_csv_error(path, start, str(exc)) from exc


def _csv_cell(cell: str) -> str | None:
    cell = cell.strip()
    # A CRLF file and an XLSX cell should give the same multi-line text.
    if "\r" in cell:
        cell = cell.replace("\r\n", "\n").replace("\r", "\n")
    return cell or None


def _broken_csv_error(path: Path, line: int, problem: str) -> FileError:
    return FileError(
        "broken_csv",
        f"{path.name} is not valid CSV from line {line} on: {problem}.",
        'Check the quotes (") in that line; a field containing quotes must be quoted itself '
        'with each quote doubled (""). ' + SAVE_HINT,
        file=path.name,
        line=line,
    )


def _read_xlsx(path: Path, max_uncompressed_bytes: int) -> RawTable:
    _check_zip(path, max_uncompressed_bytes)
    # Imported here: openpyxl takes a quarter of a second to import, CSV-only runs skip it.
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        # openpyxl surfaces malformed parts as KeyError, ValueError, XML parse errors and more.
        raise _broken_xlsx_error(path, f"{type(exc).__name__}: {exc}") from exc
    try:
        if not workbook.worksheets:
            raise _broken_xlsx_error(path, "the workbook has no worksheet")
        sheet = workbook.worksheets[0]
        # The stored dimension can be wrong (some generators write A1:A1); trusting it would
        # silently drop rows.
        sheet.reset_dimensions()
        records = [
            (number, [_xlsx_cell(value) for value in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    except FileError:
        raise
    except Exception as exc:
        raise _broken_xlsx_error(path, f"{type(exc).__name__}: {exc}") from exc
    finally:
        workbook.close()
    header, header_line, rows = _table_parts(records, path, trim_header=True)
    return RawTable(
        path=path,
        format="xlsx",
        encoding=None,
        delimiter=None,
        decimal=".",
        header=header,
        header_line=header_line,
        rows=rows,
    )


def _check_zip(path: Path, max_uncompressed_bytes: int) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise _broken_xlsx_error(path, f"not a ZIP container ({exc})") from exc
    # zipfile never inflates a member beyond its declared size, so the declared sizes bound
    # what openpyxl can unpack.
    total = sum(member.file_size for member in members)
    problem = ""
    if total > max_uncompressed_bytes:
        problem = (
            f"it would unpack to {total} bytes, more than the {max_uncompressed_bytes} allowed"
        )
    for member in members:
        if member.file_size > _BOMB_MEMBER_BYTES and member.file_size > _BOMB_RATIO * max(
            member.compress_size, 1
        ):
            problem = (
                f"its part {member.filename} unpacks {member.compress_size} bytes "
                f"to {member.file_size} (more than {_BOMB_RATIO}:1)"
            )
            break
    if problem:
        raise FileError(
            "too_large",
            f"{path.name} is refused as a safeguard: {problem}.",
            "Split the data into smaller files or save it as CSV UTF-8.",
            file=path.name,
            uncompressed_mb=math.ceil(total / 1_000_000),
            limit_mb=math.ceil(max_uncompressed_bytes / 1_000_000),
        )


def _broken_xlsx_error(path: Path, problem: str) -> FileError:
    with path.open("rb") as stream:
        signature = stream.read(4)
    hint = "Open it in Excel and save it again as 'Excel-Arbeitsmappe (*.xlsx)' or as CSV UTF-8."
    if signature == b"\xd0\xcf\x11\xe0":
        hint = (
            "It looks like an old .xls file or a password-protected workbook: "
            "save it in Excel as 'Excel-Arbeitsmappe (*.xlsx)' without a password."
        )
    elif signature[:2] != b"PK":
        hint = "It looks like a text (CSV) file renamed to .xlsx: rename it to .csv."
    return FileError(
        "broken_xlsx",
        f"{path.name} is not a readable XLSX file: {problem}.",
        hint,
        file=path.name,
    )


def _xlsx_cell(value: object) -> Cell:
    if value is None or isinstance(value, bool | int | float | dt.date):
        return value
    if isinstance(value, str):
        return value.strip() or None
    # Time-of-day and duration cells have no column type in the contract; text keeps them visible.
    return str(value)


def _table_parts(
    records: Iterable[tuple[int, list[Cell]]], path: Path, *, trim_header: bool
) -> tuple[tuple[str, ...], int, list[RawRow]]:
    remaining = iter(records)
    first = next(
        ((line, cells) for line, cells in remaining if any(cell is not None for cell in cells)),
        None,
    )
    if first is None:
        raise _empty_error(path)
    header_line, header_cells = first
    if trim_header:
        # An XLSX row ends at its last stored cell, which may be merely formatted.
        while header_cells[-1] is None:
            header_cells.pop()
    names = [_header_name(cell) for cell in header_cells]
    width = len(names)
    data = [(line, cells) for line, cells in remaining if any(cell is not None for cell in cells)]

    seen: set[str] = set()
    for position, name in enumerate(names):
        if name in seen:
            raise _header_error(
                path, header_line, position, name, f"the column name '{name}' appears twice"
            )
        if name:
            seen.add(name)
    for position, name in enumerate(names):
        if name:
            continue
        for line, cells in data:
            if position < len(cells) and cells[position] is not None:
                raise _header_error(
                    path,
                    header_line,
                    position,
                    name,
                    f"column {position + 1} has no name, but line {line} has the value "
                    f"{cells[position]!r} in it",
                )

    keep = [position for position, name in enumerate(names) if name]
    rows: list[RawRow] = []
    for line, cells in data:
        if len(cells) < width:
            cells = cells + [None] * (width - len(cells))
        extra = sum(1 for cell in cells[width:] if cell is not None)
        if len(keep) == width:
            values = tuple(cells[:width])
        else:
            values = tuple(cells[position] for position in keep)
        rows.append(RawRow(line, values, extra))
    return tuple(names[position] for position in keep), header_line, rows


def _header_name(cell: Cell) -> str:
    if cell is None:
        return ""
    # str.strip also removes non-breaking spaces; a stray BOM survives a double-encoded export.
    return str(cell).strip().strip("\ufeff").strip().lower()


def _header_error(path: Path, line: int, position: int, name: str, problem: str) -> FileError:
    column = _column_letter(position)
    return FileError(
        "header",
        f"The header of {path.name} (line {line}) is invalid at column {column}: {problem}.",
        "Give every column with values exactly one name in the header line, "
        "and each name only once.",
        file=path.name,
        line=line,
        column=column,
        name=name,
    )


def _column_letter(position: int) -> str:
    """`0` as "A", `26` as "AA": how a spreadsheet labels the column."""
    letters = ""
    number = position + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _empty_error(path: Path) -> FileError:
    return FileError(
        "empty",
        f"{path.name} is empty: it has no header line.",
        "Export the data again with the column names in the first line.",
        file=path.name,
    )
