"""German (default) and English texts, and the number and date formats of each language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

import pandas as pd

from zakid_metrics.i18n import de, en

Language = Literal["de", "en"]
LANGUAGES: tuple[Language, ...] = ("de", "en")
CATALOGS: dict[str, dict[str, str]] = {"de": de.MESSAGES, "en": en.MESSAGES}
# Decimals shown per KPI unit (tiles, mails); exact figures are in the source rows and reports.
DECIMALS = {
    "count": 0,
    "share": 1,
    "eur": 0,
    "days": 0,
    "ratio": 2,
    "fte": 2,
    "t_co2e_per_year": 1,
    "mwh_per_year": 1,
}


def t(key: str, lang: str = "de", /, **params: Any) -> str:
    """The text `key` in `lang`, with `{name}` placeholders filled from `params`."""
    catalog = CATALOGS.get(lang, de.MESSAGES)
    template = catalog.get(key) or en.MESSAGES.get(key) or key
    return template.format(**params) if params else template


def format_number(value: float | int | Decimal | None, lang: str = "de", decimals: int = 0) -> str:
    """`1234.5` as `1.234,5` (German) or `1,234.5` (English); None as an en dash."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_date(value: dt.date | dt.datetime | None, lang: str = "de") -> str:
    """`24.11.2026` (German) or `2026-11-24` (English); None as an en dash."""
    if value is None:
        return "–"
    return value.strftime("%d.%m.%Y" if lang == "de" else "%Y-%m-%d")


def format_datetime(value: dt.datetime | None, lang: str = "de") -> str:
    """`24.11.2026 14:05` (German) or `2026-11-24 14:05` (English); None as an en dash."""
    if value is None:
        return "–"
    return value.strftime("%d.%m.%Y %H:%M" if lang == "de" else "%Y-%m-%d %H:%M")


def format_value(
    value: Any, unit: str, lang: str, decimals: int | None = None, *, symbol: bool = True
) -> str:
    """A KPI value with its unit as the user reads it: `89,4 %`, `9.846.455 €`, `19,25 VZÄ`."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    places = DECIMALS.get(unit, 0) if decimals is None else decimals
    number = float(value) * 100 if unit == "share" else value
    if unit in ("days", "t_co2e_per_year", "mwh_per_year") and decimals is None:
        whole = float(number) == int(float(number))
        places = 0 if whole else max(places, 1)
    if isinstance(number, Decimal | float) and unit == "count":
        places = 0 if float(number) == int(float(number)) else 1
    text = format_number(number, lang, places)
    # Counts and ratios have no unit symbol, so the catalogues have no text for them.
    key = f"unit_symbol.{unit}"
    if not symbol or key not in CATALOGS.get(lang, CATALOGS["de"]):
        return text
    return f"{text} {t(key, lang)}"
