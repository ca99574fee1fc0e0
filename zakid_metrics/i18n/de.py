"""German texts (the default language). Keys must match en.py; a test checks it."""

MESSAGES: dict[str, str] = {
    # Why a delivery file cannot be read at all (pipelines/readers.py); {file} always given
    "file_error.broken_csv": (
        "Die Datei {file} ist keine gültige CSV-Datei: Ab Zeile {line} ist ein Anführungszeichen "
        "nicht geschlossen oder ein Feld unzulässig lang. Prüfen Sie die Anführungszeichen in "
        "dieser Zeile und speichern Sie die Datei in Excel erneut als „CSV UTF-8 (durch "
        "Trennzeichen getrennt)“ oder als „Excel-Arbeitsmappe (*.xlsx)“."
    ),
    "file_error.broken_xlsx": (
        "Die Datei {file} ist keine lesbare XLSX-Datei (beschädigt, unvollständig, "
        "kennwortgeschützt oder eine umbenannte CSV- oder XLS-Datei). Öffnen Sie sie in Excel und "
        "speichern Sie sie erneut als „Excel-Arbeitsmappe (*.xlsx)“ oder als „CSV UTF-8 (durch "
        "Trennzeichen getrennt)“."
    ),
    "file_error.empty": (
        "Die Datei {file} ist leer: Sie hat keine Kopfzeile. Exportieren Sie die Daten erneut, "
        "mit den Spaltennamen in der ersten Zeile."
    ),
    "file_error.encoding": (
        "Die Zeichenkodierung der Datei {file} ist unbekannt (unlesbares Byte an Position "
        "{offset}, Zeile {line}). Speichern Sie die Datei in Excel als „CSV UTF-8 (durch "
        "Trennzeichen getrennt)“ oder als „Excel-Arbeitsmappe (*.xlsx)“."
    ),
    "file_error.header": (
        "Die Kopfzeile der Datei {file} (Zeile {line}) ist in Spalte {column} ungültig "
        "(Name: „{name}“): Jede Spalte mit Werten braucht einen Namen, und jeder Name darf nur "
        "einmal vorkommen."
    ),
    "file_error.too_large": (
        "Die Datei {file} wird zur Sicherheit nicht geöffnet: Entpackt wäre sie "
        "{uncompressed_mb} MB groß (erlaubt sind {limit_mb} MB) oder sie ist auffällig stark "
        "komprimiert. Teilen Sie "
        "die Daten auf kleinere Dateien auf oder speichern Sie sie als CSV UTF-8."
    ),
    "file_error.unsupported_format": (
        "Das Dateiformat „{extension}“ der Datei {file} wird nicht unterstützt. Speichern Sie "
        "die Datei als „CSV UTF-8 (durch Trennzeichen getrennt)“ oder als "
        "„Excel-Arbeitsmappe (*.xlsx)“."
    ),
    # Reasons a row is rejected ({column} and {value} are always given)
    "reason.missing": "Pflichtfeld „{column}“ ist leer. Bitte einen Wert eintragen.",
    "reason.not_a_number": "„{value}“ in „{column}“ ist keine Zahl. Erwartet z. B. 1.234,56 oder 1234.56.",
    "reason.too_many_decimals": "„{value}“ in „{column}“ hat mehr als {places} Nachkommastellen.",
    "reason.not_an_integer": "„{value}“ in „{column}“ ist keine ganze Zahl.",
    "reason.not_a_date": "„{value}“ in „{column}“ ist kein Datum. Erwartet 24.11.2026 oder 2026-11-24.",
    "reason.invalid_date": "„{value}“ in „{column}“ ist kein gültiger Kalendertag.",
    "reason.not_a_boolean": "„{value}“ in „{column}“ ist kein Ja/Nein-Wert. Erlaubt: ja/nein, true/false, 1/0, x/leer.",
    "reason.not_an_option": "„{value}“ ist in „{column}“ nicht zulässig. Erlaubt: {options}.",
    "reason.must_be_gt": "„{value}“ in „{column}“ muss größer als {bound} sein.",
    "reason.must_be_ge": "„{value}“ in „{column}“ darf nicht kleiner als {bound} sein.",
    "reason.must_be_lt": "„{value}“ in „{column}“ muss kleiner als {bound} sein.",
    "reason.must_be_le": "„{value}“ in „{column}“ darf nicht größer als {bound} sein.",
    "reason.bad_pattern": "„{value}“ in „{column}“ hat nicht die erwartete Form: {pattern_hint}.",
    "reason.invalid": "„{value}“ in „{column}“ ist ungültig ({detail}).",
    "reason.craft_annex_without_craft": "„{column}“ ist angegeben, aber der Betrieb ist nicht als Handwerksbetrieb (is_craft) markiert.",
    "reason.date_before": "„{column}“ ({value}) liegt vor „{other}“ ({other_value}).",
    "reason.date_not_after": "„{column}“ ({value}) muss nach „{other}“ ({other_value}) liegen.",
    "reason.company_required_for_external": "Externe Arbeitsplätze brauchen eine company_id.",
    "reason.company_not_for_project_related": "Projektbezogene Arbeitsplätze (Personal des Zentrums) haben keine company_id; „{value}“ bitte entfernen.",
    "reason.decommissioned_without_live": "Ein Außerbetriebnahmedatum ist angegeben, aber kein went_live_on.",
    "reason.sdg_target_goal": "Unterziel „{value}“ gehört nicht zu SDG {goal}.",
    "reason.zero_amount": "Der Betrag in „{column}“ ist 0; Belege haben einen Betrag (negativ = Korrektur).",
    "reason.completed_over_enrolled": "Mehr Abschlüsse ({value}) als Eingeschriebene ({enrolled}).",
    "reason.semester_years": "„{value}“ ist kein Wintersemester; erwartet z. B. WS 2025/26.",
    "reason.unknown_reference": "„{value}“ in „{column}“ verweist auf {target}, die es weder in dieser Lieferung noch im Bestand gibt.",
    "reason.rejected_reference": "„{value}“ in „{column}“ verweist auf {target}, deren Zeile abgelehnt wurde oder veraltet ist; erst diese korrigieren.",
    "reason.year_outside_period": "Jahr {value} liegt außerhalb der Laufzeit von {via} „{ref}“ ({start}–{end}).",
    "reason.duplicate_key": "Doppelte Kennung „{value}“; die erste Zeile (Zeile {first_line}) gilt, diese wird abgelehnt.",
    "reason.extra_cells": "Die Zeile hat {count} Zellen mehr als die Kopfzeile Spalten hat; vermutlich ein Trennzeichen im Text ohne Anführungszeichen.",
    "pattern.postal_code": "fünfstellige Postleitzahl",
    "pattern.site_postal_code": "fünfstellige Postleitzahl",
    "pattern.semester": "„WS 2025/26“ oder „SS 2026“",
    # Entities
    "entity.companies": "Unternehmen",
    "entity.one.companies": "ein Unternehmen",
    "entity.grants": "Zuwendungsbescheide",
    "entity.one.grants": "einen Zuwendungsbescheid",
    "entity.projects": "Projekte",
    "entity.one.projects": "ein Projekt",
    "entity.jobs": "Arbeitsplätze",
    "entity.one.jobs": "einen Arbeitsplatz",
    "entity.deployments": "KI-Einsätze",
    "entity.one.deployments": "einen KI-Einsatz",
    "entity.devices": "Geräte",
    "entity.one.devices": "ein Gerät",
    "entity.sdg_contributions": "SDG-Beiträge",
    "entity.one.sdg_contributions": "einen SDG-Beitrag",
    "entity.budget": "Finanzierungsplan",
    "entity.one.budget": "eine Planposition",
    "entity.expenditures": "Belegliste",
    "entity.one.expenditures": "einen Beleg",
    "entity.disbursements": "Mittelabrufe",
    "entity.one.disbursements": "einen Mittelabruf",
    "entity.courses": "Lehrveranstaltungen",
    "entity.one.courses": "eine Lehrveranstaltung",
    "entity.targets": "Ziele",
    "entity.one.targets": "ein Ziel",
    # Ingest messages
    "ingest.unknown_file": "{file}: Der Dateiname passt zu keiner Entität und wird übersprungen. Dateinamen beginnen mit: {prefixes}.",
    "ingest.unknown_suffix": "{file}: Nur .csv- und .xlsx-Dateien werden geladen; die Datei wird übersprungen.",
    "ingest.telemetry_not_yet": "{file}: Telemetrie-Historie wird über den Telemetriespeicher geladen, nicht über diese Lieferung; übersprungen.",
    "ingest.unchanged": "{file}: identisch mit der zuletzt geladenen Datei (gleicher SHA-256); nichts geändert.",
    "ingest.several_snapshots": "Mehrere Stände von {entity} in einer Lieferung ({files}); sie werden in Namensreihenfolge geladen, {last} bestimmt den Stand.",
    "ingest.extra_columns": "{file}: Spalten {columns} gehören nicht zum Datenvertrag und werden ignoriert.",
    "file_error.missing_columns": "{file}: Pflichtspalte(n) {columns} fehlen (gefunden: {found}). Bitte die Spalte(n) in der Kopfzeile ergänzen oder umbenennen; die Spalten von {entity} stehen in docs/CONTRACT.md.",
}
