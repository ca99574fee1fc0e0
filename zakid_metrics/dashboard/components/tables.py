"""Tables as the user reads them (own language and formats) and downloads them (CSV, XLSX)."""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from numbers import Number
from typing import Any

import pandas as pd
import streamlit as st
import xlsxwriter

from zakid_metrics.contract import OPTION_COLUMNS
from zakid_metrics.dashboard.components.login import may
from zakid_metrics.i18n import CATALOGS, format_date, format_datetime, format_number, t
from zakid_metrics.settings import get_settings

# A spreadsheet treats a cell starting with one of these as a formula (OWASP: CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Contract columns that are business secrets or personal (CONTRACT.md): viewers may read them
# on screen but not take them away as a file (README: role matrix).
CONFIDENTIAL_COLUMNS = frozenset(
    {"name", "company", "annual_gross_salary_eur", "annual_turnover_eur", "balance_sheet_eur",
     "employees"}
)  # fmt: skip
# Numbers that are identifiers, not quantities: never shown with thousands separators.
PLAIN_NUMBERS = frozenset({"run_id", "last_run_id", "line", "year", "sdg_goal"})
MISSING = "–"
ROW_PX, FULL_HEIGHT_ROWS = 35, 15
LONG_TEXT_CHARS = 40  # wider column for messages and reasons
# Decimals of a number that is not a whole number, on screen and in CSV files.
DECIMALS = 2
EXCEL_DATE_FORMATS = {"de": "dd.mm.yyyy", "en": "yyyy-mm-dd"}
EXCEL_DATETIME_FORMATS = {"de": "dd.mm.yyyy hh:mm", "en": "yyyy-mm-dd hh:mm"}
CSV_SEPARATORS = {"de": ";", "en": ","}


def escape_formula(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula, prefixed with `'`; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def localize(
    frame: pd.DataFrame, lang: str, values: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Headers as `column.<name>` in `lang`; in the `values` columns, each value as
    `<prefix>.<value>` (e.g. {"entity": "entity"} shows `companies` as „Unternehmen“); a
    contract column of an option set (contract.OPTION_COLUMNS) by its label without asking."""
    catalog = CATALOGS.get(lang, CATALOGS["de"])
    shown = frame.copy()
    for column in shown.columns:
        # Money arrives as Decimal; as floats it gets the user's separators on screen and in CSV.
        cells = shown[column].dropna()
        if len(cells) and cells.map(lambda v: isinstance(v, Decimal)).all():
            shown[column] = shown[column].astype("Float64")
    given = {column: (prefix,) for column, prefix in (values or {}).items()}
    for column, prefixes in {**OPTION_COLUMNS, **given}.items():
        if column in shown.columns:
            shown[column] = shown[column].map(lambda v, p=prefixes: _label(v, p, catalog, lang))
    return shown.rename(columns=lambda c: t(f"column.{c}", lang) if f"column.{c}" in catalog else c)


def _label(value: Any, prefixes: Sequence[str], catalog: Mapping[str, str], lang: str) -> Any:
    """`value` as the first of `prefixes` labels it; unchanged where none does."""
    for prefix in prefixes:
        if f"{prefix}.{value}" in catalog:
            return t(f"{prefix}.{value}", lang)
    return value


def csv_bytes(frame: pd.DataFrame, lang: str) -> bytes:
    """CSV as the user's spreadsheet opens it and as the screen shows it: German `;`, dates
    `24.11.2026`, `ja`/`nein`, numbers rounded as on screen with a decimal comma (no thousands
    separator, so that every spreadsheet reads them as numbers); UTF-8 with BOM."""
    texts = pd.DataFrame(
        {name: _texts(frame[name], str(name), lang, grouped=False) for name in frame.columns},
        columns=frame.columns,
    )
    text = texts.to_csv(
        index=False, lineterminator="\r\n", sep=CSV_SEPARATORS.get(lang, CSV_SEPARATORS["en"])
    )
    return text.encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, lang: str, sheet: str = "Daten") -> bytes:
    """An XLSX workbook of `frame`: typed cells, a bold frozen header, and an autofilter.

    Texts that look like formulas are written as text with Excel's quote prefix, so Excel
    neither runs them now nor after the cell is edited.
    """
    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "remove_timezone": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    with xlsxwriter.Workbook(buffer, options) as book:
        sheet_ = book.add_worksheet(sheet[:31])
        header = book.add_format({"bold": True, "bottom": 1})
        formats = {
            "quoted": book.add_format({"quote_prefix": True}),
            "date": book.add_format({"num_format": EXCEL_DATE_FORMATS.get(lang, "yyyy-mm-dd")}),
            "datetime": book.add_format(
                {"num_format": EXCEL_DATETIME_FORMATS.get(lang, "yyyy-mm-dd hh:mm")}
            ),
        }
        for col, name in enumerate(frame.columns):
            sheet_.write_string(0, col, str(name), header)
            width = len(str(name))
            for row, value in enumerate(frame.iloc[:, col].tolist(), start=1):
                width = max(width, _write_cell(sheet_, row, col, value, formats))
            sheet_.set_column(col, col, min(width + 2, 60))
        sheet_.freeze_panes(1, 0)
        sheet_.autofilter(0, 0, len(frame), max(len(frame.columns) - 1, 0))
    return buffer.getvalue()


def _write_cell(sheet: Any, row: int, col: int, value: Any, formats: dict[str, Any]) -> int:
    """Write one typed cell; return the width of its text for the column width."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return 0
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, Number):
        sheet.write_number(row, col, float(value))
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value, formats["datetime"])
        return 16
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, value, formats["date"])
        return 10
    else:
        text = str(value)
        quoted = formats["quoted"] if text.startswith(FORMULA_PREFIXES) else None
        sheet.write_string(row, col, text, quoted)
        return len(text)
    return len(str(value))


