"""German (default) and English texts, and the number and date formats of each language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from zakid_metrics.i18n import de, en

Language = Literal["de", "en"]
LANGUAGES: tuple[Language, ...] = ("de", "en")
CATALOGS: dict[str, dict[str, str]] = {"de": de.MESSAGES, "en": en.MESSAGES}


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
