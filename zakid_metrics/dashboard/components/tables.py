"""Tables as the user reads them (own language and formats) and downloads them (CSV, XLSX)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from numbers import Number
from typing import Any

import pandas as pd
import streamlit as st
import xlsxwriter

from zakid_metrics.dashboard.components.login import may
from zakid_metrics.i18n import CATALOGS, format_date, format_datetime, format_number, t

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
# Styling every cell costs time; larger tables leave number formats to the browser's locale.
STYLED_CELLS_MAX = 100_000
DATE_FORMATS = {"de": "DD.MM.YYYY", "en": "YYYY-MM-DD"}
DATETIME_FORMATS = {"de": "DD.MM.YYYY HH:mm", "en": "YYYY-MM-DD HH:mm"}
EXCEL_DATE_FORMATS = {"de": "dd.mm.yyyy", "en": "yyyy-mm-dd"}
EXCEL_DATETIME_FORMATS = {"de": "dd.mm.yyyy hh:mm", "en": "yyyy-mm-dd hh:mm"}
CSV_DIALECTS = {"de": {"sep": ";", "decimal": ","}, "en": {"sep": ",", "decimal": "."}}


def escape_formula(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula, prefixed with `'`; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def localize(
    frame: pd.DataFrame, lang: str, values: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Headers as `column.<name>` in `lang`; in the `values` columns, each value as
    `<prefix>.<value>` (e.g. {"entity": "entity"} shows `companies` as „Unternehmen“)."""
    catalog = CATALOGS.get(lang, CATALOGS["de"])
    shown = frame.copy()
    for column in shown.columns:
        # Money arrives as Decimal; as floats it gets the user's separators on screen and in CSV.
        cells = shown[column].dropna()
        if len(cells) and cells.map(lambda v: isinstance(v, Decimal)).all():
            shown[column] = shown[column].astype("Float64")
    for column, prefix in (values or {}).items():
        shown[column] = shown[column].map(
            lambda v, p=prefix: t(f"{p}.{v}", lang) if f"{p}.{v}" in catalog else v
        )
    return shown.rename(columns=lambda c: t(f"column.{c}", lang) if f"column.{c}" in catalog else c)


def csv_bytes(frame: pd.DataFrame, lang: str) -> bytes:
    """CSV as the user's spreadsheet opens it: German `;` and decimal comma, UTF-8 with BOM."""
    escaped = frame.apply(lambda column: column.map(escape_formula) if _is_text(column) else column)
    text = escaped.to_csv(
        index=False,
        lineterminator="\r\n",
        date_format="%Y-%m-%d %H:%M:%S",  # local wall time; both Excel locales read it
        **CSV_DIALECTS.get(lang, CSV_DIALECTS["en"]),
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


def _number_format(lang: str, decimals: int, plain: bool) -> Callable[[Any], str]:
    if plain:
        return lambda value: MISSING if pd.isna(value) else str(value)
    return lambda value: format_number(None if pd.isna(value) else value, lang, decimals)


def _for_display(
    shown: pd.DataFrame, raw_columns: Sequence[str], lang: str
) -> tuple[Any, dict[str, Any]]:
    """The frame as shown and its column config: the user's formats, gaps as a dash.

    Typed columns stay typed, so that sorting works. Streamlit draws a gap in a typed column
    as "None", so a number or time column with gaps is shown as formatted text instead.
    """
    display = shown.copy()
    config: dict[str, Any] = {}
    formatters: dict[str, Callable[[Any], str]] = {}
    large = shown.size > STYLED_CELLS_MAX
    for name, raw in zip(shown.columns, raw_columns, strict=True):
        column = shown[name]
        gaps = bool(column.isna().any())
        if pd.api.types.is_bool_dtype(column):
            continue
        if pd.api.types.is_datetime64_any_dtype(column):
            if gaps:
                display[name] = [format_datetime(None if pd.isna(v) else v, lang) for v in column]
            else:
                config[name] = st.column_config.DatetimeColumn(format=DATETIME_FORMATS[lang])
        elif _is_dates(column):
            if gaps:
                display[name] = [format_date(None if pd.isna(v) else v, lang) for v in column]
            else:
                config[name] = st.column_config.DateColumn(format=DATE_FORMATS[lang])
        elif pd.api.types.is_numeric_dtype(column):
            integer = pd.api.types.is_integer_dtype(column)
            formatter = _number_format(lang, 0 if integer else 2, plain=raw in PLAIN_NUMBERS)
            if gaps:
                display[name] = [formatter(v) for v in column]
                config[name] = st.column_config.TextColumn(alignment="right")
            elif raw in PLAIN_NUMBERS:
                continue
            elif large:
                config[name] = st.column_config.NumberColumn(format="localized")
            else:
                formatters[name] = formatter
        elif _is_text(column):
            display[name] = column.astype(object).where(column.notna(), MISSING)
            if column.dropna().astype(str).str.len().max() > LONG_TEXT_CHARS:
                config[name] = st.column_config.TextColumn(width="large")
    return (display.style.format(formatters) if formatters else display), config


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


def download_buttons(
    shown: pd.DataFrame, key: str, lang: str, *, file_name: str | None = None
) -> None:
    """CSV and XLSX download buttons for `shown` (headers and values as the user reads them).

    `key` names the buttons' state keys and, unless `file_name` is given, the files; the files
    are built only when clicked.
    """
    stem = file_name or key.replace(".", "_")
    with st.container(horizontal=True):
        st.download_button(
            t("download.csv", lang),
            data=lambda: csv_bytes(shown, lang),
            file_name=f"{stem}.csv",
            mime="text/csv",
            key=f"{key}.csv",
            help=t("download.csv.help", lang),
            on_click="ignore",
            icon=":material/download:",
            type="tertiary",
        )
        st.download_button(
            t("download.xlsx", lang),
            data=lambda: xlsx_bytes(shown, lang),
            file_name=f"{stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}.xlsx",
            help=t("download.xlsx.help", lang),
            on_click="ignore",
            icon=":material/download:",
            type="tertiary",
        )