def _is_text(column: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)


def _is_dates(column: pd.Series) -> bool:
    values = column.dropna()
    return bool(len(values)) and all(
        isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in values
    )


def _is_flags(column: pd.Series) -> bool:
    values = column.dropna()
    return pd.api.types.is_bool_dtype(column) or (
        bool(len(values)) and all(isinstance(v, bool) for v in values)
    )


def _plain(name: str, lang: str) -> bool:
    """Whether the column `name` (in the data, or as `localize` headed it) holds identifiers."""
    return name in PLAIN_NUMBERS or name in {t(f"column.{n}", lang) for n in PLAIN_NUMBERS}


def _texts(column: pd.Series, raw: str, lang: str, *, grouped: bool) -> list[str]:
    """Every cell of `column` (named `raw` in the data) as the user reads it in `lang`:
    `24.11.2026`, `24.11.2026 14:05` (Europe/Berlin), `ja`/`nein`, `1.234,50` (`grouped`,
    on screen) or `1234,50` (in files), identifiers as they are; gaps as MISSING on screen and
    empty in files. Texts in files are escaped against formulas."""
    gap = MISSING if grouped else ""
    values = column.tolist()
    if _is_flags(column):
        yes, no = t("table.yes", lang), t("table.no", lang)
        return [gap if pd.isna(v) else yes if v else no for v in values]
    if pd.api.types.is_datetime64_any_dtype(column):
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            column = column.dt.tz_convert(get_settings().timezone).dt.tz_localize(None)
        return [gap if pd.isna(v) else format_datetime(v, lang) for v in column.tolist()]
    if _is_dates(column):
        return [gap if v is None or pd.isna(v) else format_date(v, lang) for v in values]
    if pd.api.types.is_numeric_dtype(column):
        if _plain(raw, lang):
            return [gap if pd.isna(v) else str(int(v)) for v in values]
        decimals = 0 if pd.api.types.is_integer_dtype(column) else DECIMALS
        if grouped:
            return [gap if pd.isna(v) else format_number(v, lang, decimals) for v in values]
        point = "," if lang == "de" else "."
        return [gap if pd.isna(v) else f"{v:.{decimals}f}".replace(".", point) for v in values]
    return [
        gap if v is None or (pd.api.types.is_scalar(v) and pd.isna(v))
        else str(v) if grouped else str(escape_formula(v))
        for v in values
    ]  # fmt: skip


