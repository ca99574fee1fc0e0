"""German texts (the default language). Keys must match en.py; a test checks it."""

MESSAGES: dict[str, str] = {
    # KPI registry (zakid_metrics/kpis): unit.<unit> unit names, forecast_status.<status>
    # of jobs_forecast_end, error.<code> of the registry's errors
    "unit.count": "Anzahl",
    "unit.share": "Anteil",
    "unit.eur": "Euro",
    "unit.days": "Tage",
    "unit.ratio": "Verhältnis",
    "unit.fte": "Vollzeitäquivalente",
    "unit.t_co2e_per_year": "t CO₂e pro Jahr",
    "unit.mwh_per_year": "MWh pro Jahr",
    "forecast_status.reached": "erreicht",
    "forecast_status.on_track": "auf Kurs",
    "forecast_status.moderately_off": "leicht verfehlt",
    "forecast_status.off_track": "deutlich verfehlt",
    "forecast_status.insufficient_data": "zu wenige Daten",
    "error.kpi_definition": "Eine Kennzahl ist in der Software fehlerhaft definiert.",
    "error.kpi_definition.hint": (
        "Melden Sie die technische Angabe unten an das Entwicklungsteam; sie nennt Datei und Zeile."
    ),
    "error.unknown_kpi": "Diese Kennzahl gibt es nicht.",
    "error.unknown_kpi.hint": "Die technische Angabe unten nennt ähnliche Kennzahlen.",
    "error.kpi_parameter": "Die Kennzahl kann für diese Auswahl nicht berechnet werden.",
    "error.kpi_parameter.hint": (
        "Prüfen Sie Stichtag und Zeitraum (der Zeitraum muss vor seinem Ende beginnen)."
    ),
    "error.kpi_query": "Die Kennzahl konnte aus dem Datenbestand nicht berechnet werden.",
    "error.kpi_query.hint": (
        "Laden Sie die Lieferung neu (python -m pipelines ingest …). Hilft das nicht, melden Sie "
        "die technische Angabe unten an das Betriebsteam."
    ),
    # Accounts and audit (zakid_metrics.auth, zakid_metrics.audit): roles and login errors
    "role.viewer": "Lesen",
    "role.analyst": "Analyse",
    "role.admin": "Administration",
    "error.auth_error": "Die Anmeldung konnte nicht geprüft werden.",
    "error.auth_error.hint": "Die technische Angabe unten nennt den Grund.",
    "error.login_failed": "Benutzername oder Passwort ist falsch.",
    "error.login_failed.hint": (
        "Bitte beides prüfen und erneut versuchen. Nach {attempts} Fehlversuchen wird das Konto "
        "für bis zu {minutes} Minuten gesperrt."
    ),
    "error.account_locked": "Zu viele Fehlversuche: Das Konto ist vorübergehend gesperrt.",
    "error.account_locked.hint": (
        "Versuchen Sie es in {minutes} Minute(n) erneut oder wenden Sie sich an die Administration."
    ),
    "error.account_disabled": "Dieses Konto ist deaktiviert.",
    "error.account_disabled.hint": "Die Administration kann es wieder freischalten.",
    "error.password_policy": "Das Passwort ist zu kurz.",
    "error.password_policy.hint": (
        "Es muss mindestens {min_length} Zeichen lang sein, z. B. ein Satz aus vier oder mehr "
        "Wörtern."
    ),
    "error.user_store": "Die Benutzerverwaltung konnte die Änderung nicht ausführen.",
    "error.user_store.hint": (
        "Die technische Angabe unten nennt den Grund und den nächsten Schritt."
    ),
    "error.audit_error": "Das Prüfprotokoll kann nicht geschrieben werden.",
    "error.audit_error.hint": (
        "Bitte das Betriebsteam informieren: Das Datenverzeichnis muss für die App "
        "beschreibbar sein."
    ),
    # Disclosure control (zakid_metrics.disclosure)
    "disclosure.legend": (
        "„.“ = Zahlenwert geheim zu halten (weniger als {k_min} Fälle, oder ein einzelner Beitrag "
        "macht mehr als {share} des Werts aus, oder der Wert ließe sich sonst aus den Summen "
        "errechnen)."
    ),
    "error.disclosure_error": "Die Tabelle kann nicht für die Veröffentlichung geschützt werden.",
    "error.disclosure_error.hint": "Die technische Angabe unten nennt, was an ihr nicht stimmt.",
    # Telemetry readings (pipelines.collector): reasons for rejected readings
    "reason.not_a_timestamp": "„{value}“ in „{column}“ ist kein Zeitstempel nach RFC 3339 mit Zeitzonenversatz. Erwartet z. B. 2026-11-24T14:05:00+01:00.",
    "reason.not_text": "„{value}“ in „{column}“ ist kein Text.",
    "reason.required_when_positive": "„{column}“ ist Pflicht, wenn „{when}“ größer als 0 ist (hier {when_value}).",
    "reason.less_than_field": "„{column}“ ({value}) darf nicht kleiner als „{other}“ ({other_value}) sein.",
    "reason.ts_in_future": "„{value}“ in „{column}“ liegt mehr als {minutes} Minuten in der Zukunft (empfangen um {now}). Bitte die Uhr des Geräts prüfen.",
    "reason.foreign_device": "Der Messwert gehört zu Gerät „{value}“, das Token aber zu Gerät „{device}“. Messwerte jedes Geräts mit dessen eigenem Token senden.",
    "reason.unknown_device": "„{value}“ in „{column}“ ist kein registriertes Gerät. Bitte zuerst in devices.csv liefern.",
    # Dashboard (zakid_metrics/dashboard): app.* shell, page.<page> navigation titles,
    # <page>.* page texts, column.<column> table headers, <kind>.<value> value labels,
    # and the components' download.*, table.*, start.* and error.<code>(.hint) texts
    "app.title": "ZaKI.D Wirkungsmonitor",
    "app.internal": "Interne Ansicht",
    "app.public_not_built": (
        "Das öffentliche Dashboard ist noch nicht gebaut. Diese Instanz läuft im öffentlichen "
        "Modus (ZAKID_MODE=public) und zeigt deshalb noch nichts an; die interne Ansicht startet "
        "mit ZAKID_MODE=internal."
    ),
    "page.data_status": "Datenstand",
    "column.entity": "Datenart",
    "column.rows": "Datensätze",
    "column.stale_rows": "davon veraltet",
    "column.last_file": "Letzte Datei",
    "column.last_loaded_at": "Zuletzt geladen",
    "column.age_days": "Alter (Tage)",
    "column.freshness": "Aktualität",
    "column.run_id": "Lauf",
    "column.started_at": "Beginn",
    "column.finished_at": "Ende",
    "column.status": "Status",
    "column.triggered_by": "Ausgelöst von",
    "column.files": "Dateien",
    "column.rows_read": "Gelesen",
    "column.rows_loaded": "Geladen",
    "column.rows_rejected": "Abgelehnt",
    "column.rows_duplicate": "Duplikate",
    "column.file": "Datei",
    "column.errors": "Fehler",
    "column.warnings": "Hinweise",
    "column.line": "Zeile",
    "column.column": "Spalte",
    "column.value": "Wert",
    "column.reason": "Grund",
    "freshness.current": "aktuell",
    "freshness.overdue": "überfällig",
    "freshness.never": "nie geliefert",
    "run_status.ok": "erfolgreich",
    "run_status.partial": "teilweise",
    "run_status.failed": "fehlgeschlagen",
    "file_status.loaded": "geladen",
    "file_status.unchanged": "unverändert",
    "file_status.failed": "fehlgeschlagen",
    "file_status.skipped": "übersprungen",
    "download.csv": "CSV",
    "download.csv.help": (
        "Als CSV herunterladen (Semikolon und Dezimalkomma wie im deutschen Excel)"
    ),
    "download.xlsx": "Excel",
    "download.xlsx.help": "Als Excel-Arbeitsmappe (XLSX) herunterladen",
    "table.empty": "Keine Einträge.",
    "start.title": "Noch keine Daten geladen",
    "start.body": (
        "Im Datenverzeichnis `{data_dir}` gibt es noch keinen veröffentlichten Datenbestand. "
        "Laden Sie zuerst eine Lieferung, zum Beispiel die mitgelieferte Beispiellieferung."
    ),
    "start.make_run": (
        "Alles in einem Schritt: richtet die Umgebung ein, lädt beim ersten Start die "
        "Beispiellieferung und startet die App."
    ),
    "start.ingest": "Oder nur die Lieferung laden und danach diese Seite neu laden:",
    "start.own_delivery": (
        "Eigene Lieferungen (CSV oder XLSX) laden Sie genauso, mit ihrem Ordner statt "
        "`data/sample`. Welche Dateien und Spalten erwartet werden, steht in docs/CONTRACT.md."
    ),
    "error.details": "Technische Angabe (englisch)",
    "error.unexpected": "Beim Anzeigen dieser Seite ist ein unerwarteter Fehler aufgetreten.",
    "error.unexpected.hint": (
        "Laden Sie die Seite neu. Tritt der Fehler wieder auf, melden Sie ihn bitte mit der "
        "Uhrzeit {time} an das Betriebsteam; die Einzelheiten stehen im Server-Protokoll."
    ),
    "error.zakid_error": "Die Anfrage konnte nicht ausgeführt werden.",
    "error.zakid_error.hint": "Die technische Angabe unten nennt den nächsten Schritt.",
    "error.warehouse_error": "Der veröffentlichte Datenbestand kann nicht gelesen werden.",
    "error.warehouse_error.hint": (
        "Laden Sie die Lieferung neu (python -m pipelines ingest data/sample oder Ihr "
        "Lieferordner). Nennt die technische Angabe unten eine neuere Schema-Version, "
        "aktualisieren Sie die Software (git pull && make setup)."
    ),
    "error.load_in_progress": "Gerade läuft ein anderer Ladevorgang.",
    "error.load_in_progress.hint": "Warten Sie, bis er fertig ist, und laden Sie die Seite neu.",
    "data_status.as_of": (
        "Veröffentlichter Stand aus Ladelauf {run_id}, veröffentlicht am {published_at} "
        "({timezone})."
    ),
    "data_status.metric.as_of": "Stand vom",
    "data_status.metric.rows": "Datensätze",
    "data_status.metric.stale": "Veraltete Datensätze",
    "data_status.metric.overdue": "Überfällige Datenarten",
    "data_status.metric.rejected": "Abgelehnte Zeilen",
    "data_status.metric.rejected.help": (
        "Im Ladelauf {run_id}, aus dem der veröffentlichte Stand stammt."
    ),
    "data_status.entities": "Datenarten",
    "data_status.entities.caption": (
        "Überfällig heißt: Die letzte Lieferung ist älter als {days} Tage. Veraltete Datensätze "
        "wurden in einer neueren Lieferung abgelehnt; bis zur Korrektur gilt ihr voriger "
        "gültiger Stand."
    ),
    "data_status.runs": "Ladeläufe",
    "data_status.runs.caption": (
        "Die letzten {count} Ladeläufe, der neueste zuerst; Zeiten in {timezone}."
    ),
    "data_status.run": "Ladelauf für Dateien und abgelehnte Zeilen",
    "data_status.run_option": "Lauf {run_id} · {finished_at} · {status}",
    "data_status.files": "Dateien von Lauf {run_id}",
    "data_status.rejected": "Abgelehnte Zeilen von Lauf {run_id}",
    "data_status.rejected.entity": "Datenart",
    "data_status.rejected.all": "Alle Datenarten",
    "data_status.rejected.summary": "Abgelehnte Zeilen: {rows} · Beanstandungen: {problems}",
    "data_status.rejected.none": "In diesem Lauf wurde keine Zeile abgelehnt.",
    "data_status.overdue": "Letzte Lieferung älter als {days} Tage: {entities}.",
    "data_status.never": "Noch nie geliefert: {entities}.",
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
    "reason.unknown_reference": "„{value}“ in „{column}“: {target} mit dieser Kennung gibt es weder in dieser Lieferung noch im Bestand.",
    "reason.rejected_reference": "„{value}“ in „{column}“: Die Zeile dazu ({target}) wurde abgelehnt oder ist veraltet; bitte zuerst diese korrigieren.",
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
