"""Decode a delivery file (CSV or XLSX) into raw cells with line numbers, whatever its quirks."""

from __future__ import annotations

import codecs
import collections
import contextlib
import csv
import dataclasses
import datetime as dt
import hashlib
import itertools
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal, get_args
from xml.etree import ElementTree

from zakid_metrics.contract import EXCEL_EPOCH, EXCEL_EPOCH_1904, Separator
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
FILE_ERROR_KINDS: tuple[FileErrorKind, ...] = get_args(FileErrorKind)
NoteCode = Literal[
    "encoding_guessed", "hidden_sheets", "hidden_rows", "merged_cells", "formulas_without_value"
]
NOTE_CODES: tuple[NoteCode, ...] = get_args(NoteCode)

SAVE_HINT = (
    "Save the file in Excel as 'CSV UTF-8 (durch Trennzeichen getrennt)' "
    "('CSV UTF-8 (Comma delimited)') or as 'Excel-Arbeitsmappe (*.xlsx)'."
)
# Order breaks ties: German Excel's `;` is the most common delivery.
_DELIMITERS = (";", "\t", ",")
# The decimal separator a delimiter implies; a TAB file (and an XLSX text cell) implies none.
_DELIMITER_DECIMAL: dict[str, Separator | None] = {";": ",", ",": ".", "\t": None}
# Characters an otherwise empty exported line may consist of (`;;;;`, `"";""`).
_BLANK_LINE_CHARS = str.maketrans("", "", ';,\t"')
# NUL cannot occur in a decoded file (such files are refused), so it safely marks the end.
_EOF = "\x00"
_BOMB_MEMBER_BYTES = 10_000_000
_BOMB_RATIO = 100
_CHUNK = 1 << 20

# Single-byte encodings, most likely first (ties go to the first): German Excel's ANSI
# export, the Unix Latin-9, and the DOS code page of old ERP exports.
_SINGLE_BYTE = ("cp1252", "iso8859_15", "cp850")
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 (BOM)",
    "cp1252": "Windows-1252",
    "iso8859_15": "ISO-8859-15",
    "cp850": "DOS cp850",
}
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_ASCII_BYTES = bytes(range(128))
_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SAMPLE_BYTES = 65_536
_GERMAN_LETTERS = frozenset("äöüÄÖÜß")
_TYPOGRAPHIC = frozenset("€„“”‚‘’–—…«»§°·")
_HEADER_SEARCH_ROWS = 50
_NOTE_EXAMPLES = 5


@dataclass(frozen=True, slots=True)
class RawRow:
    line: int
    """1-based line (CSV) or row number (XLSX) as an editor shows it; where the row starts."""
    values: tuple[Cell, ...]
    """One per header column, None for empty."""
    extra_cells: int = 0
    """Non-empty cells beyond the header's columns; validation rejects such rows."""


@dataclass(frozen=True, slots=True)
class ReadNote:
    """Something in the file that was read in a way the user should check.

    `code` selects the text `read_note.<code>` in the i18n catalogues; `params` fill it.
    """

    code: NoteCode
    params: dict[str, Any]


@dataclass(frozen=True)
class RawTable:
    path: Path
    format: Format
    encoding: str | None
    """"utf-8", "utf-8-sig", "cp1252", "iso8859_15" or "cp850"; None for xlsx."""
    delimiter: str | None
    """";", "," or "\\t"; None for xlsx."""
    decimal: Separator | None
    """The delimiter's decimal convention: "," for `;`, "." for `,`; None for TAB and XLSX,
    whose text cells follow only the file's evidence (contract.decimal_conventions)."""
    header: tuple[str, ...]
    """Normalised names: trimmed, lower-cased."""
    header_line: int
    sheet: str | None = None
    """The worksheet read (the first visible one); None for csv."""
    excel_epoch: dt.date = EXCEL_EPOCH
    """Day 0 of the workbook's serial dates (EXCEL_EPOCH_1904 for the 1904 date system)."""
    notes: tuple[ReadNote, ...] = ()
    _rows: Callable[[], Iterator[RawRow]] = field(
        default=lambda: iter(()), repr=False, compare=False
    )

    def iter_rows(self) -> Iterator[RawRow]:
        """The non-empty data rows, read from the file again on each call.

        Memory does not grow with the file; may raise FileError where the file turns out to be
        broken further down (an unclosed quote, a value in a column without a name).
        """
        with contextlib.closing(self._rows()) as rows:
            yield from rows

    @property
    def rows(self) -> list[RawRow]:
        """All data rows at once: for small files; a load streams `iter_rows()` instead."""
        return list(self.iter_rows())

    def column_index(self) -> dict[str, int]:
        """Position of each header name in `RawRow.values`."""
        return {name: index for index, name in enumerate(self.header)}