def _for_display(
    shown: pd.DataFrame, raw_columns: Sequence[str], lang: str
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The frame as shown and its column config: every cell as formatted text (`_texts`).

    The grid's accessible table, which screen readers read, holds a cell's data, not what
    the canvas draws: a number column would read `2087144.75` where the screen shows
    `2.087.144,75`, a date column `2026-11-24`. Text cells read as they are shown; numbers
    stay right-aligned.
    """
    display = pd.DataFrame(index=shown.index)
    config: dict[str, Any] = {}
    for name, raw in zip(shown.columns, raw_columns, strict=True):
        column = shown[name]
        display[name] = _texts(column, raw, lang, grouped=True)
        if pd.api.types.is_numeric_dtype(column) and not _is_flags(column):
            config[name] = st.column_config.TextColumn(alignment="right")
        elif _is_text(column) and display[name].str.len().max() > LONG_TEXT_CHARS:
            config[name] = st.column_config.TextColumn(width="large")
    return display, config


def download_table(
    frame: pd.DataFrame,
    key: str,
    lang: str,
    *,
    values: Mapping[str, str] | None = None,
    file_name: str | None = None,
    source_rows: bool = False,
) -> None:
    """Show `frame` localized (see `localize`) with CSV and XLSX download buttons below it.

    `key` (page-prefixed, e.g. "data_status.runs") names the buttons' state keys and, unless
    `file_name` is given, the downloaded files. The files are built only when clicked.
    Source rows (`source_rows`, or any table with a CONFIDENTIAL_COLUMNS column) are shown to
    everyone but offered for download only to analysts and administrators.
    """
    if frame.empty:
        st.caption(t("table.empty", lang))
        return
    shown = localize(frame, lang, values)
    display, config = _for_display(shown, list(frame.columns), lang)
    # Short tables show every row; longer ones scroll inside Streamlit's default height.
    height = (len(frame) + 1) * ROW_PX + 3 if len(frame) <= FULL_HEIGHT_ROWS else "auto"
    st.dataframe(display, hide_index=True, column_config=config, height=height)
    if (source_rows or CONFIDENTIAL_COLUMNS & set(frame.columns)) and not may("analyst"):
        st.caption(t("table.download_restricted", lang))
        return
    download_buttons(shown, key, lang, file_name=file_name)


MIME_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# What a table downloads as: the file ending and how its bytes are made (when clicked).
DOWNLOADS: dict[str, Callable[[pd.DataFrame, str], bytes]] = {"csv": csv_bytes, "xlsx": xlsx_bytes}


def download_buttons(
    shown: pd.DataFrame, key: str, lang: str, *, file_name: str | None = None
) -> None:
    """CSV and XLSX download buttons for `shown` (headers and values as the user reads them).

    `key` names the buttons' state keys and, unless `file_name` is given, the files; the files
    are built only when clicked.
    """
    stem = file_name or key.replace(".", "_")
    with st.container(horizontal=True):
        for ending, to_bytes in DOWNLOADS.items():
            st.download_button(
                t(f"download.{ending}", lang),
                data=functools.partial(to_bytes, shown, lang),
                file_name=f"{stem}.{ending}",
                mime=MIME_TYPES[ending],
                key=f"{key}.{ending}",
                help=t(f"download.{ending}.help", lang),
                on_click="ignore",
                icon=":material/download:",
                type="tertiary",
            )
