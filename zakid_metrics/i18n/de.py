"""German texts (the default language). Keys must match en.py; a test checks it."""

MESSAGES: dict[str, str] = {
    "fleet.inferences": "Inferenzen im Zeitfenster",
    # Live fleet (zakid_metrics/dashboard/components/fleet.py)
    "fleet.window": "Zeitfenster",
    "fleet.window.15m": "Letzte 15 Minuten",
    "fleet.window.1h": "Letzte Stunde",
    "fleet.window.24h": "Letzte 24 Stunden",
    "fleet.window.7d": "Letzte 7 Tage",
    "fleet.window.custom": "Eigener Zeitraum",
    "fleet.pause": "Aktualisierung pausieren",
    "fleet.days": "Tage (von – bis)",
    "fleet.days.pick_end": "Bitte auch den letzten Tag wählen.",
    "fleet.freshness": "Stand {computed} · letzte Messung empfangen {received} · Fenster {start} bis {end} · {refresh}",
    "fleet.refresh": "aktualisiert sich alle {s} s",
    "fleet.paused": "pausiert",
    "fleet.no_telemetry": "Noch keine Telemetrie: Es hat noch kein Gerät Messwerte gesendet. Starten Sie den Collector und die Geräte (oder `make run`, das beides samt simulierter Flotte startet).",
    "fleet.online_of": "von {fleet} Geräten der Flotte · {offline} offline",
    "fleet.readings": "{readings} Messwerte · {degraded} eingeschränkt · {error} Fehler",
    "fleet.latency_mean": "Mittel {mean} ms · schlechtestes p95 {worst} ms",
    "fleet.deployments": "über {count} Einsätze",
    "fleet.alerts": "Hinweise",
    "fleet.alerts.none": "Alles in Ordnung: kein Gerät offline, kein Latenzziel verletzt, keine Fehlermeldung.",
    "fleet.alerts.more": "… und {count} weitere (siehe Gerätetabelle).",
    "fleet.alert.offline": "{device} ({deployment}) ist offline, zuletzt gemeldet {since}.",
    "fleet.alert.slo_breach": "{device} ({deployment}): p95-Latenz {p95} ms über dem Ziel von {slo} ms.",
    "fleet.alert.error": "{device} ({deployment}) meldet {count}-mal den Status Fehler.",
    "fleet.latency_chart": "Latenz (nach Inferenzen gewichtet)",
    "fleet.inferences_chart": "Inferenzen",
    "fleet.series.latency_ms_mean": "Mittel (ms)",
    "fleet.series.latency_ms_p95": "p95 (ms)",
    "fleet.series.inferences": "Inferenzen",
    "fleet.devices": "Geräte",
    "fleet.devices.caption": "Online: letzter Messwert höchstens drei Meldeintervalle alt. Zustand: der schlechteste Status der letzten gemeldeten Minute. Latenz und Inferenzen im gewählten Zeitfenster.",
    "fleet_status.online": "online",
    "fleet_status.offline": "offline",
    "fleet_status.never": "nie gemeldet",
    "reading_status.ok": "in Ordnung",
    "reading_status.degraded": "eingeschränkt",
    "reading_status.error": "Fehler",
    "column.condition": "Zustand",
    "column.last_seen": "Zuletzt gemeldet",
    "column.readings": "Messwerte",
    "column.inferences": "Inferenzen",
    "column.latency_ms_mean": "Latenz Mittel (ms)",
    "column.latency_ms_p95": "Latenz p95 (ms)",
    "column.readings_error": "Fehlermeldungen",
    "column.bucket": "Zeit",
    # Open data, public app, login, device tokens (pipelines/export.py, open_data/,
    # dashboard/public_pages, components/public.py, components/login.py, app_pages/devices.py)
    "open_data.catalog.title": "ZaKI.D Wirkungsmonitor – offene Daten",
    "open_data.catalog.description": (
        "Zusammengefasste Kennzahlen des Duisburger Zentrums für angewandte eingebettete KI "
        "(ZaKI.D: Stadt Duisburg, Fraunhofer IMS, Universität Duisburg-Essen, Krohne): "
        "Arbeitsplätze, beteiligte Unternehmen, Projekte, KI-Einsätze, Beiträge zu den "
        "UN-Nachhaltigkeitszielen und Lehre. Kleine Fallzahlen und dominierte Werte sind nach der "
        "statistischen Geheimhaltung unterdrückt (suppressed = true, Wert leer)."
    ),
    "open_data.dataset.key_figures": "Kennzahlen",
    "open_data.dataset.key_figures.description": (
        "Die öffentlichen Kennzahlen des Zentrums am Stichtag, je eine Zeile, jede aus einer "
        "veröffentlichten Zelle der übrigen Tabellen abgeleitet."
    ),
    "open_data.dataset.targets": "Ziele",
    "open_data.dataset.targets.description": (
        "Die Ziele und Meilensteine des Förderantrags für die öffentlichen Kennzahlen."
    ),
    "open_data.dataset.jobs": "Arbeitsplätze",
    "open_data.dataset.jobs.description": (
        "Bis zum Stichtag geschaffene und am Stichtag bestehende Arbeitsplätze nach Kategorie "
        "(projektbezogen im Zentrum, extern in Unternehmen) und Qualifikation."
    ),
    "open_data.dataset.companies": "Beteiligte Unternehmen",
    "open_data.dataset.companies.description": (
        "Unternehmen mit mindestens einem Projekt bis zum Stichtag nach Größenklasse (EU-KMU-"
        "Definition), je Merkmal (Handwerk, Start-up, Ausgründung der UDE, Sitz in Duisburg) "
        "als eigene Tabelle mit ja/nein."
    ),
    "open_data.dataset.companies_named": "Namentlich genannte Unternehmen",
    "open_data.dataset.companies_named.description": (
        "Beteiligte Unternehmen, die der Nennung ihres Namens zugestimmt haben, mit Größenklasse "
        "und den Anwendungsfeldern ihrer Projekte."
    ),
    "open_data.dataset.projects": "Projekte",
    "open_data.dataset.projects.description": (
        "Bis zum Stichtag begonnene Transferprojekte nach Status und Anwendungsfeld."
    ),
    "open_data.dataset.deployments": "KI-Einsätze",
    "open_data.dataset.deployments.description": (
        "Am Stichtag aktive KI-Einsätze nach Geräteklasse und Datenschutzregel; ein Einsatz mit "
        "Geräten mehrerer Klassen zählt in jeder dieser Klassen und einmal in jeder Summe."
    ),
    "open_data.dataset.sdg_contributions": "Beiträge zu den Nachhaltigkeitszielen",
    "open_data.dataset.sdg_contributions.description": (
        "Bis zum Stichtag gemeldete Beiträge zu den 17 UN-Nachhaltigkeitszielen nach Ziel, "
        "verifiziert und nicht verifiziert."
    ),
    "open_data.dataset.sdg_effects": "Vermiedene Emissionen und eingesparte Energie",
    "open_data.dataset.sdg_effects.description": (
        "Summen der gemeldeten Beiträge in t CO2e/a und MWh/a, verifiziert und nicht verifiziert; "
        "die Dominanzregel schützt den Beitrag jedes einzelnen Unternehmens."
    ),
    "open_data.dataset.courses": "Lehre",
    "open_data.dataset.courses.description": (
        "Lehrveranstaltungen zu Embedded AI, Eingeschriebene und Abschlüsse nach Semester; "
        "Zahlen unter drei Personen sind unterdrückt."
    ),
    "open_data.dataset.fleet": "Gerätepark",
    "open_data.dataset.fleet.description": (
        "Zusammenfassung der Telemetrie aller Geräte über 24 Stunden: Geräte online, "
        "Inferenzen, Beschleunigung gegenüber der Cloud, auf dem Gerät verbliebene Daten."
    ),
    "open_data.column.kpi_id": "Kennung der Kennzahl (KPIS.md)",
    "open_data.column.unit": "Einheit: count, share (0–1), ratio, t_co2e_per_year, mwh_per_year",
    "open_data.column.value": "Wert; leer, wo unterdrückt",
    "open_data.column.suppressed": "true, wenn der Wert der Geheimhaltung unterliegt",
    "open_data.column.due_on": "Fälligkeit des Ziels (ISO-Datum)",
    "open_data.column.target_value": "Zielwert",
    "open_data.column.measure": "Was gezählt oder summiert wird",
    "open_data.column.category": "project_related (im Zentrum) oder external (in Unternehmen)",
    "open_data.column.qualification": "academic, vocational, other oder unknown",
    "open_data.column.breakdown": "Merkmal: craft, startup, ude_spinoff oder in_duisburg",
    "open_data.column.size_class": "Größenklasse: micro, small, medium, large",
    "open_data.column.group": "yes oder no: ob das Unternehmen das Merkmal hat",
    "open_data.column.name": "Name des Unternehmens (mit seiner Zustimmung)",
    "open_data.column.use_cases": "Anwendungsfelder seiner Projekte, durch „; “ getrennt",
    "open_data.column.status": "Projektstatus: inquiry, feasibility, pilot, production, completed, cancelled",
    "open_data.column.use_case": "Anwendungsfeld des Projekts",
    "open_data.column.device_class": "Geräteklasse (no_devices: ohne gemeldete Geräte)",
    "open_data.column.data_policy": "Datenschutzregel: on_device_only, aggregates_only, raw_upload",
    "open_data.column.sdg_goal": "Nummer des Nachhaltigkeitsziels (1–17)",
    "open_data.column.verified": "yes oder no: ob der Beitrag verifiziert ist",
    "open_data.column.semester": "Semester, z. B. WS 2025/26",
    "error.open_data": "Die offenen Daten können nicht gelesen werden.",
    "error.open_data.hint": "Erstellen Sie den Export neu: python -m pipelines export",
    "error.public_mode": "Die öffentliche Ansicht darf den internen Datenbestand nicht lesen.",
    "error.public_mode.hint": "Bitte melden Sie diesen Fehler dem Betriebsteam.",
    "error.export_error": "Die offenen Daten können nicht erstellt werden.",
    "error.export_error.hint": "Die technische Angabe unten nennt den Grund.",
    "error.unknown_device": "Dieses Gerät ist im Datenbestand nicht bekannt.",
    "error.unknown_device.hint": "Liefern Sie es in devices.csv und laden Sie die Lieferung.",
    "error.no_token": "Dieses Gerät hat keinen gültigen Zugang.",
    "error.no_token.hint": "Es gibt nichts zu widerrufen.",
    # The collector's answers to devices and the simulator's (pipelines.collector, .simulate)
    "error.not_durable": "Die Messwerte konnten nicht sicher gespeichert werden und wurden nicht angenommen.",
    "error.not_durable.hint": "Das Gerät sendet sie gleich noch einmal. Bleibt der Fehler, prüfen Sie, ob der Collector genug freien Speicherplatz hat.",
    "error.request_error": "Der Collector hat die Sendung eines Geräts abgelehnt.",
    "error.request_error.hint": "Die technische Angabe unten nennt den Grund.",
    "error.unauthorized": "Das Gerät hat sich nicht mit einem gültigen Zugang gemeldet.",
    "error.unauthorized.hint": "Stellen Sie einen neuen Zugang aus (Seite Gerätezugänge oder python -m pipelines devices token GERÄT) und tragen Sie ihn im Gerät ein.",
    "error.too_large": "Die Sendung des Geräts ist zu groß (mehr als 5 MB).",
    "error.too_large.hint": "Das Gerät muss seine Messwerte in kleineren Paketen senden.",
    "error.body_timeout": "Die Sendung des Geräts ist vor ihrem Ende ins Stocken geraten.",
    "error.body_timeout.hint": "Bitte die Netzverbindung des Geräts prüfen; es muss die ganze Sendung ohne lange Pausen senden.",
    "error.malformed_body": "Die Sendung des Geräts ist nicht lesbar.",
    "error.malformed_body.hint": "Das Gerät muss eine JSON-Liste von Messwerten senden oder NDJSON: einen Messwert je Zeile.",
    "error.unsupported_encoding": "Die Sendung des Geräts ist komprimiert (Content-Encoding); das liest der Collector nicht.",
    "error.unsupported_encoding.hint": "Das Gerät muss seine Messwerte unkomprimiert senden.",
    "error.collector_unreachable": "Der Collector ist nicht erreichbar.",
    "error.collector_unreachable.hint": "Die Messwerte gehen nicht verloren, sie werden später gesendet. Prüfen Sie, ob der Collector läuft (make run startet ihn).",
    "page.open_data": "Offene Daten",
    "page.devices": "Gerätezugänge",
    "device_class.no_devices": "ohne Geräte",
    "public.overview.more": "Weitere Kennzahlen",
    "public.overview.title": "ZaKI.D – was das Zentrum bewirkt",
    "public.overview.intro": (
        "Das Zentrum für angewandte eingebettete KI in Duisburg (ZaKI.D) – getragen von der Stadt "
        "Duisburg, dem Fraunhofer IMS, der Universität Duisburg-Essen und Krohne – hat "
        "versprochen: rund 30 Arbeitsplätze im Zentrum und 500 gut bezahlte Arbeitsplätze in "
        "Unternehmen, KI in Produkten von Mittelstand und Handwerk, Datenschutz und schnelle "
        "Reaktion durch KI direkt auf dem Gerät, Beiträge zu fast allen UN-Nachhaltigkeitszielen "
        "und neue Lehre. Hier steht, wie weit es ist."
    ),
    "public.overview.ai_and_sdgs": "KI im Einsatz und Nachhaltigkeit",
    "public.overview.protection": (
        "Alle Zahlen sind zusammengefasst. Wo eine Zahl Rückschlüsse auf ein einzelnes "
        "Unternehmen oder eine einzelne Person erlauben würde, steht ein Punkt („.“) – so wie in "
        "der amtlichen Statistik."
    ),
    "public.no_export": (
        "Die offenen Daten sind noch nicht veröffentlicht. Sobald das Team sie veröffentlicht "
        "hat (python -m pipelines export), erscheinen sie hier."
    ),
    "public.as_of": "Stand: {as_of} · Herausgeber: {publisher}",
    "public.license": "Lizenz: {license}",
    "public.target": "Ziel: {target} bis {due_on}",
    "public.progress": "{share} % des Ziels",
    "public.total": "insgesamt",
    "public.flag.yes": "ja",
    "public.flag.no": "nein",
    "public.header.measure": "Kennzahl",
    "public.header.group": "Merkmal vorhanden",
    "public.breakdown.craft": "Handwerk",
    "public.breakdown.startup": "Start-ups",
    "public.breakdown.ude_spinoff": "Ausgründungen der UDE",
    "public.breakdown.in_duisburg": "mit Sitz in Duisburg",
    "public.measure.created": "geschaffen",
    "public.measure.existing": "bestehend",
    "public.measure.courses": "Lehrveranstaltungen",
    "public.measure.enrolled": "Eingeschriebene",
    "public.measure.completed": "Abschlüsse",
    "public.unit.t_co2e_per_year": "t CO₂e/a",
    "public.unit.mwh_per_year": "MWh/a",
    "public.kpi.devices_online": "Geräte online",
    "public.kpi.inferences_24h": "Inferenzen in 24 Stunden",
    "public.kpi.speedup_vs_cloud": "Schneller als die Cloud (Median)",
    "public.kpi.data_kept_on_device_share": "Daten, die auf dem Gerät bleiben",
    "public.chart_summary": "Das Diagramm „{title}“ zeigt: {items}.",
    "public.to_open_data": "Alle Zahlen als offene Daten herunterladen",
    "public.jobs.by_qualification": "Geschaffene Arbeitsplätze nach Qualifikation",
    "public.jobs.created_table": "Geschaffene Arbeitsplätze nach Kategorie und Qualifikation",
    "public.jobs.existing": "Am Stichtag bestehende Arbeitsplätze",
    "public.jobs.note": (
        "Projektbezogen: Stellen im Zentrum selbst; extern: in Unternehmen geschaffene Stellen. "
        "Gehälter werden nie einzeln gezeigt, nur als Anteil gut bezahlter Stellen über viele "
        "Arbeitgeber."
    ),
    "public.companies.by_size": "Beteiligte Unternehmen nach Größenklasse",
    "public.companies.companies": "Unternehmen",
    "public.companies.table": "Beteiligte Unternehmen nach Größenklasse und Merkmal",
    "public.companies.named": "Unternehmen, die genannt werden möchten",
    "public.companies.named.caption": (
        "{count} Unternehmen haben der Nennung zugestimmt; alle anderen bleiben ungenannt."
    ),
    "public.companies.named.none": "Bisher hat kein Unternehmen der Nennung zugestimmt.",
    "public.companies.use_cases": "Anwendungsfelder",
    "public.projects.by_status": "Projekte nach Status",
    "public.projects.projects": "Projekte",
    "public.projects.table": "Projekte nach Anwendungsfeld und Status",
    "public.sdg.by_goal": "Beiträge zu den UN-Nachhaltigkeitszielen",
    "public.sdg.verified": "verifiziert",
    "public.sdg.unverified": "nicht verifiziert",
    "public.sdg.effects": "Vermiedene Emissionen und eingesparte Energie",
    "public.sdg.effects.note": (
        "Die Kennzahlen zählen nur verifizierte Beiträge. Ein Punkt steht, wo ein einzelnes "
        "Unternehmen den Wert bestimmt."
    ),
    "public.ai.by_class": "Aktive KI-Einsätze nach Geräteklasse",
    "public.ai.deployments": "KI-Einsätze",
    "public.ai.table": "Aktive KI-Einsätze nach Geräteklasse und Datenschutzregel",
    "public.ai.note": (
        "„nur auf dem Gerät“ und „nur Aggregate“ schützen die Daten: Rohdaten verlassen das "
        "Gerät nicht. Ein Einsatz mit Geräten mehrerer Klassen zählt in jeder dieser Klassen."
    ),
    "public.ai.fleet": "Der Gerätepark",
    "public.ai.no_fleet": "Es liegen noch keine Telemetriedaten der Geräte vor.",
    "public.ai.window": "Die 24 Stunden von {start} bis {end}.",
    "public.education.by_semester": "Eingeschriebene und Abschlüsse nach Semester",
    "public.education.table": "Lehrveranstaltungen, Eingeschriebene und Abschlüsse nach Semester",
    "public.education.note": (
        "Wer mehrere Veranstaltungen belegt, zählt mehrfach. Abschlüsse eines laufenden Semesters "
        "werden erst nach seinem Ende gemeldet."
    ),
    "public.open_data.intro": (
        "Jede Tabelle gibt es als CSV (UTF-8, Komma, Dezimalpunkt), JSON und Parquet, dazu die "
        "Metadaten nach DCAT-AP.de. Die Dateien sind bei gleicher Datenlage Byte für Byte gleich."
    ),
    "public.open_data.license": (
        "Lizenz: {license} ({license_id}), {url}. Quellenvermerk: „{publisher}, {license_id}“ "
        "mit Verweis auf den Datensatz."
    ),
    "public.open_data.suppressed": (
        "Unterdrückte Werte sind leer und in der Spalte suppressed mit true markiert; auf den "
        "Seiten steht dafür ein Punkt („.“)."
    ),
    "public.open_data.file": "{file}, {size} Byte · dauerhafte Adresse: {url}",
    "public.open_data.addresses": (
        "Jede Datei hat eine dauerhafte Adresse zum Verlinken und Abholen (unter jeder "
        "Schaltfläche). Offene-Daten-Portale lesen den Katalog (DCAT-AP.de) unter {catalogue}; "
        "er nennt jede Datei mit ihrer Adresse und Prüfsumme (SHA-256)."
    ),
    "public.open_data.metadata": "Metadaten",
    "public.open_data.metadata.text": (
        "Katalog, Datensätze und Dateien mit Titel, Beschreibung, Lizenz, Herausgeber, Zeitraum, "
        "Format, Medientyp, Größe und SHA-256-Prüfsumme (JSON-LD, DCAT-AP.de)."
    ),
    "login.title": "Anmelden",
    "login.name": "Benutzername",
    "login.password": "Passwort",
    "login.password_repeat": "Passwort wiederholen",
    "login.submit": "Anmelden",
    "login.logout": "Abmelden",
    "login.signed_in": "Angemeldet als {name} ({role})",
    "login.expired": (
        "Ihre Sitzung ist nach {minutes} Minuten ohne Aktivität abgelaufen. Bitte melden Sie "
        "sich erneut an."
    ),
    "login.first.title": "Erstes Administrationskonto anlegen",
    "login.first.local": (
        "Es gibt noch kein Konto. Da dieser Browser auf dem Server selbst läuft, können Sie hier "
        "das erste Administrationskonto anlegen (mindestens 12 Zeichen Passwort)."
    ),
    "login.first.remote": (
        "Es gibt noch kein Konto. Das erste Administrationskonto kann nur ein Browser auf dem "
        "Server selbst anlegen, oder jemand mit Zugang zum Server mit diesem Befehl:"
    ),
    "login.first.submit": "Konto anlegen und anmelden",
    "login.first.mismatch": "Die beiden Passwörter stimmen nicht überein.",
    "login.oidc": "Mit Single Sign-on anmelden",
    "login.oidc.no_account": (
        "Sie sind als {name} angemeldet, haben aber kein Konto für diese Anwendung. Bitten Sie "
        "die Administration, es anzulegen:"
    ),
    "table.download_restricted": "Herunterladen dürfen diese Zeilen nur Analyse und Administration.",
    "devices.intro": (
        "Jedes Gerät meldet seine Telemetrie mit einem eigenen Zugang (Token). Ein neuer Zugang "
        "ersetzt den alten sofort; ein widerrufener wird vom Collector sofort abgewiesen."
    ),
    "page.admin_only": "Diese Seite ist der Administration vorbehalten.",
    "devices.none": "Der Datenbestand enthält noch keine Geräte.",
    "devices.device": "Gerät",
    "devices.issue": "Zugang ausstellen",
    "devices.replace": "Neuen Zugang ausstellen (ersetzt den alten)",
    "devices.revoke": "Zugang widerrufen",
    "devices.issued": "Neuer Zugang für {device}:",
    "devices.issued.once": (
        "Der Zugang wird nur jetzt angezeigt und nirgends im Klartext gespeichert. Hinterlegen "
        "Sie ihn auf dem Gerät."
    ),
    "devices.revoked": "Der Zugang von {device} ist widerrufen.",
    "devices.state.none": "ohne Zugang",
    "devices.state.active": "aktiv",
    "devices.state.revoked": "widerrufen",
    "column.device_id": "Gerät",
    "column.token": "Zugang",
    "column.issued_at": "ausgestellt (UTC)",
    "column.revoked_at": "widerrufen (UTC)",
    # Telemetry (zakid_metrics.telemetry, pipelines.telemetry_history): units of the fleet
    # KPIs, history file errors
    "unit.ms": "Millisekunden",
    "unit_symbol.ms": "ms",
    "unit.milliwatt_hours": "Milliwattstunden",
    "unit_symbol.milliwatt_hours": "mWh",
    "file_error.naive_timestamps": "{file}: Die Spalte ts enthält Zeiten ohne Zeitzone. Schreiben Sie ts als Zeitstempel mit Zeitzone (UTC) oder als RFC-3339-Text mit Versatz, z. B. 2026-11-24T14:05:00+01:00.",
    "file_error.broken_parquet": "{file} ist keine lesbare Parquet-Datei (beschädigt oder unvollständig). Schreiben Sie sie neu oder exportieren Sie die Messwerte als CSV.",
    "error.telemetry_window": "Dieses Zeitfenster kann nicht angezeigt werden.",
    "error.telemetry_window.hint": "Wählen Sie ein Ende nach dem Beginn und höchstens 31 Tage.",
    # Funder reports (zakid_metrics.reports, dashboard/components/reports.py): reports.*,
    # the report columns and the reports' error.<code> texts
    "reports.generate": "Nachweis erstellen",
    "reports.kind": "Art des Nachweises",
    "reports.kind.interim": "Zwischennachweis (ein Kalenderjahr einer Zuwendung)",
    "reports.kind.final": "Verwendungsnachweis (ganze Laufzeit einer Zuwendung)",
    "reports.kind.summary": "Verbundübersicht (alle Zuwendungen)",
    "reports.grant": "Förderkennzeichen",
    "reports.year": "Jahr",
    "reports.all_years": "Gesamte Laufzeit",
    "reports.no_grants": "Der Datenbestand enthält keine Zuwendungen. Laden Sie zuerst eine Lieferung mit grants.csv.",
    "reports.no_interim_year": "Für diese Zuwendung hat zum Datenstand noch kein Kalenderjahr mit Zwischennachweis begonnen.",
    "reports.not_allowed": "Nachweise erstellen dürfen nur Konten mit der Rolle Analyse oder Administration.",
    "reports.create": "Erstellen",
    "reports.create.help": "Erstellt Excel-Arbeitsmappe, PDF und Manifest aus dem veröffentlichten Datenstand (Snapshot {snapshot}); derselbe Datenstand ergibt dieselben Dateien.",
    "reports.step.read": "Daten aus dem Datenstand lesen …",
    "reports.step.xlsx": "Excel-Arbeitsmappe erstellen …",
    "reports.step.pdf": "PDF erstellen …",
    "reports.step.write": "Dateien speichern …",
    "reports.done": "{title} erstellt aus Snapshot {snapshot}.",
    "reports.download.pdf": "PDF",
    "reports.download.xlsx": "Excel",
    "reports.download.manifest": "Manifest",
    "reports.generated": "Erstellte Nachweise",
    "reports.generated.none": "Im Ordner {folder} liegt noch kein Nachweis.",
    "reports.generated.caption": "Nachweise im Ordner {folder}. Die Snapshot-ID nennt Ladelauf und Zeitpunkt des Datenstands, aus dem sie erstellt wurden; das Manifest die verwendeten Dateien mit ihren Prüfsummen.",
    "reports.generated.choice": "Nachweis zum Herunterladen",
    "reports.as_of": "Stand",
    "column.report_title": "Nachweis",
    "column.report_as_of": "Stand",
    "column.report_snapshot": "Snapshot-ID",
    "column.report_files": "Dateien",
    "error.report_error": "Dieser Nachweis kann so nicht erstellt werden.",
    "error.report_error.hint": "Die technische Angabe unten nennt den Grund.",
    "error.unknown_grant": "Die Zuwendung „{grant_id}“ gibt es im Datenbestand nicht.",
    "error.unknown_grant.hint": "Bekannte Förderkennzeichen: {known}.",
    "error.report_period": "Für das Jahr {year} gibt es keinen solchen Nachweis.",
    "error.report_period.hint": "Mögliche Jahre: {valid}. Das letzte, angebrochene Jahr einer Zuwendung deckt der Verwendungsnachweis ab.",
    "error.report_write": "Die Dateien des Nachweises können nicht gespeichert werden.",
    "error.report_write.hint": "Das Datenverzeichnis muss für die App beschreibbar sein; bitte das Betriebsteam informieren.",
    # Dashboard pages (issue 3): page.<page>, <page>.*, tiles, dates, charts' labels, columns
    "page.overview": "Übersicht",
    "page.jobs": "Arbeitsplätze",
    "page.companies": "Unternehmen & Projekte",
    "page.embedded_ai": "Eingebettete KI",
    "page.sustainability": "Nachhaltigkeit",
    "page.education": "Bildung",
    "page.finance": "Finanzen",
    "page.upload": "Lieferung hochladen",
    "dates.as_of": "Stichtag",
    "dates.as_of.help": "Der Tag, dessen Stand alle Kennzahlen zeigen (Daten von {first} bis {last}).",
    "dates.period": "Zeitraum",
    "dates.period.help": "Begrenzt die Finanzkennzahlen (Plan und Ausgaben); voreingestellt ist die Förderlaufzeit {start}–{end}.",
    "dates.caption": "Stichtag {as_of} · Zeitraum {start}–{end}",
    "unit_symbol.share": "%",
    "unit_symbol.eur": "€",
    "unit_symbol.days": "Tage",
    "unit_symbol.fte": "VZÄ",
    "unit_symbol.t_co2e_per_year": "t CO₂e/a",
    "unit_symbol.mwh_per_year": "MWh/a",
    "tile.target": "Ziel: {value} bis {due_on}",
    "tile.milestone": "Etappe: {value} bis {due_on}",
    "tile.progress_plain": "{share} %",
    "tile.progress": "{share} % des Ziels",
    "tile.no_target": "Kein Ziel festgelegt",
    "tile.as_of": "Stand {as_of}",
    "tile.fresh.current": "Daten aktuell (geliefert {loaded_on})",
    "tile.fresh.overdue": "Daten überfällig: geliefert {loaded_on}, vor {days} Tagen",
    "tile.fresh.never": "noch keine Daten geliefert",
    "tile.stale": "{rows} veraltete Datensätze zählen mit (siehe Datenqualität)",
    "tile.details": "Definition und Daten",
    "tile.definition_facts": "Einheit: {unit} · besser ist: {direction} · Quelle: {sources}",
    "tile.source_rows": "Quelldaten (Stand des Stichtags)",
    "direction.higher": "höher",
    "direction.lower": "niedriger",
    "note.never_delivered": "Noch nie geliefert: {entities}. Die betroffenen Zahlen bleiben leer, bis eine Lieferung sie enthält (Seite „Lieferung hochladen“).",
    "overview.sme_note": "{smes} von {engaged} beteiligten Unternehmen",
    "overview.sdg_of": "{covered} von {goals}",
    "overview.sdg_note": "Ziele mit Beiträgen insgesamt (auch unverifiziert): {reported}",
    "overview.funds_used": "Verausgabte Fördermittel",
    "overview.funds_approved": "Bewilligt: {approved}",
    "overview.funds_note": "Ausgaben × Förderquote, höchstens die Zuwendung; Ausgaben laut Belegliste im Zeitraum: {spent}",
    "overview.jobs_path": "Arbeitsplätze: Ist, Zielpfad und Prognose",
    "overview.jobs_path.caption": "Geschaffene Arbeitsplätze (kumuliert) gegen den Zielpfad aus den Etappenzielen, mit der Prognose bis zum Ende der Förderlaufzeit und ihrem 95-%-Vorhersageintervall.",
    "job_category.project_related": "Projektbezogen",
    "job_category.external": "Extern",
    "jobs.series.actual": "Ist",
    "jobs.series.target": "Zielpfad",
    "jobs.series.forecast": "Prognose",
    "jobs.series.interval": "95-%-Intervall",
    "jobs.status": "Status",
    "jobs.final_target": "Ziel {value} ({due_on})",
    "jobs.no_target": "kein Ziel",
    "jobs.no_forecast": "Für die Prognose fehlen noch Daten.",
    "jobs.p_target": "Wahrscheinlichkeit, das Ziel {target} bis {end_on} zu erreichen",
    "jobs.p_target.no_target": "Kein Ziel zum Förderende",
    "jobs.p_target.help": "Anteil der simulierten Verläufe, die das zum Förderende fällige Ziel erreichen; die Rückrechnung auf simulierten Verläufen steht in docs/FORECAST.md.",
    "jobs.pace": "Nötiges Tempo: {required} je Monat bis zum Förderende · beobachtet: {observed} je Monat (Trend im laufenden Monat)",
    "jobs.chart_alt": "Kumulierte Arbeitsplätze je Kategorie mit Zielpfad und Prognose",
    "jobs.forecast_caption": "Prognose aus den neuen Arbeitsplätzen jedes Monats seit Förderbeginn: Median und 95-%-Vorhersageintervall zum Förderende, mit gebündelten Einstellungen und einem Trend der monatlichen Rate samt seiner Unsicherheit. Status nach der Wahrscheinlichkeit, das Ziel zu erreichen: auf Kurs (mindestens 80 %), gefährdet (mindestens 30 %), nicht auf Kurs (darunter). Methode und Rückrechnung: docs/FORECAST.md.",
    "jobs.fte_note": "{fte} am Stichtag",
    "jobs.fte_jobs": "aus {jobs} bestehenden Arbeitsplätzen",
    "jobs.well_paid_hidden": "Nicht gezeigt: Der Anteil wird erst ab {k} Arbeitsplätzen mit Gehaltsangabe berechnet (Schutz der Gehälter); derzeit {jobs}.",
    "jobs.well_paid_note": "{well_paid} von {jobs} Arbeitsplätzen mit Gehaltsangabe ab {wage} brutto im Jahr",
    "jobs.trajectory": "Verlauf und Prognose",
    "jobs.by_qualification": "Nach Kategorie und Qualifikation",
    "jobs.by_size_class": "Externe Arbeitsplätze nach Unternehmensgröße",
    "jobs.external_jobs": "Externe Arbeitsplätze",
    "jobs.by_size_class.caption": "Geschaffene externe Arbeitsplätze nach der Größenklasse (EU-KMU-Definition) des Unternehmens, bei dem sie entstanden sind.",
    "qualification.academic": "akademisch",
    "qualification.vocational": "beruflich",
    "qualification.other": "sonstige",
    "qualification.unknown": "unbekannt",
    "size_class.micro": "Kleinstunternehmen",
    "size_class.small": "Kleine Unternehmen",
    "size_class.medium": "Mittlere Unternehmen",
    "size_class.large": "Große Unternehmen",
    "companies.spinoffs": "davon UDE-Ausgründungen: {spinoffs}",
    "companies.of_engaged": "{part} von {whole} beteiligten Unternehmen",
    "companies.of_projects": "von {projects} Projekten",
    "companies.pilots": "{production} von {pilot} Projekten ab Pilotphase",
    "companies.by_size": "Beteiligte Unternehmen nach Größenklasse",
    "companies.companies": "Unternehmen",
    "companies.headcount_only": "Davon nur nach Beschäftigtenzahl eingestuft (Umsatz und Bilanzsumme fehlen): {companies}",
    "companies.funnel": "Projekttrichter",
    "companies.funnel.caption": "Projekte nach ihrem aktuellen Status; abgebrochen: {cancelled}. Die Lieferung kennt nur den aktuellen Status, keine Statushistorie.",
    "companies.use_cases": "Projekte nach Anwendungsfall",
    "companies.projects": "Projekte",
    "companies.partners": "Projekte nach Partner",
    "companies.partners.caption": "Ein Projekt mit mehreren Partnern zählt bei jedem.",
    "companies.drilldown": "Drill-down: Unternehmen und Projekte eines Segments",
    "companies.segment": "Segment",
    "companies.segment_summary": "**{companies}** Unternehmen · **{projects}** Projekte",
    "segment.size_class": "Größenklasse",
    "segment.is_craft": "Handwerksbetriebe",
    "segment.is_startup": "Start-ups",
    "segment.ude_spinoff": "UDE-Ausgründungen",
    "segment.in_duisburg": "Unternehmen in Duisburg",
    "segment.use_case": "Anwendungsfall",
    "segment.status": "Projektstatus",
    "segment.partner": "Partner",
    "project_status.inquiry": "Anfrage",
    "project_status.feasibility": "Machbarkeit",
    "project_status.pilot": "Pilot",
    "project_status.production": "Produktion",
    "project_status.completed": "abgeschlossen",
    "project_status.cancelled": "abgebrochen",
    "use_case.predictive_maintenance": "Vorausschauende Wartung",
    "use_case.quality_inspection": "Qualitätsprüfung",
    "use_case.process_optimization": "Prozessoptimierung",
    "use_case.energy_management": "Energiemanagement",
    "use_case.condition_monitoring": "Zustandsüberwachung",
    "use_case.logistics": "Logistik",
    "use_case.other": "Sonstiges",
    "partner.UDE": "Universität Duisburg-Essen",
    "partner.Fraunhofer IMS": "Fraunhofer IMS",
    "partner.Krohne": "Krohne",
    "partner.other": "Sonstige",
    "embedded_ai.privacy_note": "{private} von {live} aktiven Einsätzen: nur auf dem Gerät oder nur Aggregate",
    "embedded_ai.by_device_class": "Aktive Einsätze nach Geräteklasse",
    "embedded_ai.by_device_class.caption": "Ein Einsatz zählt einmal je Geräteklasse, von der er Geräte hat; die Summe kann daher größer sein als die Zahl der Einsätze.",
    "embedded_ai.by_data_policy": "Aktive Einsätze nach Datenregel",
    "embedded_ai.by_data_policy.caption": "Nur auf dem Gerät und nur Aggregate gelten als datenschutzfreundlich; Rohdaten-Upload nicht.",
    "embedded_ai.deployments": "Einsätze",
    "embedded_ai.live": "Aktive Einsätze am Stichtag",
    "embedded_ai.fleet": "Live-Betrieb der Geräteflotte",
    "device_class.microcontroller": "Mikrocontroller",
    "device_class.fpga": "FPGA",
    "device_class.edge_soc": "Edge-SoC",
    "device_class.edge_gpu": "Edge-GPU",
    "device_class.industrial_pc": "Industrie-PC",
    "device_class.smart_sensor": "Smarter Sensor",
    "data_policy.on_device_only": "nur auf dem Gerät",
    "data_policy.aggregates_only": "nur Aggregate",
    "data_policy.raw_upload": "Rohdaten-Upload",
    "sustainability.verified_note": "verifiziert: {verified} · unverifiziert: {unverified}",
    "sustainability.counted": "aus {contributions} verifizierten Beiträgen",
    "sustainability.grid": "Die 17 Nachhaltigkeitsziele",
    "sustainability.grid.caption": "Abgedeckt ist ein Ziel mit mindestens einem verifizierten Beitrag; nur unverifizierte Beiträge zählen noch nicht.",
    "sdg_grid.verified": "verifiziert ({verified})",
    "sdg_grid.unverified": "nur unverifiziert ({unverified})",
    "sdg_grid.none": "keine Beiträge",
    "sdg_grid.legend.verified": "verifiziert: mindestens ein geprüfter Beitrag (volle Farbe)",
    "sdg_grid.legend.unverified": "nur unverifizierte Beiträge (gestreift, gestrichelter Rand)",
    "sdg_grid.legend.none": "keine Beiträge (grau)",
    "sustainability.by_goal": "Beiträge nach Ziel",
    "sustainability.verified": "verifiziert",
    "sustainability.unverified": "unverifiziert",
    "sustainability.contributions": "Beiträge",
    "sustainability.filter": "Prüfstatus",
    "sustainability.filter.all": "Alle Beiträge",
    "sustainability.filter.verified": "Nur verifizierte",
    "sustainability.filter.unverified": "Nur unverifizierte",
    "education.courses": "in {courses} Lehrveranstaltungen",
    "education.reported": "aus {courses} Lehrveranstaltungen mit gemeldeten Abschlüssen",
    "education.by_semester": "Eingeschriebene und Abschlüsse nach Semester",
    "education.enrolled": "Eingeschrieben",
    "education.completed": "Abgeschlossen",
    "education.by_semester.caption": "Semester, die am oder vor dem Stichtag begonnen haben (Sommersemester am 1. April, Wintersemester am 1. Oktober). Abschlüsse eines laufenden Semesters werden meist erst nach seinem Ende gemeldet.",
    "education.courses_table": "Lehrveranstaltungen",
    "finance.grant": "Zuwendung",
    "finance.joint_project": "Gesamtvorhaben (alle Zuwendungen)",
    "finance.joint_caption": "Verbundvorhaben aus {grants} Zuwendungsbescheiden.",
    "finance.grant_caption": "{sub_project} · {programme} · {regime} · Förderquote {rate} % · Laufzeit {starts}–{ends}",
    "finance.no_grant": "Am {as_of} ist noch keine Zuwendung bewilligt.",
    "finance.net_amounts": "Die Zuwendungsempfängerin ist vorsteuerabzugsberechtigt: zuwendungsfähig sind nur die Nettobeträge (Betrag ohne Vorsteuer).",
    "finance.report": "Zahlen des Nachweises",
    "finance.report_choice": "Nachweis",
    "finance.no_report": "Für diese Auswahl gibt es am Stichtag noch keinen Nachweis: Zwischennachweise gibt es für jedes begonnene Kalenderjahr außer dem letzten, den Verwendungsnachweis nach dem Ende der Laufzeit.",
    "finance.period": "Berichtszeitraum {first}–{last}; kumulierte Werte ab Beginn der Laufzeit, Stand der Daten zum Stichtag. Dieselbe Berechnung wie im Nachweis.",
    "finance.figure.total_actual_eur": "Zuwendungsfähige Ausgaben (kumuliert)",
    "finance.figure.grant_share_eur": "Zuwendungsanteil im Zeitraum",
    "finance.figure.received_eur": "Erhaltene Mittel",
    "finance.figure.interest_eur": "Zinsen (§ 49a VwVfG)",
    "finance.figure.refund_due_eur": "Erstattungsbetrag",
    "finance.lines": "Einzelansätze des Finanzierungsplans",
    "finance.over_20": "Mindestens ein Einzelansatz liegt mehr als 20 % über dem Plan: dafür ist die Einwilligung des Zuwendungsgebers nötig.",
    "finance.over_not_offset": "Mindestens ein Einzelansatz liegt über dem Plan, und die Überschreitung ist durch Einsparungen bei anderen nicht ausgeglichen: der Gesamtplan ist überschritten.",
    "finance.lines.caption": "Kumuliert vom Beginn der Laufzeit bis zum Ende des Berichtszeitraums gegen den Plan der Jahre bis dahin (Verwendungsnachweis: aller Jahre). Ein Einzelansatz darf bis zu 20 % überschritten werden, wenn Einsparungen bei anderen den Mehrbetrag ausgleichen.",
    "finance.revenues": "Deckungsmittel (Eigenmittel, Leistungen Dritter, Einnahmen)",
    "finance.revenues_excess": "Die Deckungsmittel übersteigen den Plan um {excess}: die Zuwendung kann sich ermäßigen.",
    "finance.idle_title": "Nicht fristgerecht verwendete Mittel",
    "finance.idle.caption": "Teile der Abrufe, die nicht innerhalb der Verwendungsfrist nach Eingang verwendet wurden (zuerst abgerufen, zuerst verwendet), mit Tagen bis zur Verwendung und Zinsen nach § 49a Abs. 4 VwVfG.",
    "finance.premature_title": "Vorzeitig abgerufene Mittel",
    "finance.premature.caption": "Abrufe, die vor Entstehen der Kosten erfolgten: Überhang, Tage bis zur Deckung durch entstandene Kosten und Zinsen nach § 49a Abs. 4 VwVfG.",
    "finance.joint.caption": "Je Zuwendung die Zahlen ihres Nachweises für das gewählte Jahr, darunter die Summe.",
    "finance.reports_due": "Fällige Nachweise",
    "finance.sources": "Rechtsgrundlagen der Zahlen",
    "finance.by_year": "Plan und Ausgaben je Jahr (nur zur Information)",
    "finance.by_year.caption": "Zuwendungsfähige Ausgaben je Zuwendung, Kostenart und Jahr im gewählten Zeitraum gegen den Plan des Jahres. Maßgeblich für den Finanzierungsplan ist der Einzelansatz über alle Jahre (oben).",
    "line_status.within_plan": "im Plan",
    "line_status.over_offset": "überschritten, ausgeglichen",
    "line_status.over_not_offset": "überschritten, nicht ausgeglichen",
    "line_status.over_20": "über 20 %: Einwilligung nötig",
    "revenue_kind.own_funds": "Eigenmittel",
    "revenue_kind.third_party": "Leistungen Dritter",
    "revenue_kind.project_revenue": "Einnahmen aus dem Vorhaben",
    "column.actual_eur": "Ist kumuliert (€)",
    "column.known_actual_eur": "Ist, soweit bekannt (€)",
    "column.period_actual_eur": "Ist im Zeitraum (€)",
    "column.deviation_percent": "Abweichung (%)",
    "column.kind": "Art",
    "column.used_on": "Verwendet am",
    "column.interest_eur": "Zinsen (€)",
    "column.excess_eur": "Überhang (€)",
    "column.covered_on": "Gedeckt am",
    "column.days_until_covered": "Tage bis gedeckt",
    "column.regime": "Nebenbestimmungen",
    "column.total_planned_eur": "Plan (€)",
    "column.total_actual_eur": "Zuwendungsfähig kumuliert (€)",
    "column.grant_share_eur": "Zuwendungsanteil (€)",
    "column.received_eur": "Erhalten (€)",
    "column.refund_due_eur": "Erstattungsbetrag (€)",
    "column.lines_over_20": "Einzelansätze über 20 %",
    "finance.of_approved": "Bewilligt: {approved}",
    "report_type.interim": "Zwischennachweis",
    "report_type.final": "Verwendungsnachweis",
    "cost_category.personnel": "Personalausgaben",
    "cost_category.material": "Sachausgaben",
    "cost_category.investment": "Investitionen",
    "cost_category.subcontracting": "Aufträge an Dritte",
    "cost_category.travel": "Reisen",
    "cost_category.overhead": "Gemeinkosten",
    "reports.title": "Fällige Nachweise",
    "reports.none_due": "Zum Stichtag ist kein Nachweis mehr fällig.",
    "data_status.stale": "Veraltete Datensätze",
    "data_status.stale.none": "Keine veralteten Datensätze: Jede Zeile gilt in ihrer zuletzt gelieferten Fassung.",
    "data_status.stale.caption": "Diese Zeilen wurden in einer neueren Lieferung abgelehnt; bis zur Korrektur gilt ihr voriger gültiger Stand, und sie zählen in den Kennzahlen mit.",
    "data_status.stale.entity": "Datenart mit veralteten Datensätzen",
    "upload.intro": "Laden Sie eine Lieferung als CSV- oder XLSX-Dateien (höchstens {mb} MB je Datei). Die Datenart erkennt das System am Anfang des Dateinamens, z. B. `jobs_2026-11.xlsx`. Jede Datei ist ein vollständiger Stand ihrer Datenart; fehlerhafte Zeilen werden abgelehnt und unter „Datenqualität“ mit Grund gezeigt.",
    "upload.files": "Dateien der Lieferung",
    "upload.files.help": "Mehrere Dateien auf einmal möglich; nur .csv und .xlsx, höchstens {mb} MB je Datei.",
    "upload.start": "Hochladen und laden",
    "upload.running": "Lieferung wird geladen …",
    "upload.step.store": "{files} Datei(en) werden gespeichert …",
    "upload.step.ingest": "Dateien werden geprüft und geladen … ({seconds} s)",
    "upload.step.done": "Fertig.",
    "upload.finished": "Lieferung geladen",
    "upload.finished_failed": "Lieferung nicht vollständig geladen",
    "upload.result": "Ergebnis der Lieferung {folder}",
    "upload.no_report": "Der Ladevorgang ist ohne Ergebnis abgebrochen (Code {code}); der veröffentlichte Datenbestand ist unverändert.",
    "upload.status.ok": "Ladelauf {run_id}: {loaded} von {files} Dateien geladen, {rejected} Zeilen abgelehnt.",
    "upload.status.partial": "Ladelauf {run_id}: {loaded} von {files} Dateien geladen, {rejected} Zeilen abgelehnt; mindestens eine Datei ist fehlgeschlagen oder wurde übersprungen (Gründe unten).",
    "upload.status.failed": "Ladelauf {run_id}: Keine Datei konnte geladen werden ({loaded} von {files}); die Gründe stehen unten.",
    "upload.to_rejected": "Die {rows} abgelehnten Zeilen ansehen (Datenqualität)",
    "upload.expected": "Erwartete Dateien",
    "upload.expected.caption": "Spalten und Regeln je Datenart stehen im Datenvertrag (docs/CONTRACT.md). Hochgeladene Dateien bleiben im Datenverzeichnis unter uploads/ erhalten.",
    "error.upload_error": "Die hochgeladene Lieferung konnte nicht verarbeitet werden.",
    "error.upload_error.hint": "Die technische Angabe unten nennt den Grund und den nächsten Schritt.",
    "start.upload": "Oder eine Lieferung direkt in der App hochladen",
    "column.category": "Kategorie",
    "column.series": "Reihe",
    "column.day": "Tag",
    "column.job_category": "Kategorie",
    "column.current": "Ist",
    "column.end_on": "Förderende",
    "column.low": "Untergrenze (95 %)",
    "column.high": "Obergrenze (95 %)",
    "column.p_target": "Wahrscheinlichkeit Ziel",
    "column.pace_required": "Nötiges Tempo (je Monat)",
    "column.pace_observed": "Beobachtetes Tempo (je Monat)",
    "column.target_on_as_of": "Soll laut Zielpfad",
    "column.forecast": "Prognose Laufzeitende",
    "column.target": "Ziel",
    "column.qualification": "Qualifikation",
    "column.project_related": "Projektbezogen",
    "column.external": "Extern",
    "column.size_class": "Größenklasse",
    "column.by_headcount_only": "nur nach Beschäftigten",
    "column.use_case": "Anwendungsfall",
    "column.partner": "Partner",
    "column.company_id": "Unternehmen-ID",
    "column.name": "Name",
    "column.employees": "Beschäftigte",
    "column.postal_code": "PLZ",
    "column.is_craft": "Handwerk",
    "column.is_startup": "Start-up",
    "column.ude_spinoff": "UDE-Ausgründung",
    "column.joined_on": "Beteiligt seit",
    "column.projects": "Projekte",
    "column.project_id": "Projekt-ID",
    "column.title": "Titel",
    "column.company": "Unternehmen",
    "column.started_on": "Beginn",
    "column.ended_on": "Ende",
    "column.public_funding_eur": "Öffentliche Förderung (€)",
    "column.own_contribution_eur": "Eigenanteil (€)",
    "column.device_class": "Geräteklasse",
    "column.data_policy": "Datenregel",
    "column.deployment_id": "Einsatz-ID",
    "column.model_name": "Modell",
    "column.model_version": "Version",
    "column.device_classes": "Geräteklassen",
    "column.went_live_on": "In Betrieb seit",
    "column.cloud_baseline_latency_ms": "Cloud-Latenz (ms)",
    "column.latency_slo_ms": "Latenzziel (ms)",
    "column.sdg_goal": "SDG",
    "column.verified": "verifiziert",
    "column.unverified": "unverifiziert",
    "column.contribution_id": "Beitrag-ID",
    "column.sdg_target": "Unterziel",
    "column.indicator": "Indikator",
    "column.unit": "Einheit",
    "column.reported_on": "Gemeldet am",
    "column.evidence": "Nachweis",
    "column.semester": "Semester",
    "column.semester_starts_on": "Semesterbeginn",
    "column.courses": "Lehrveranstaltungen",
    "column.enrolled": "Eingeschrieben",
    "column.completed": "Abgeschlossen",
    "column.course_id": "Veranstaltung-ID",
    "column.institution": "Einrichtung",
    "column.ects": "ECTS",
    "column.grant_id": "Förderkennzeichen",
    "column.year": "Jahr",
    "column.planned_eur": "Plan (€)",
    "column.spent_eur": "Ausgaben (€)",
    "column.share": "Ausgaben / Plan",
    "column.over_eur": "Überschreitung (€)",
    "column.over_percent": "Überschreitung (%)",
    "column.flagged": "> 20 % markiert",
    "column.grant_within_plan": "Zuwendung insgesamt im Plan",
    "column.spent_percent": "Ausgeschöpft (%)",
    "column.disbursement_id": "Abruf-ID",
    "column.received_on": "Eingegangen am",
    "column.amount_eur": "Betrag (€)",
    "column.spend_by": "Zu verwenden bis",
    "column.idle_at_deadline_eur": "Ungenutzt zur Frist (€)",
    "column.idle_eur": "Ungenutzt am Stichtag (€)",
    "column.days_idle": "Tage ungenutzt",
    "column.report_type": "Nachweis",
    "column.period_from": "Zeitraum von",
    "column.period_to": "Zeitraum bis",
    "column.due_on": "Fällig am",
    "column.days_left": "Tage bis fällig",
    "column.file_pattern": "Dateiname",
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
    "forecast_status.on_track": "auf Kurs",
    "forecast_status.at_risk": "gefährdet",
    "forecast_status.off_track": "nicht auf Kurs",
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
    "reason.ts_too_old": "„{value}“ in „{column}“ liegt mehr als {days} Tage in der Vergangenheit (empfangen um {now}). Bitte die Uhr des Geräts prüfen; ältere Messwerte als Telemetrie-Verlaufsdatei laden.",
    "reason.seq_not_increasing": "„{value}“ in „{column}“ ist nicht größer als {last}, die höchste gespeicherte seq des Geräts, und kein Messwert mit dieser seq ist gespeichert. Die seq eines Geräts muss steigen.",
    "reason.foreign_device": "Der Messwert gehört zu Gerät „{value}“, das Token aber zu Gerät „{device}“. Messwerte jedes Geräts mit dessen eigenem Token senden.",
    "reason.unknown_device": "„{value}“ in „{column}“ ist kein registriertes Gerät. Bitte zuerst in devices.csv liefern.",
    # Dashboard (zakid_metrics/dashboard): app.* shell, page.<page> navigation titles,
    # <page>.* page texts, column.<column> table headers, <kind>.<value> value labels,
    # and the components' download.*, table.*, start.* and error.<code>(.hint) texts
    "app.title": "ZaKI.D Wirkungsmonitor",
    "app.internal": "Interne Ansicht",
    "page.data_status": "Datenqualität",
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
    "error.base_rate_missing": "Für einen Tag fehlt der Basiszinssatz: {day}.",
    "error.base_rate_missing.hint": "Tragen Sie den ab diesem Tag geltenden Basiszinssatz der Deutschen Bundesbank als Zeile `valid_from,rate_percent,source` in {file} ein und erstellen Sie den Bericht erneut.",
    "error.load_in_progress": "Gerade läuft ein anderer Ladevorgang.",
    "error.load_in_progress.hint": "Warten Sie, bis er fertig ist, und laden Sie die Seite neu.",
    "error.usage_error": "Der Befehl passt nicht zu den angegebenen Werten.",
    "error.usage_error.hint": "Die technische Angabe unten nennt die richtige Form; alle Befehle zeigt python -m pipelines --help.",
    "error.file_error": "Eine Lieferdatei kann nicht gelesen werden.",
    "error.file_error.hint": "Die technische Angabe unten nennt die Datei und was an ihr zu ändern ist.",
    "error.serve_error": "Ein Teil des Systems ist nicht gestartet oder hat sich beendet.",
    "error.serve_error.hint": "Die technische Angabe unten nennt den Teil. Seine letzten Meldungen stehen in der Ausgabe darüber: Beheben Sie, was dort steht, und starten Sie neu mit make run.",
    "data_status.as_of": (
        "Veröffentlichter Stand aus Ladelauf {run_id}, veröffentlicht am {published_at} "
        "({timezone})."
    ),
    "data_status.metric.as_of": "Stand vom",
    "data_status.metric.rows": "Datensätze",
    "data_status.metric.stale": "Veraltete Datensätze",
    "data_status.metric.overdue": "Überfällige Datenarten",
    "data_status.metric.open": "Offene Probleme",
    "data_status.metric.open.help": (
        "Abgelehnte Zeilen aller Ladeläufe, die keine spätere Lieferung derselben Datenart "
        "behoben hat (eine gültige Zeile mit demselben Schlüssel) oder erledigt (der Schlüssel "
        "wird nicht mehr geliefert). Im Ladelauf {run_id}, aus dem der veröffentlichte Stand "
        "stammt, neu abgelehnt: {rejected}."
    ),
    "data_status.open": "Offene Probleme aus allen Ladeläufen",
    "data_status.open.caption": (
        "Jede Zeile bleibt offen, bis eine spätere Lieferung derselben Datenart sie korrigiert "
        "oder nicht mehr enthält; eine unveränderte Lieferung behebt nichts."
    ),
    "data_status.open.none": "Keine offenen Probleme: Jede abgelehnte Zeile ist behoben.",
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
    "reason.grant_not_for_external": "Nur projektbezogene Arbeitsplätze (Personal des Zentrums) nennen die Zuwendung, die sie finanziert; „{value}“ in „{column}“ dieses externen Arbeitsplatzes bitte entfernen.",
    "reason.group_employees_below_employees": "„{column}“ ({value}) ist kleiner als die eigene Beschäftigtenzahl des Unternehmens ({employees}); die Gruppenzahl schließt das Unternehmen selbst ein.",
    "reason.decommissioned_without_live": "Ein Außerbetriebnahmedatum ist angegeben, aber kein went_live_on.",
    "reason.sdg_target_goal": "Unterziel „{value}“ gehört nicht zu SDG {goal}.",
    "reason.zero_amount": "Der Betrag in „{column}“ ist 0; Belege haben einen Betrag (negativ = Korrektur).",
    "reason.vat_sign": "Die Vorsteuer „{value}“ in „{column}“ hat das andere Vorzeichen als der Betrag ({amount}); die Vorsteuer einer Korrektur ist ebenfalls negativ.",
    "reason.vat_over_amount": "Die Vorsteuer „{value}“ in „{column}“ ist höher als der Bruttobetrag ({amount}), in dem sie enthalten ist.",
    "reason.completed_over_enrolled": "Mehr Abschlüsse ({value}) als Eingeschriebene ({enrolled}).",
    "reason.semester_years": "„{value}“ ist kein Wintersemester; erwartet z. B. WS 2025/26.",
    "reason.unknown_reference": "„{value}“ in „{column}“: {target} mit dieser Kennung gibt es weder in dieser Lieferung noch im Bestand.",
    "reason.rejected_reference": "„{value}“ in „{column}“: Die Zeile dazu ({target}) wurde abgelehnt oder ist veraltet; bitte zuerst diese korrigieren.",
    "reason.year_outside_period": "Jahr {value} liegt außerhalb der Laufzeit von {via} „{ref}“ ({start}–{end}).",
    "reason.reference_mismatch": "„{value}“ in „{column}“ bezeichnet {target} zu {shared} „{other}“, diese Zeile gehört aber zu {shared} „{own}“; beide müssen übereinstimmen.",
    "reason.duplicate_key": "Doppelte Kennung „{value}“; die erste Zeile (Zeile {first_line}) gilt, diese wird abgelehnt.",
    "reason.extra_cells": "Die Zeile hat {count} Zellen mehr als die Kopfzeile Spalten hat; vermutlich ein Trennzeichen im Text ohne Anführungszeichen.",
    "pattern.postal_code": "fünfstellige Postleitzahl",
    "pattern.site_postal_code": "fünfstellige Postleitzahl",
    "pattern.workplace_postal_code": "fünfstellige Postleitzahl",
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
    "entity.revenues": "Deckungsmittel",
    "entity.one.revenues": "eine Position der Deckungsmittel",
    "entity.inventory": "Inventarverzeichnis",
    "entity.one.inventory": "einen Inventargegenstand",
    "entity.disbursements": "Mittelabrufe",
    "entity.one.disbursements": "einen Mittelabruf",
    "entity.courses": "Lehrveranstaltungen",
    "entity.one.courses": "eine Lehrveranstaltung",
    "entity.targets": "Ziele",
    "entity.one.targets": "ein Ziel",
    # Ingest messages
    "ingest.unknown_file": "{file}: Der Dateiname passt zu keiner Entität und wird übersprungen. Dateinamen beginnen mit: {prefixes}.",
    "ingest.unknown_suffix": "{file}: Nur .csv- und .xlsx-Dateien werden geladen; die Datei wird übersprungen.",
    "ingest.unchanged": "{file}: identisch mit der zuletzt geladenen Datei (gleicher SHA-256); nichts geändert.",
    "ingest.several_snapshots": "Mehrere Stände von {entity} in einer Lieferung ({files}); sie werden in Namensreihenfolge geladen, {last} bestimmt den Stand.",
    "ingest.extra_columns": "{file}: Spalten {columns} gehören nicht zum Datenvertrag und werden ignoriert.",
    "file_error.missing_columns": "{file}: Pflichtspalte(n) {columns} fehlen (gefunden: {found}). Bitte die Spalte(n) in der Kopfzeile ergänzen oder umbenennen; die Spalten von {entity} stehen in docs/CONTRACT.md.",
}