@dataclass(frozen=True)
class HeaderSearch:
    """Where a file's header was taken from, and where the expected column names are."""

    sheet: str | None
    """The sheet read (None for csv)."""
    sheets: tuple[str, ...]
    """All sheets of the workbook in their order (empty for csv)."""
    found_sheet: str | None
    found_line: int | None
    """The first row holding every expected name; None when no row of the first rows does."""


def read_table(path: Path, *, max_xlsx_uncompressed_bytes: int = 200_000_000) -> RawTable:
    """The header of a CSV or XLSX file and a way to stream its rows; FileError if unusable.

    Reading the rows (`rows`, `iter_rows()`) may raise FileError too.
    """
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


def search_header(path: Path, names: Collection[str]) -> HeaderSearch:
    """Where `path`'s header is read from, and the first row (of the first rows of every sheet)
    that holds all of `names`: for messages that say where the header really is."""
    path = Path(path)
    wanted = set(names)
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        with _as_broken_xlsx(path):
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        with _as_broken_xlsx(path), contextlib.closing(workbook):
            sheets = tuple(sheet.title for sheet in workbook.worksheets)
            read = _sheet_to_read(workbook).title
            for sheet in [workbook[read], *(s for s in workbook.worksheets if s.title != read)]:
                rows = sheet.iter_rows(max_row=_HEADER_SEARCH_ROWS, values_only=True)
                for number, row in enumerate(rows, start=1):
                    if wanted <= {_header_name(cell) for cell in row}:
                        return HeaderSearch(read, sheets, sheet.title, number)
        return HeaderSearch(read, sheets, None, None)
    encoding, _ = _detect_encoding(path)
    # A title line above the header may have no delimiter at all: try each.
    for delimiter in _DELIMITERS:
        records = _csv_records(path, encoding, delimiter)
        with contextlib.closing(records):
            for line, cells in itertools.islice(records, _HEADER_SEARCH_ROWS):
                if wanted <= {_header_name(cell) for cell in cells}:
                    return HeaderSearch(None, (), None, line)
    return HeaderSearch(None, (), None, None)


# --- CSV ----------------------------------------------------------------------------------------


def _read_csv(path: Path) -> RawTable:
    encoding, note = _detect_encoding(path)
    with path.open(encoding=encoding, newline="") as stream:
        delimiter = _sniff_delimiter(stream)
    if delimiter is None:
        raise _empty_error(path)
    return _table(
        path,
        lambda: _csv_records(path, encoding, delimiter),
        trim_header=False,
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        decimal=_DELIMITER_DECIMAL[delimiter],
        notes=(note,) if note else (),
    )


