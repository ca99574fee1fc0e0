"""The funder reports' German wording: the agency's terms, in one place for XLSX and PDF alike.

The reports are German documents for the funding agency, so their texts are not in the UI's
i18n catalogues; the dashboard's texts about reports are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from zakid_metrics.i18n import format_date, format_number

KIND_TITLES = {
    "interim": "Zwischennachweis",
    "final": "Verwendungsnachweis",
    "summary": "Verbundübersicht",
}
KIND_SUBTITLES = {
    "interim": "Zwischennachweis über die Verwendung der Zuwendung (Nr. 6.1 ANBest-P)",
    "final": "Verwendungsnachweis: Sachbericht und zahlenmäßiger Nachweis (Nr. 6 ANBest-P)",
    "summary": "Übersicht über alle Teilvorhaben des Verbundvorhabens ZaKI.D",
}
# File names (ASCII, no umlauts) by report kind.
FILE_PREFIXES = {
    "interim": "zwischennachweis",
    "final": "verwendungsnachweis",
    "summary": "verbunduebersicht",
}
CATEGORY_NAMES = {
    "personnel": "Personalausgaben",
    "material": "Sachausgaben",
    "investment": "Investitionen",
    "subcontracting": "Aufträge an Dritte",
    "travel": "Reisen",
    "overhead": "Gemeinkosten/Verwaltungsausgaben",
}
PROJECT_NAME = "ZaKI.D – Zentrum für angewandte eingebettete KI Duisburg"
FUNDER = "Bundesamt für Wirtschaft und Ausfuhrkontrolle (BAFA)"

ROUNDING_RULE = (
    "Rundung: Zuwendungsanteil = zuwendungsfähige Ausgaben × Förderquote, kaufmännisch auf den "
    "Cent gerundet (ROUND_HALF_UP) auf die Summe, nicht je Beleg; Eigenanteil = Ausgaben − "
    "Zuwendungsanteil."
)
FLAG_RULE = (
    "Markiert („> 20 %“) sind Positionen des Finanzierungsplans (Kostenart und Jahr), deren "
    "Ausgaben den Plan um mehr als 20 % überschreiten (Nr. 1.2 ANBest-P), auch wenn die "
    "Überschreitung durch Einsparungen bei anderen Positionen ausgeglichen ist; sie sind zu "
    "begründen."
)
IDLE_RULE = (
    "Abgerufene Mittel sind innerhalb der Verwendungsfrist ({windows}) nach Eingang für fällige "
    "Zahlungen zu verwenden. Zuordnung nach dem FIFO-Prinzip: der erste abgerufene Euro deckt die "
    "erste Ausgabe (mit dem Förderanteil). Aufgeführt sind Abrufe, deren Frist im "
    "Berichtszeitraum endete und die zum Fristende nicht voll verwendet waren; „Tage“ zählt vom "
    "Fristende bis zum Stand."
)
BALANCE_RULE = (
    "Saldo positiv: abgerufene, noch nicht für Ausgaben verwendete Mittel; negativ: vom "
    "Zuwendungsempfänger vorfinanzierte Ausgaben, deren Zuwendungsanteil noch abgerufen werden "
    "kann."
)
NO_IDLE = "Alle Mittelabrufe mit abgelaufener Frist waren fristgerecht verwendet."
NO_DISBURSEMENTS = "Bis zum Stand wurden keine Mittel abgerufen."
NO_VOUCHERS = "Im Berichtszeitraum wurden keine Ausgaben gebucht; alle Beträge sind 0,00 €."
OPEN_PERIOD = (
    "Der Berichtszeitraum ist zum Stand {as_of} noch nicht abgeschlossen: vorläufige Zahlen, "
    "nicht zur Einreichung."
)
STALE_ROWS = (
    "{count} Datensätze der Quellen sind vorige Fassungen, weil ihre neue Fassung bei der "
    "Lieferung abgelehnt wurde (siehe Datenstand); sie sind enthalten."
)
PROGRAMME_SCOPE = (
    "Die Kennzahlen gelten für das Verbundvorhaben insgesamt (alle Teilvorhaben), Stand {as_of}."
)
NARRATIVE_MARK = "Vom Zuwendungsempfänger auszufüllen"
CONFIRMATION = (
    "Es wird bestätigt, dass die allgemeinen und besonderen Nebenbestimmungen des "
    "Zuwendungsbescheids beachtet wurden, die Ausgaben notwendig waren, wirtschaftlich und "
    "sparsam verfahren worden ist und die Angaben mit den Büchern und Belegen übereinstimmen."
)
SIGNATURE_FIELDS = (
    "Ort, Datum",
    "Rechtsverbindliche Unterschrift",
    "Name und Funktion in Druckbuchstaben",
)

# The Sachbericht: (heading, KPI ids of its measured part, what the recipient writes).
SECTIONS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "Arbeitsplätze",
        ("jobs_project_related_created", "jobs_external_created"),
        "Entwicklung der projektbezogenen und externen Arbeitsplätze; Gründe für Abweichungen "
        "vom Ziel und Gegenmaßnahmen.",
    ),
    (
        "Beteiligte Unternehmen und KMU",
        ("companies_engaged", "sme_share"),
        "Gewinnung von Unternehmen, insbesondere KMU; wichtigste Transferprojekte.",
    ),
    (
        "Handwerk",
        ("crafts_engaged",),
        "Einbindung von Handwerksbetrieben und ihre Anwendungen eingebetteter KI.",
    ),
    (
        "Eingebettete KI im Einsatz: Datenschutz und kurze Reaktionszeiten",
        ("deployments_live",),
        "Produktive Einsätze auf dem Gerät; erreichte Verbesserungen bei Datenschutz und "
        "Antwortzeit.",
    ),
    (
        "Beiträge zu den Nachhaltigkeitszielen (SDGs)",
        ("sdg_goals_covered",),
        "Belegte Beiträge zu den Zielen der Agenda 2030 und ihre Nachweise.",
    ),
    (
        "Lehre und Qualifizierung",
        ("courses_offered", "students_enrolled", "students_completed"),
        "Lehrangebote zu eingebetteter KI, Teilnahme und Abschlüsse.",
    ),
    (
        "Wesentliche Ergebnisse und Abweichungen vom Arbeits-, Zeit- und Ausgabenplan",
        (),
        "Stand der Arbeiten gegenüber dem Arbeitsplan; Abweichungen und ihre Gründe; "
        "Begründung markierter Überschreitungen im Finanzierungsplan.",
    ),
    (
        "Verwertung und Transfer der Ergebnisse",
        (),
        "Nutzung der Ergebnisse, Veröffentlichungen, Schutzrechte, weitere Schritte.",
    ),
)

# KPI names as the report shows them (shorter than the registry's where a table needs it).
KPI_LABELS = {
    "jobs_project_related_created": "Projektbezogene Arbeitsplätze geschaffen",
    "jobs_external_created": "Externe Arbeitsplätze geschaffen",
    "companies_engaged": "Beteiligte Unternehmen",
    "sme_share": "KMU-Anteil der beteiligten Unternehmen",
    "crafts_engaged": "Beteiligte Handwerksbetriebe",
    "deployments_live": "Aktive KI-Einsätze auf Geräten",
    "sdg_goals_covered": "Abgedeckte SDGs (von 17, belegt)",
    "courses_offered": "Lehrveranstaltungen zu eingebetteter KI",
    "students_enrolled": "Eingeschriebene",
    "students_completed": "Abschlüsse",
    "budget_utilisation": "Mittelausschöpfung (Ist/Soll)",
    "funds_drawn": "Abgerufene Fördermittel",
    "idle_funds": "Nicht fristgerecht verwendete Mittel (am Stand)",
}

YES, NO = "ja", "nein"
# Drawdown windows (grants.drawdown_window) in the report's words.
WINDOW_NAMES = {"6 weeks": "6 Wochen", "2 months": "2 Monate"}
FLAG = "> 20 %"


def eur(value: Decimal | None) -> str:
    """`12.345,67 €`; None as an en dash."""
    return "–" if value is None else f"{format_number(value, 'de', 2)} €"


def number(value: float | int | Decimal | None, decimals: int = 0) -> str:
    """`1.234` or `1.234,5`; None as an en dash."""
    return format_number(value, "de", decimals)


def percent(share: float | Decimal | None, decimals: int = 1) -> str:
    """A share 0..1 as `89,4 %`; None as an en dash."""
    return "–" if share is None else f"{format_number(float(share) * 100, 'de', decimals)} %"


def day(value: dt.date | None) -> str:
    """`24.11.2026`; None as an en dash."""
    return format_date(value, "de")


def windows(names: Iterable[str]) -> str:
    """The drawdown windows of the report's grants: `2 Monate, 6 Wochen`."""
    return ", ".join(sorted({WINDOW_NAMES.get(name, name) for name in names}))


def period(first: dt.date, last: dt.date) -> str:
    """`01.04.2024 – 31.12.2024`."""
    return f"{day(first)} – {day(last)}"
