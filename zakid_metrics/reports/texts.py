"""The funder reports' German wording: the agency's terms, in one place for XLSX and PDF alike.

The reports are German documents for the funding agency, so their texts are not in the UI's
i18n catalogues; the dashboard's texts about reports are.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zakid_metrics.funding import Regime, cents
from zakid_metrics.i18n import format_date, format_number

KIND_TITLES = {
    "interim": "Zwischennachweis",
    "final": "Verwendungsnachweis",
    "summary": "Verbundübersicht",
}
KIND_SUBTITLES = {
    "interim": "Zwischennachweis über die Verwendung der Zuwendung: Sachbericht und "
    "zahlenmäßiger Nachweis",
    "final": "Verwendungsnachweis: Sachbericht und zahlenmäßiger Nachweis",
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
    "Rundung: jeder Betrag wird exakt berechnet und erst am Ende einmal kaufmännisch auf den "
    "Cent gerundet (ROUND_HALF_UP), nicht je Beleg."
)
LINES_RULE = (
    "Einzelansätze (Förderkennzeichen × Kostenart) nach kumulierten Zahlen: zuwendungsfähige "
    "Ausgaben (Kosten) vom Beginn der Zuwendung bis zum Ende des Berichtszeitraums gegen den "
    "Plan {plan_years}. Ein Einzelansatz darf um bis zu 20 % überschritten werden, wenn die "
    "Überschreitung durch Einsparungen bei anderen Einzelansätzen ausgeglichen ist ({source})."
)
PLAN_YEARS = {
    "interim": "der Jahre bis zum Ende des Berichtszeitraums",
    "final": "aller Jahre",
    "summary": "der Jahre bis zum Ende des Berichtszeitraums",
}
LINE_STATUS_NAMES = {
    "within_plan": "im Plan",
    "over_offset": "über Plan, ausgeglichen (≤ 20 %)",
    "over_not_offset": "über Plan, nicht ausgeglichen",
    "over_20": "mehr als 20 % über Plan: Zustimmung erforderlich",
}
YEARS_INFO = (
    "Nur zur Information: Soll und Ist je Kalenderjahr. Maßgeblich ist allein der kumulierte "
    "Vergleich oben; ein Jahr über Plan ist für sich keine Überschreitung."
)
SHARE_RULE = (
    "Zuwendungsanteil (Anteilfinanzierung, Höchstbetrag): C(d) = min(Förderquote × "
    "zuwendungsfähige Ausgaben vom Beginn bis zum Tag d; bewilligte Zuwendung). Anteil des "
    "Berichtszeitraums = C(Ende) − C(Tag vor Beginn)."
)
REFUND_RULE = (
    "Erstattungsbetrag = erhaltene Mittel − Zuwendungsanteil über die ganze Laufzeit, wenn positiv."
)
VAT_DEDUCTIBLE = (
    "Erklärung zur Umsatzsteuer: Der Zuwendungsempfänger ist zum Vorsteuerabzug nach § 15 UStG "
    "berechtigt. Zuwendungsfähig sind daher nur die Nettobeträge; alle zuwendungsfähigen "
    "Beträge dieses Nachweises sind Nettobeträge ohne Umsatzsteuer ({source})."
)
VAT_NOT_DEDUCTIBLE = (
    "Erklärung zur Umsatzsteuer: Der Zuwendungsempfänger ist nicht zum Vorsteuerabzug "
    "berechtigt. Die Ausgaben sind einschließlich Umsatzsteuer (brutto) zuwendungsfähig."
)
REVENUES_RULE = (
    "Deckungsmittel (Eigenmittel, Leistungen Dritter, Einnahmen aus dem Vorhaben) laut "
    "Finanzierungsplan und tatsächlich, für den Plan {years}."
)
REVENUES_EXCESS = (
    "Die tatsächlichen Deckungsmittel übersteigen den Plan um {excess}: die Zuwendung kann "
    "sich ermäßigen ({source})."
)
REVENUES_WITHIN = "Die tatsächlichen Deckungsmittel übersteigen den Plan nicht."
NO_REVENUES = "Im Finanzierungsplan sind keine weiteren Deckungsmittel vorgesehen."
IDLE_RULE = (
    "Abgerufene Mittel sind innerhalb von {window} nach Eingang zu verwenden ({source}). "
    "Zuordnung nach dem Prinzip „zuerst eingegangen, zuerst verwendet“ auf laufenden Summen: "
    "jeder Beleg verbraucht seinen Zuwendungsanteil (Förderquote × zuwendungsfähiger Betrag). "
    "Ein Teil, der nach Ablauf seiner Frist oder bis zum Stichtag {end} nicht verwendet wurde, "
    "war nicht fristgerecht verwendet; Tage und Zinsen zählen vom Eingang bis zur Verwendung "
    "(oder bis zum Stichtag)."
)
PREMATURE_RULE = (
    "Auf Kostenbasis dürfen Mittel nur für bereits entstandene Kosten abgerufen werden "
    "({source}). Ein Abruf ist vorzeitig, wenn die bis zu seinem Eingang erhaltenen Mittel den "
    "Zuwendungsanteil der bis dahin entstandenen Kosten übersteigen; gedeckt ist er am ersten "
    "Tag, an dem der Zuwendungsanteil sie erreicht."
)
INTEREST_RULE = (
    "Zinsen nach {source}: für jeden Tag nach dem Eingang bis einschließlich zur Verwendung "
    "(Deckung, oder bis zum Stichtag) Betrag × (Basiszinssatz des Tages + 5) / 100 / 365, "
    "summiert, dann gerundet. Basiszinssätze: Deutsche Bundesbank ({rates})."
)
GK_WAIVER = (
    "Nach ANBest-Gk kann die Bewilligungsbehörde von der Zinsforderung absehen; der Betrag ist "
    "dennoch ausgewiesen."
)
VAT_STATUS = {
    True: "berechtigt: nur Nettobeträge zuwendungsfähig",
    False: "nicht berechtigt: Bruttobeträge zuwendungsfähig",
}
NO_IDLE = "Alle abgerufenen Mittel wurden fristgerecht verwendet."
NOT_APPLICABLE_IDLE = (
    "Entfällt: Zuwendung auf Kostenbasis, ohne Verwendungsfrist (vorzeitige Abrufe siehe unten)."
)
NO_PREMATURE = "Kein Abruf lag über dem Zuwendungsanteil der bis dahin entstandenen Kosten."
NOT_APPLICABLE_PREMATURE = (
    "Entfällt: Zuwendung auf Ausgabenbasis (Verwendungsfrist siehe nicht fristgerecht "
    "verwendete Mittel)."
)
INVENTORY_RULE = (
    "Inventarverzeichnis: mit der Zuwendung beschaffte Gegenstände über 800 EUR netto, aus "
    "Belegen dieser Zuwendung ({source})."
)
NO_INVENTORY = "Mit der Zuwendung wurden keine Gegenstände über 800 EUR netto beschafft."
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
CONTEXT_SCOPE = (
    "Nur Kontext: Die folgenden Kennzahlen gelten für das Verbundvorhaben insgesamt (alle "
    "Teilvorhaben und Partner), nicht für dieses Teilvorhaben allein, Stand {as_of}. Verglichen "
    "werden nur Ziele, die bis zum Ende des Berichtszeitraums ({end}) fällig sind; spätere Ziele "
    "stehen mit ihrem Fälligkeitstag da."
)
OWN_SCOPE = (
    "Zahlen dieses Teilvorhabens ({grant_id}): seine Belege und Mittelabrufe im "
    "Berichtszeitraum, die Stellen, die es finanziert (jobs.grant_id), und die Transferprojekte, "
    "an denen sein Zuwendungsempfänger als Partner beteiligt ist."
)
PARTNER_MAPPING = (
    "Zuordnung: Der Zuwendungsempfänger „{recipient}“ ist in den Projektdaten der Partner "
    "„{partner}“ (Spalte partner der Projekte)."
)
NO_PARTNER = (
    "Zuordnung: Der Zuwendungsempfänger „{recipient}“ ist keiner der Partner der Projektdaten "
    "({partners}); ihm sind keine Transferprojekte zugeordnet."
)
NO_POSITIONS = "Dieses Teilvorhaben finanziert bis zum Stand keine Stelle (jobs.grant_id)."
NO_PROJECTS = "Keine Transferprojekte mit Beteiligung des Zuwendungsempfängers bis zum Stand."
DUE_LATER = "fällig am {day}"
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
        "Begründung der Einzelansätze über Plan.",
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
}
REVENUE_KIND_NAMES = {
    "own_funds": "Eigenmittel",
    "third_party": "Leistungen Dritter",
    "project_revenue": "Einnahmen aus dem Vorhaben",
}
BASIS_NAMES = {"expenditure": "Ausgabenbasis", "cost": "Kostenbasis"}
QUALIFICATION_NAMES = {
    "academic": "akademisch",
    "vocational": "beruflich",
    "other": "sonstige",
    "unknown": "unbekannt",
}
PROJECT_STATUS_NAMES = {
    "inquiry": "Anfrage",
    "feasibility": "Machbarkeit",
    "pilot": "Pilot",
    "production": "Produktion",
    "completed": "abgeschlossen",
    "cancelled": "abgebrochen",
}

YES, NO = "ja", "nein"


def eur(value: Decimal | None) -> str:
    """`12.345,67 €`, an exact amount rounded half up to the cent; None as an en dash."""
    return "–" if value is None else f"{format_number(cents(value), 'de', 2)} €"


def number(value: float | int | Decimal | None, decimals: int = 0) -> str:
    """`1.234` or `1.234,5`; None as an en dash."""
    return format_number(value, "de", decimals)


def percent(share: float | Decimal | None, decimals: int = 1) -> str:
    """A share 0..1 as `89,4 %`; None as an en dash."""
    return "–" if share is None else f"{format_number(float(share) * 100, 'de', decimals)} %"


def day(value: dt.date | None) -> str:
    """`24.11.2026`; None as an en dash."""
    return format_date(value, "de")


def window(rules: Regime) -> str:
    """A regime's use window in the report's words: `42 Tagen`, `2 Kalendermonaten`."""
    if rules.window_days is not None:
        return f"{rules.window_days} Tagen"
    return f"{rules.window_months} Kalendermonaten"


def period(first: dt.date, last: dt.date) -> str:
    """`01.04.2024 – 31.12.2024`."""
    return f"{day(first)} – {day(last)}"
