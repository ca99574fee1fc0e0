"""English texts. Keys must match de.py; a test checks it."""

MESSAGES: dict[str, str] = {
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
    "entity.companies": "companies",
    "entity.one.companies": "a company",
    "entity.grants": "grants",
    "entity.one.grants": "a grant",
    "entity.projects": "projects",
    "entity.one.projects": "a project",
    "entity.jobs": "jobs",
    "entity.one.jobs": "a job",
    "entity.deployments": "deployments",
    "entity.one.deployments": "a deployment",
    "entity.devices": "devices",
    "entity.one.devices": "a device",
    "entity.sdg_contributions": "SDG contributions",
    "entity.one.sdg_contributions": "an SDG contribution",
    "entity.budget": "budget",
    "entity.one.budget": "a budget line",
    "entity.expenditures": "expenditures",
    "entity.one.expenditures": "an expenditure",
    "entity.disbursements": "disbursements",
    "entity.one.disbursements": "a disbursement",
    "entity.courses": "courses",
    "entity.one.courses": "a course",
    "entity.targets": "targets",
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