def _detect_encoding(path: Path) -> tuple[str, ReadNote | None]:
    """UTF-8 (with or without BOM) when the bytes are valid UTF-8, else the single-byte
    encoding under which the file reads most like text; one pass in chunks."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_error: int | None = None
    undefined_cp1252: int | None = None
    lines_before: dict[int, int] = {}
    histogram: collections.Counter[int] = collections.Counter()
    sample = bytearray()
    offset = newlines = 0
    with path.open("rb") as stream:
        head = stream.read(8)
        stream.seek(0)
        bom = head.startswith(codecs.BOM_UTF8)
        while chunk := stream.read(_CHUNK):
            nul = chunk.find(b"\x00")
            if nul >= 0:
                raise _encoding_error(
                    path,
                    head,
                    offset + nul,
                    0,
                    newlines + chunk.count(b"\n", 0, nul) + 1,
                    "contains NUL bytes, so it is UTF-16, UTF-32 or not a text file",
                )
            if utf8_error is None:
                try:
                    utf8.decode(chunk[3:] if bom and offset == 0 else chunk)
                except UnicodeDecodeError as exc:
                    utf8_error = offset + exc.start + (3 if bom and offset == 0 else 0)
                    lines_before[utf8_error] = newlines + chunk.count(b"\n", 0, utf8_error - offset)
            if undefined_cp1252 is None and (found := _CP1252_UNDEFINED.search(chunk)):
                undefined_cp1252 = offset + found.start()
                lines_before[undefined_cp1252] = newlines + chunk.count(b"\n", 0, found.start())
            non_ascii = chunk.translate(None, _ASCII_BYTES)
            if non_ascii:
                histogram.update(non_ascii)
                for match in _NON_ASCII_LINE.finditer(chunk):
                    if len(sample) >= _SAMPLE_BYTES:
                        break
                    sample += match.group() + b"\n"
            offset += len(chunk)
            newlines += chunk.count(b"\n")
    if utf8_error is None:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_error = offset - 1
            lines_before[utf8_error] = newlines
    if utf8_error is None:
        return ("utf-8-sig" if bom else "utf-8"), None
    if bom:
        # The BOM declares UTF-8; falling back to a single-byte encoding would garble silently.
        raise _encoding_error(
            path,
            head,
            utf8_error,
            _byte_at(path, utf8_error),
            lines_before[utf8_error] + 1,
            "starts with a UTF-8 byte order mark but is not valid UTF-8",
        )
    encoding = _single_byte_encoding(histogram, bytes(sample))
    if encoding is None:
        at = utf8_error if undefined_cp1252 is None else undefined_cp1252
        raise _encoding_error(
            path,
            head,
            at,
            _byte_at(path, at),
            lines_before[at] + 1,
            "is neither valid UTF-8 nor readable as Windows-1252, ISO-8859-15 or DOS cp850",
        )
    if encoding == "cp1252":
        # German Excel's ANSI export: the common case, not worth a note.
        return encoding, None
    text = bytes(sample).decode(encoding)
    example = next((w for w in text.split() if _NON_ASCII.search(w)), "")[:40]
    return encoding, ReadNote(
        "encoding_guessed", {"encoding": ENCODING_NAMES[encoding], "example": example}
    )


def _single_byte_encoding(histogram: collections.Counter[int], sample: bytes) -> str | None:
    """The single-byte encoding that defines every byte of the file and reads its non-ASCII
    lines most like German text; None when none does (Windows-1252 wins ties)."""
    scores: dict[str, int] = {}
    for encoding in _SINGLE_BYTE:
        try:
            chars = bytes(histogram).decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(unicodedata.category(char) == "Cc" for char in chars):
            continue  # C1 control characters: never in real text
        score = _plausibility(sample.decode(encoding))
        if encoding == "cp1252" or score >= 0:
            scores[encoding] = score
    return max(scores, key=scores.__getitem__) if scores else None


def _plausibility(text: str) -> int:
    """How much the non-ASCII characters of `text` look like German or Western European text.

    Umlauts inside or at the end of a word count most; a symbol between two letters (`M³ller`,
    cp1252's `Müller` read as cp850) counts against.
    """
    score = 0
    for match in _NON_ASCII.finditer(text):
        char, at = match.group(), match.start()
        after_letter = at > 0 and text[at - 1].isalpha()
        before_letter = at + 1 < len(text) and text[at + 1].isalpha()
        if char.isalpha():
            if after_letter:
                score += 2 if char in _GERMAN_LETTERS else 1
            elif char.isupper():
                score += 1
        elif char in _TYPOGRAPHIC:
            score += 1
        elif after_letter and before_letter:
            score -= 5
    return score


def _byte_at(path: Path, offset: int) -> int:
    with path.open("rb") as stream:
        stream.seek(offset)
        return stream.read(1)[0]


def _encoding_error(
    path: Path, head: bytes, offset: int, byte: int, line: int, problem: str
) -> FileError:
    hint = SAVE_HINT
    if head.startswith(b"PK\x03\x04"):
        hint = "It looks like an XLSX file: rename it to .xlsx. " + hint
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        hint = "It looks like an old Excel .xls file. " + hint
    return FileError(
        "encoding",
        f"{path.name} {problem}: byte 0x{byte:02X} at byte offset {offset} (line {line}).",
        hint,
        file=path.name,
        offset=offset,
        line=line,
    )


def _sniff_delimiter(lines: Iterable[str]) -> str | None:
    """The delimiter used most in the header line, outside quotes; None when there is no header."""
    for line in lines:
        if line.translate(_BLANK_LINE_CHARS).strip():
            break
    else:
        return None
    return header_delimiter(line)


def header_delimiter(line: str) -> str:
    """The delimiter used most in the header `line`, outside quotes."""
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


def _csv_records(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[Cell]]]:
    with path.open(encoding=encoding, newline="") as stream:
        lines = itertools.chain(stream, (_EOF,))
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


# --- XLSX ---------------------------------------------------------------------------------------


@dataclass
class _SheetStructure:
    """What openpyxl's streaming reader does not tell: read from the sheet's XML directly."""

    hidden_rows: list[int] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    """(first column, first row, last column, last row), 1-based."""
    formulas_without_value: list[tuple[int, str]] = field(default_factory=list)
    """(row, cell) of formulas whose result the file does not hold."""


def _read_xlsx(path: Path, max_uncompressed_bytes: int) -> RawTable:
    _check_zip(path, max_uncompressed_bytes)
    # Imported here: openpyxl takes a quarter of a second to import, CSV-only runs skip it.
    import openpyxl

    with _as_broken_xlsx(path):
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    with _as_broken_xlsx(path), contextlib.closing(workbook):
        if not workbook.worksheets:
            raise _broken_xlsx_error(path, "the workbook has no worksheet")
        sheet = _sheet_to_read(workbook)
        hidden = [s.title for s in workbook.worksheets if s.sheet_state != "visible"]
        title = sheet.title
        epoch = EXCEL_EPOCH_1904 if workbook.epoch.year == 1904 else EXCEL_EPOCH
        # A generator that does not calculate formulas asks Excel to recalculate on opening;
        # the results it stored (none, or 0) are then placeholders.
        calculation = workbook.calculation
        placeholders = bool(calculation is not None and calculation.fullCalcOnLoad)
    structure = _scan_sheet(path, title, placeholders)

    def records() -> Iterator[tuple[int, list[Cell]]]:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        with _as_broken_xlsx(path), contextlib.closing(book):
            worksheet = book[title]
            # The stored dimension can be wrong (some generators write A1:A1); trusting it
            # would silently drop rows.
            worksheet.reset_dimensions()
            rows = worksheet.iter_rows(values_only=True)
            yield from _fill_merged(
                ((n, [_xlsx_cell(v) for v in row]) for n, row in enumerate(rows, start=1)),
                structure.merged,
            )

    table = _table(
        path,
        records,
        trim_header=True,
        format="xlsx",
        encoding=None,
        delimiter=None,
        decimal=None,
        sheet=title,
        excel_epoch=epoch,
    )
    notes = _xlsx_notes(title, hidden, structure, table.header_line)
    return dataclasses.replace(table, notes=notes)


def _sheet_to_read(workbook: Any) -> Any:
    """The first visible worksheet (a hidden sheet is never what the user sees first)."""
    visible = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    return (visible or workbook.worksheets)[0]


def _xlsx_notes(
    sheet: str, hidden_sheets: list[str], structure: _SheetStructure, header_line: int
) -> tuple[ReadNote, ...]:
    notes = []
    if hidden_sheets:
        names = ", ".join(f"'{name}'" for name in hidden_sheets)
        notes.append(ReadNote("hidden_sheets", {"sheet": sheet, "hidden": names}))
    hidden_rows = [row for row in structure.hidden_rows if row > header_line]
    if hidden_rows:
        notes.append(
            ReadNote(
                "hidden_rows",
                {"sheet": sheet, "rows": _row_ranges(hidden_rows), "count": len(hidden_rows)},
            )
        )
    merged = [m for m in structure.merged if m[3] > header_line and m[3] > m[1]]
    if merged:
        ranges = [_range_name(*m) for m in merged]
        notes.append(
            ReadNote(
                "merged_cells",
                {"sheet": sheet, "ranges": _examples(ranges), "count": len(ranges)},
            )
        )
    formulas = [cell for row, cell in structure.formulas_without_value if row > header_line]
    if formulas:
        notes.append(
            ReadNote(
                "formulas_without_value",
                {"sheet": sheet, "cells": _examples(formulas), "count": len(formulas)},
            )
        )
    return tuple(notes)


def _examples(items: list[str]) -> str:
    shown = ", ".join(items[:_NOTE_EXAMPLES])
    return shown + (", …" if len(items) > _NOTE_EXAMPLES else "")


def _row_ranges(rows: list[int]) -> str:
    """`[5, 7, 8, 9]` as "5, 7–9"."""
    ranges: list[str] = []
    for _, group in itertools.groupby(enumerate(rows), lambda pair: pair[1] - pair[0]):
        numbers = [row for _, row in group]
        ranges.append(str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}–{numbers[-1]}")
    return _examples(ranges)


def _range_name(first_col: int, first_row: int, last_col: int, last_row: int) -> str:
    return f"{_column_letter(first_col - 1)}{first_row}:{_column_letter(last_col - 1)}{last_row}"


def _fill_merged(
    records: Iterator[tuple[int, list[Cell]]], merged: list[tuple[int, int, int, int]]
) -> Iterator[tuple[int, list[Cell]]]:
    """Each row of a vertically merged range gets the range's value, as Excel shows it."""
    vertical = sorted((m for m in merged if m[3] > m[1]), key=lambda m: m[1])
    active: list[tuple[int, int, Cell]] = []  # (column index, last row, value)
    upcoming = iter(vertical)
    following = next(upcoming, None)
    for number, cells in records:
        active = [entry for entry in active if entry[1] >= number]
        while following is not None and following[1] == number:
            column = following[0] - 1
            value = cells[column] if column < len(cells) else None
            active.append((column, following[3], value))
            following = next(upcoming, None)
        for column, _, value in active:
            if column >= len(cells):
                cells.extend([None] * (column + 1 - len(cells)))
            if cells[column] is None:
                cells[column] = value
        yield number, cells


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _sheet_part(archive: zipfile.ZipFile, title: str) -> str:
    """The archive member of the worksheet `title`, by workbook.xml and its relationships."""
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relation = next(
        element.get(rid)
        for element in workbook.iter()
        if _local(element.tag) == "sheet" and element.get("name") == title
    )
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(e.get("Target") for e in rels if e.get("Id") == relation)
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for part in PurePosixPath("xl", target).parts:
        if part == "..":
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def _scan_sheet(path: Path, title: str, placeholders: bool) -> _SheetStructure:
    """Hidden rows, merged ranges and formulas without a result, in one streaming pass."""
    from openpyxl.utils.cell import coordinate_from_string, range_boundaries

    found = _SheetStructure()
    try:
        with zipfile.ZipFile(path) as archive, archive.open(_sheet_part(archive, title)) as part:
            row = 0
            data: ElementTree.Element | None = None
            for event, element in ElementTree.iterparse(part, events=("start", "end")):
                name = _local(element.tag)
                if event == "start":
                    if name == "sheetData":
                        data = element
                    elif name == "row":
                        row = int(element.get("r") or row + 1)
                        if element.get("hidden") in ("1", "true"):
                            found.hidden_rows.append(row)
                    continue
                if name == "c":
                    formula = value = None
                    for child in element:
                        kind = _local(child.tag)
                        if kind == "f":
                            formula = child
                        elif kind == "v":
                            value = child
                    if formula is not None and (
                        placeholders or not (value is not None and value.text)
                    ):
                        cell = element.get("r") or "?"
                        found.formulas_without_value.append(
                            (coordinate_from_string(cell)[1] if cell != "?" else row, cell)
                        )
                elif name == "row" and data is not None:
                    # Streaming: a finished row is dropped, so memory stays flat.
                    data.clear()
                elif name == "mergeCell" and element.get("ref"):
                    found.merged.append(range_boundaries(element.get("ref")))
    except (KeyError, StopIteration, ElementTree.ParseError, ValueError) as exc:
        raise _broken_xlsx_error(path, f"{type(exc).__name__}: {exc}") from exc
    return found


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


@contextlib.contextmanager
def _as_broken_xlsx(path: Path) -> Iterator[None]:
    """Any error but our own FileError in the block says `path` is a broken workbook: openpyxl
    surfaces malformed parts as KeyError, ValueError, XML parse errors and more."""
    try:
        yield
    except FileError:
        raise
    except Exception as exc:
        raise _broken_xlsx_error(path, f"{type(exc).__name__}: {exc}") from exc


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


# --- Header and rows, for both formats ---------------------------------------------------------


def _table(
    path: Path,
    records: Callable[[], Iterator[tuple[int, list[Cell]]]],
    *,
    trim_header: bool,
    **described: Any,
) -> RawTable:
    """The table of `records` (a fresh pass over the file on each call): its header now, its
    rows on each `iter_rows()`."""
    with contextlib.closing(records()) as first_pass:
        found = next(
            ((line, cells) for line, cells in first_pass if any(c is not None for c in cells)),
            None,
        )
    if found is None:
        raise _empty_error(path)
    header_line, header_cells = found
    if trim_header:
        # An XLSX row ends at its last stored cell, which may be merely formatted.
        while header_cells[-1] is None:
            header_cells.pop()
    names = [_header_name(cell) for cell in header_cells]
    seen: set[str] = set()
    for position, name in enumerate(names):
        if name in seen:
            raise _header_error(
                path, header_line, position, name, f"the column name '{name}' appears twice"
            )
        if name:
            seen.add(name)

    def rows() -> Iterator[RawRow]:
        with contextlib.closing(records()) as stream:
            for line, _ in stream:
                if line == header_line:
                    break
            yield from _data_rows(stream, names, path, header_line)

    return RawTable(
        path=path,
        header=tuple(name for name in names if name),
        header_line=header_line,
        _rows=rows,
        **described,
    )


def _data_rows(
    records: Iterator[tuple[int, list[Cell]]], names: list[str], path: Path, header_line: int
) -> Iterator[RawRow]:
    width = len(names)
    keep = [position for position, name in enumerate(names) if name]
    unnamed = [position for position, name in enumerate(names) if not name]
    for line, cells in records:
        if all(cell is None for cell in cells):
            continue
        for position in unnamed:
            if position < len(cells) and cells[position] is not None:
                raise _header_error(
                    path,
                    header_line,
                    position,
                    "",
                    f"column {position + 1} has no name, but line {line} has the value "
                    f"{cells[position]!r} in it",
                )
        if len(cells) < width:
            cells = cells + [None] * (width - len(cells))
        extra = sum(1 for cell in cells[width:] if cell is not None)
        if len(keep) == width:
            values = tuple(cells[:width])
        else:
            values = tuple(cells[position] for position in keep)
        yield RawRow(line, values, extra)


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
