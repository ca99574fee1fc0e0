"""English texts. Keys must match de.py; a test checks it."""

MESSAGES: dict[str, str] = {
    # KPI registry (zakid_metrics/kpis): unit.<unit> unit names, forecast_status.<status>
    # of jobs_forecast_end, error.<code> of the registry's errors
    "unit.count": "count",
    "unit.share": "share",
    "unit.eur": "euros",
    "unit.days": "days",
    "unit.ratio": "ratio",
    "unit.fte": "full-time equivalents",
    "unit.t_co2e_per_year": "t CO₂e per year",
    "unit.mwh_per_year": "MWh per year",
    "forecast_status.reached": "reached",
    "forecast_status.on_track": "on track",
    "forecast_status.moderately_off": "moderately off",
    "forecast_status.off_track": "off track",
    "forecast_status.insufficient_data": "too little data",
    "error.kpi_definition": "A KPI is defined incorrectly in the software.",
    "error.kpi_definition.hint": (
        "Report the technical detail below to the development team; it names the file and line."
    ),
    "error.unknown_kpi": "There is no such KPI.",
    "error.unknown_kpi.hint": "The technical detail below names similar KPIs.",
    "error.kpi_parameter": "The KPI cannot be computed for this selection.",
    "error.kpi_parameter.hint": (
        "Check the as-of date and the period (the period must start before it ends)."
    ),
    "error.kpi_query": "The KPI could not be computed from the data.",
    "error.kpi_query.hint": (
        "Load the delivery again (python -m pipelines ingest …). If that does not help, report "
        "the technical detail below to the operations team."
    ),
    # Accounts and audit (zakid_metrics.auth, zakid_metrics.audit): roles and login errors
    "role.viewer": "Viewer",
    "role.analyst": "Analyst",
    "role.admin": "Administrator",
    "error.auth_error": "The login could not be checked.",
    "error.auth_error.hint": "The technical detail below gives the reason.",
    "error.login_failed": "Name or password is wrong.",
    "error.login_failed.hint": (
        "Check both and try again. After {attempts} failed attempts the account is locked for "
        "up to {minutes} minutes."
    ),
    "error.account_locked": "Too many failed attempts: the account is locked for a while.",
    "error.account_locked.hint": (
        "Try again in {minutes} minute(s) or contact the administrators."
    ),
    "error.account_disabled": "This account is disabled.",
    "error.account_disabled.hint": "The administrators can enable it again.",
    "error.password_policy": "The password is too short.",
    "error.password_policy.hint": (
        "It needs at least {min_length} characters, e.g. a phrase of four or more words."
    ),
    "error.user_store": "The account change could not be made.",
    "error.user_store.hint": "The technical detail below gives the reason and the next step.",
    "error.audit_error": "The audit log cannot be written.",
    "error.audit_error.hint": (
        "Please tell the operations team: the data directory must be writable by the app."
    ),
    # Disclosure control (zakid_metrics.disclosure)
    "disclosure.legend": (
        "\".\" = value confidential (fewer than {k_min} cases, or a single contributor holds "
        "more than {share} of the value, or it could otherwise be computed from the totals)."
    ),
    "error.disclosure_error": "The table cannot be protected for publication.",
    "error.disclosure_error.hint": "The technical detail below says what is wrong with it.",
    # Telemetry readings (pipelines.collector): reasons for rejected readings
    "reason.not_a_timestamp": "'{value}' in '{column}' is not an RFC 3339 timestamp with offset. Expected e.g. 2026-11-24T14:05:00+01:00.",
    "reason.not_text": "'{value}' in '{column}' is not text.",
    "reason.required_when_positive": "'{column}' is required when '{when}' is greater than 0 (here {when_value}).",
    "reason.less_than_field": "'{column}' ({value}) must not be less than '{other}' ({other_value}).",
    "reason.ts_in_future": "'{value}' in '{column}' is more than {minutes} minutes in the future (received at {now}). Check the device's clock.",
    "reason.foreign_device": "The reading is for device '{value}', but the token belongs to device '{device}'. Send each device's readings with its own token.",
    "reason.unknown_device": "'{value}' in '{column}' is not a registered device. Deliver it in devices.csv first.",
    # Dashboard (zakid_metrics/dashboard): app.* shell, page.<page> navigation titles,
    # <page>.* page texts, column.<column> table headers, <kind>.<value> value labels,
    # and the components' download.*, table.*, start.* and error.<code>(.hint) texts
    "app.title": "ZaKI.D impact monitor",
    "app.internal": "Internal view",
    "app.public_not_built": (
        "The public dashboard is not built yet. This instance runs in public mode "
        "(ZAKID_MODE=public) and therefore shows nothing yet; start the internal view with "
        "ZAKID_MODE=internal."
    ),
    "page.data_status": "Data status",
    "column.entity": "Data type",
    "column.rows": "Records",
    "column.stale_rows": "of which stale",
    "column.last_file": "Last file",
    "column.last_loaded_at": "Last loaded",
    "column.age_days": "Age (days)",
    "column.freshness": "Freshness",
    "column.run_id": "Run",
    "column.started_at": "Started",
    "column.finished_at": "Finished",
    "column.status": "Status",
    "column.triggered_by": "Triggered by",
    "column.files": "Files",
    "column.rows_read": "Read",
    "column.rows_loaded": "Loaded",
    "column.rows_rejected": "Rejected",
    "column.rows_duplicate": "Duplicates",
    "column.file": "File",
    "column.errors": "Errors",
    "column.warnings": "Notes",
    "column.line": "Line",
    "column.column": "Column",
    "column.value": "Value",
    "column.reason": "Reason",
    "freshness.current": "current",
    "freshness.overdue": "overdue",
    "freshness.never": "never delivered",
    "run_status.ok": "succeeded",
    "run_status.partial": "partial",
    "run_status.failed": "failed",
    "file_status.loaded": "loaded",
    "file_status.unchanged": "unchanged",
    "file_status.failed": "failed",
    "file_status.skipped": "skipped",
    "download.csv": "CSV",
    "download.csv.help": "Download as CSV (comma-separated, decimal point)",
    "download.xlsx": "Excel",
    "download.xlsx.help": "Download as Excel workbook (XLSX)",
    "table.empty": "No entries.",
    "start.title": "No data loaded yet",
    "start.body": (
        "The data directory `{data_dir}` holds no published warehouse yet. Load a delivery "
        "first, for example the bundled sample delivery."
    ),
    "start.make_run": (
        "All in one step: sets up the environment, loads the sample delivery on first start "
        "and starts the app."
    ),
    "start.ingest": "Or load just the delivery, then reload this page:",
    "start.own_delivery": (
        "Load your own deliveries (CSV or XLSX) the same way, with their folder instead of "
        "`data/sample`. docs/CONTRACT.md describes the expected files and columns."
    ),
    "error.details": "Technical detail",
    "error.unexpected": "An unexpected error occurred while showing this page.",
    "error.unexpected.hint": (
        "Reload the page. If the error comes back, please report it to the operations team "
        "with the time {time}; the details are in the server log."
    ),
    "error.zakid_error": "The request could not be carried out.",
    "error.zakid_error.hint": "The technical detail below names the next step.",
    "error.warehouse_error": "The published warehouse cannot be read.",
    "error.warehouse_error.hint": (
        "Load the delivery again (python -m pipelines ingest data/sample or your delivery "
        "folder). If the technical detail below names a newer schema version, update the "
        "software (git pull && make setup)."
    ),
    "error.load_in_progress": "Another load is running right now.",
    "error.load_in_progress.hint": "Wait until it has finished, then reload the page.",
    "data_status.as_of": (
        "Published snapshot from load run {run_id}, published on {published_at} ({timezone})."
    ),
    "data_status.metric.as_of": "As of",
    "data_status.metric.rows": "Records",
    "data_status.metric.stale": "Stale records",
    "data_status.metric.overdue": "Overdue data types",
    "data_status.metric.rejected": "Rejected rows",
    "data_status.metric.rejected.help": (
        "In load run {run_id}, which the published snapshot comes from."
    ),
    "data_status.entities": "Data types",
    "data_status.entities.caption": (
        "Overdue means: the last delivery is older than {days} days. Stale records were "
        "rejected in a newer delivery; their previous valid version holds until corrected."
    ),
    "data_status.runs": "Load runs",
    "data_status.runs.caption": "The last {count} load runs, newest first; times in {timezone}.",
    "data_status.run": "Load run for files and rejected rows",
    "data_status.run_option": "Run {run_id} · {finished_at} · {status}",
    "data_status.files": "Files of run {run_id}",
    "data_status.rejected": "Rejected rows of run {run_id}",
    "data_status.rejected.entity": "Data type",
    "data_status.rejected.all": "All data types",
    "data_status.rejected.summary": "Rejected rows: {rows} · Problems: {problems}",
    "data_status.rejected.none": "No row was rejected in this run.",
    "data_status.overdue": "Last delivery older than {days} days: {entities}.",
    "data_status.never": "Never delivered: {entities}.",
    # Why a delivery file cannot be read at all (pipelines/readers.py); {file} always given
    "file_error.broken_csv": (
        "{file} is not valid CSV: from line {line} on, a quote is never closed or a field is "
        "impossibly long. Check the quotes in that line and save the file in Excel again as "
        '"CSV UTF-8 (Comma delimited)" or as "Excel Workbook (*.xlsx)".'
    ),
    "file_error.broken_xlsx": (
        "{file} is not a readable XLSX file (damaged, truncated, password-protected, or a CSV or "
        'XLS file renamed). Open it in Excel and save it again as "Excel Workbook (*.xlsx)" or '
        'as "CSV UTF-8 (Comma delimited)".'
    ),
    "file_error.empty": (
        "{file} is empty: it has no header line. Export the data again with the column names "
        "in the first line."
    ),
    "file_error.encoding": (
        "The character encoding of {file} is unknown (unreadable byte at offset {offset}, "
        'line {line}). Save the file in Excel as "CSV UTF-8 (Comma delimited)" or as '
        '"Excel Workbook (*.xlsx)".'
    ),
    "file_error.header": (
        'The header of {file} (line {line}) is invalid at column {column} (name: "{name}"): '
        "every column with values needs a name, and each name may appear only once."
    ),
    "file_error.too_large": (
        "{file} is not opened as a safeguard: it would unpack to {uncompressed_mb} MB (at most "
        "{limit_mb} MB are allowed) or it is suspiciously highly compressed. Split the data into "
        "smaller files or save it as CSV UTF-8."
    ),
    "file_error.unsupported_format": (
        'The file format "{extension}" of {file} is not supported. Save the file as '
        '"CSV UTF-8 (Comma delimited)" or as "Excel Workbook (*.xlsx)".'
    ),
    # Reasons a row is rejected ({column} and {value} are always given)
    "reason.missing": "Required column '{column}' is empty. Enter a value.",
    "reason.not_a_number": "'{value}' in '{column}' is not a number. Expected e.g. 1.234,56 or 1234.56.",
    "reason.too_many_decimals": "'{value}' in '{column}' has more than {places} decimal places.",
    "reason.not_an_integer": "'{value}' in '{column}' is not a whole number.",
    "reason.not_a_date": "'{value}' in '{column}' is not a date. Expected 24.11.2026 or 2026-11-24.",
    "reason.invalid_date": "'{value}' in '{column}' is not a valid calendar day.",
    "reason.not_a_boolean": "'{value}' in '{column}' is not a yes/no value. Allowed: ja/nein, true/false, 1/0, x/empty.",
    "reason.not_an_option": "'{value}' is not allowed in '{column}'. Allowed: {options}.",
    "reason.must_be_gt": "'{value}' in '{column}' must be greater than {bound}.",
    "reason.must_be_ge": "'{value}' in '{column}' must not be less than {bound}.",
    "reason.must_be_lt": "'{value}' in '{column}' must be less than {bound}.",
    "reason.must_be_le": "'{value}' in '{column}' must not be greater than {bound}.",
    "reason.bad_pattern": "'{value}' in '{column}' does not have the expected form: {pattern_hint}.",
    "reason.invalid": "'{value}' in '{column}' is invalid ({detail}).",
    "reason.craft_annex_without_craft": "'{column}' is given, but the company is not marked as a craft business (is_craft).",
    "reason.date_before": "'{column}' ({value}) is before '{other}' ({other_value}).",
    "reason.date_not_after": "'{column}' ({value}) must be after '{other}' ({other_value}).",
    "reason.company_required_for_external": "External jobs need a company_id.",
    "reason.company_not_for_project_related": "Project-related jobs (staff of the centre) have no company_id; remove '{value}'.",
    "reason.decommissioned_without_live": "A decommissioning date is given but no went_live_on.",
    "reason.sdg_target_goal": "Target '{value}' does not belong to SDG {goal}.",
    "reason.zero_amount": "The amount in '{column}' is 0; vouchers have an amount (negative = correction).",
    "reason.completed_over_enrolled": "More completions ({value}) than enrolled students ({enrolled}).",
    "reason.semester_years": "'{value}' is not a winter semester; expected e.g. WS 2025/26.",
    "reason.unknown_reference": "'{value}' in '{column}' names {target} that exists neither in this delivery nor in the warehouse.",
    "reason.rejected_reference": "'{value}' in '{column}' names {target} whose row was rejected or is stale; fix that row first.",
    "reason.year_outside_period": "Year {value} is outside the period of {via} '{ref}' ({start} to {end}).",
    "reason.duplicate_key": "Duplicate id '{value}'; the first row (line {first_line}) counts, this one is rejected.",
    "reason.extra_cells": "The row has {count} more cells than the header has columns; probably a delimiter inside unquoted text.",
    "pattern.postal_code": "five-digit postal code",
    "pattern.site_postal_code": "five-digit postal code",
    "pattern.semester": "'WS 2025/26' or 'SS 2026'",
    # Entities
    "entity.companies": "Companies",
    "entity.one.companies": "a company",
    "entity.grants": "Grants",
    "entity.one.grants": "a grant",
    "entity.projects": "Projects",
    "entity.one.projects": "a project",
    "entity.jobs": "Jobs",
    "entity.one.jobs": "a job",
    "entity.deployments": "Deployments",
    "entity.one.deployments": "a deployment",
    "entity.devices": "Devices",
    "entity.one.devices": "a device",
    "entity.sdg_contributions": "SDG contributions",
    "entity.one.sdg_contributions": "an SDG contribution",
    "entity.budget": "Budget",
    "entity.one.budget": "a budget line",
    "entity.expenditures": "Expenditures",
    "entity.one.expenditures": "an expenditure",
    "entity.disbursements": "Disbursements",
    "entity.one.disbursements": "a disbursement",
    "entity.courses": "Courses",
    "entity.one.courses": "a course",
    "entity.targets": "Targets",
    "entity.one.targets": "a target",
    # Ingest messages
    "ingest.unknown_file": "{file}: the file name matches no entity and is skipped. File names start with: {prefixes}.",
    "ingest.unknown_suffix": "{file}: only .csv and .xlsx files are loaded; the file is skipped.",
    "ingest.telemetry_not_yet": "{file}: telemetry history is loaded through the telemetry store, not this delivery; skipped.",
    "ingest.unchanged": "{file}: identical to the file loaded last (same SHA-256); nothing changed.",
    "ingest.several_snapshots": "Several snapshots of {entity} in one delivery ({files}); they are applied in name order, {last} determines the state.",
    "ingest.extra_columns": "{file}: columns {columns} are not part of the data contract and are ignored.",
    "file_error.missing_columns": "{file}: required column(s) {columns} missing (found: {found}). Add or rename the column(s) in the header row; the columns of {entity} are listed in docs/CONTRACT.md.",
}
