"""English texts. Keys must match de.py; a test checks it."""

MESSAGES: dict[str, str] = {
    # Open data, public app, login, device tokens (pipelines/publish.py, open_data.py,
    # dashboard/public_pages, components/public.py, components/login.py, app_pages/devices.py)
    "open_data.catalog.title": "ZaKI.D impact monitor – open data",
    "open_data.catalog.description": (
        "Aggregated figures of Duisburg's centre for applied embedded AI (ZaKI.D: City of "
        "Duisburg, Fraunhofer IMS, University of Duisburg-Essen, Krohne): jobs, companies "
        "engaged, projects, AI deployments, contributions to the UN Sustainable Development Goals "
        "and teaching. Small counts and dominated values are suppressed under statistical "
        "confidentiality (suppressed = true, value empty)."
    ),
    "open_data.dataset.key_figures": "Key figures",
    "open_data.dataset.key_figures.description": (
        "The centre's public KPIs on the as-of date, one per row, each derived from a published "
        "cell of the other tables."
    ),
    "open_data.dataset.targets": "Targets",
    "open_data.dataset.targets.description": (
        "The targets and milestones of the funding application for the public KPIs."
    ),
    "open_data.dataset.jobs": "Jobs",
    "open_data.dataset.jobs.description": (
        "Jobs created up to and existing on the as-of date, by category (project-related in the "
        "centre, external at companies) and qualification."
    ),
    "open_data.dataset.companies": "Companies engaged",
    "open_data.dataset.companies.description": (
        "Companies with at least one project up to the as-of date by size class (EU SME "
        "definition), for each characteristic (craft, start-up, UDE spin-off, based in Duisburg) "
        "as a table of its own with yes/no."
    ),
    "open_data.dataset.companies_named": "Companies named",
    "open_data.dataset.companies_named.description": (
        "Engaged companies that agreed to be named, with their size class and the use cases of "
        "their projects."
    ),
    "open_data.dataset.projects": "Projects",
    "open_data.dataset.projects.description": (
        "Transfer projects started up to the as-of date by status and use case."
    ),
    "open_data.dataset.deployments": "AI deployments",
    "open_data.dataset.deployments.description": (
        "AI deployments live on the as-of date by device class and data policy; a deployment "
        "with devices of several classes counts in each of them and once in every total."
    ),
    "open_data.dataset.sdg_contributions": "Contributions to the SDGs",
    "open_data.dataset.sdg_contributions.description": (
        "Contributions to the 17 UN Sustainable Development Goals reported up to the as-of "
        "date, by goal, verified and unverified."
    ),
    "open_data.dataset.sdg_effects": "Emissions avoided and energy saved",
    "open_data.dataset.sdg_effects.description": (
        "Sums of the contributions reported in t CO2e/a and MWh/a, verified and unverified; the "
        "dominance rule protects every single company's contribution."
    ),
    "open_data.dataset.courses": "Teaching",
    "open_data.dataset.courses.description": (
        "Embedded-AI courses, students enrolled and completed by semester; counts below three "
        "persons are suppressed."
    ),
    "open_data.dataset.fleet": "Device fleet",
    "open_data.dataset.fleet.description": (
        "Summary of all devices' telemetry over 24 hours: devices online, inferences, speed-up "
        "over the cloud, data kept on the device."
    ),
    "open_data.column.kpi_id": "KPI id (KPIS.md)",
    "open_data.column.unit": "Unit: count, share (0–1), ratio, t_co2e_per_year, mwh_per_year",
    "open_data.column.value": "Value; empty where suppressed",
    "open_data.column.suppressed": "true where the value is confidential",
    "open_data.column.due_on": "When the target is due (ISO date)",
    "open_data.column.target_value": "Target value",
    "open_data.column.measure": "What is counted or summed",
    "open_data.column.category": "project_related (in the centre) or external (at companies)",
    "open_data.column.qualification": "academic, vocational, other or unknown",
    "open_data.column.breakdown": "Characteristic: craft, startup, ude_spinoff or in_duisburg",
    "open_data.column.size_class": "Size class: micro, small, medium, large",
    "open_data.column.group": "yes or no: whether the company has the characteristic",
    "open_data.column.name": "Company name (with its consent)",
    "open_data.column.use_cases": "Use cases of its projects, separated by “; ”",
    "open_data.column.status": "Project status: inquiry, feasibility, pilot, production, completed, cancelled",
    "open_data.column.use_case": "Use case of the project",
    "open_data.column.device_class": "Device class (no_devices: without registered devices)",
    "open_data.column.data_policy": "Data policy: on_device_only, aggregates_only, raw_upload",
    "open_data.column.sdg_goal": "Number of the Sustainable Development Goal (1–17)",
    "open_data.column.verified": "yes or no: whether the contribution is verified",
    "open_data.column.semester": "Semester, e.g. WS 2025/26",
    "error.open_data": "The open data cannot be read.",
    "error.open_data.hint": "Publish it again: python -m pipelines publish",
    "error.public_mode": "The public view must not read the internal data.",
    "error.public_mode.hint": "Please report this error to the operations team.",
    "error.publish_error": "The open data cannot be created.",
    "error.publish_error.hint": "The technical detail below gives the reason.",
    "error.unknown_device": "This device is not in the data.",
    "error.unknown_device.hint": "Deliver it in devices.csv and load the delivery.",
    "error.no_token": "This device has no valid token.",
    "error.no_token.hint": "There is nothing to revoke.",
    "page.open_data": "Open data",
    "page.devices": "Device tokens",
    "device_class.no_devices": "without devices",
    "public.overview.title": "ZaKI.D – what the centre achieves",
    "public.overview.intro": (
        "The centre for applied embedded AI in Duisburg (ZaKI.D) – run by the City of Duisburg, "
        "Fraunhofer IMS, the University of Duisburg-Essen and Krohne – promised about 30 jobs in "
        "the centre and 500 well-paid jobs at companies, AI in the products of SMEs and crafts, "
        "privacy and fast response through AI on the device itself, contributions to almost all "
        "UN Sustainable Development Goals, and new teaching. This is where it stands."
    ),
    "public.overview.ai_and_sdgs": "AI in use and sustainability",
    "public.overview.protection": (
        "All figures are aggregated. Where a figure would reveal a single company or person, a "
        "dot (“.”) stands in its place – as in official statistics."
    ),
    "public.no_export": (
        "The open data is not published yet. It appears here as soon as the team has published "
        "it (python -m pipelines publish)."
    ),
    "public.as_of": "As of {as_of} · Publisher: {publisher}",
    "public.license": "Licence: {license}",
    "public.target": "Target: {target} by {due_on}",
    "public.progress": "{share} % of the target",
    "public.total": "total",
    "public.flag.yes": "yes",
    "public.flag.no": "no",
    "public.header.measure": "Measure",
    "public.header.group": "Has the characteristic",
    "public.breakdown.craft": "Crafts",
    "public.breakdown.startup": "Start-ups",
    "public.breakdown.ude_spinoff": "UDE spin-offs",
    "public.breakdown.in_duisburg": "Based in Duisburg",
    "public.measure.created": "created",
    "public.measure.existing": "existing",
    "public.measure.courses": "Courses",
    "public.measure.enrolled": "Enrolled",
    "public.measure.completed": "Completed",
    "public.unit.t_co2e_per_year": "t CO₂e/a",
    "public.unit.mwh_per_year": "MWh/a",
    "public.kpi.devices_online": "Devices online",
    "public.kpi.inferences_24h": "Inferences in 24 hours",
    "public.kpi.speedup_vs_cloud": "Faster than the cloud (median)",
    "public.kpi.data_kept_on_device_share": "Data kept on the device",
    "public.chart_summary": "The chart “{title}” shows: {items}.",
    "public.to_open_data": "Download all figures as open data",
    "public.jobs.by_qualification": "Jobs created by qualification",
    "public.jobs.created_table": "Jobs created by category and qualification",
    "public.jobs.existing": "Jobs existing on the as-of date",
    "public.jobs.note": (
        "Project-related: positions in the centre itself; external: jobs created at companies. "
        "Salaries are never shown one by one, only as the share of well-paid jobs over many "
        "employers."
    ),
    "public.companies.by_size": "Companies engaged by size class",
    "public.companies.companies": "Companies",
    "public.companies.table": "Companies engaged by size class and characteristic",
    "public.companies.named": "Companies that want to be named",
    "public.companies.named.caption": (
        "{count} companies agreed to be named; all others remain unnamed."
    ),
    "public.companies.named.none": "No company has agreed to be named yet.",
    "public.companies.use_cases": "Use cases",
    "public.projects.by_status": "Projects by status",
    "public.projects.projects": "Projects",
    "public.projects.table": "Projects by use case and status",
    "public.sdg.by_goal": "Contributions to the UN Sustainable Development Goals",
    "public.sdg.verified": "verified",
    "public.sdg.unverified": "unverified",
    "public.sdg.effects": "Emissions avoided and energy saved",
    "public.sdg.effects.note": (
        "The KPIs count verified contributions only. A dot stands where a single company "
        "determines the value."
    ),
    "public.ai.by_class": "Live AI deployments by device class",
    "public.ai.deployments": "AI deployments",
    "public.ai.table": "Live AI deployments by device class and data policy",
    "public.ai.note": (
        "“on device only” and “aggregates only” protect the data: raw data never leaves the "
        "device. A deployment with devices of several classes counts in each of them."
    ),
    "public.ai.fleet": "The device fleet",
    "public.ai.no_fleet": "There is no telemetry from the devices yet.",
    "public.ai.window": "The 24 hours from {start} to {end}.",
    "public.education.by_semester": "Students enrolled and completed by semester",
    "public.education.table": "Courses, students enrolled and completed by semester",
    "public.education.note": (
        "A student in several courses counts several times. Completions of a running semester "
        "are reported after it ends."
    ),
    "public.open_data.intro": (
        "Every table comes as CSV (UTF-8, comma, decimal point), JSON and Parquet, with metadata "
        "after DCAT-AP.de. For the same data the files are the same byte for byte."
    ),
    "public.open_data.license": (
        "Licence: {license} ({license_id}), {url}. Attribution: “{publisher}, {license_id}” "
        "with a reference to the dataset."
    ),
    "public.open_data.suppressed": (
        "Suppressed values are empty and marked true in the column suppressed; the pages show a "
        "dot (“.”) instead."
    ),
    "public.open_data.file": "{file}, {size} bytes",
    "public.open_data.metadata": "Metadata",
    "public.open_data.metadata.text": (
        "Catalogue, datasets and files with title, description, licence, publisher, period, "
        "format, media type, size and SHA-256 checksum (JSON-LD, DCAT-AP.de)."
    ),
    "login.title": "Log in",
    "login.name": "User name",
    "login.password": "Password",
    "login.password_repeat": "Repeat the password",
    "login.submit": "Log in",
    "login.logout": "Log out",
    "login.signed_in": "Logged in as {name} ({role})",
    "login.expired": (
        "Your session ended after {minutes} minutes without activity. Please log in again."
    ),
    "login.first.title": "Create the first administrator account",
    "login.first.local": (
        "There is no account yet. As this browser runs on the server itself, you can create the "
        "first administrator account here (a password of at least 12 characters)."
    ),
    "login.first.remote": (
        "There is no account yet. Only a browser on the server itself can create the first "
        "administrator account, or someone with access to the server with this command:"
    ),
    "login.first.submit": "Create the account and log in",
    "login.first.mismatch": "The two passwords differ.",
    "login.oidc": "Log in with single sign-on",
    "login.oidc.no_account": (
        "You are signed in as {name} but have no account for this application. Ask the "
        "administrators to create it:"
    ),
    "table.download_restricted": "Only analysts and administrators may download these rows.",
    "devices.intro": (
        "Every device reports its telemetry with a token of its own. A new token replaces the "
        "old one at once; the collector refuses a revoked one at once."
    ),
    "devices.admin_only": "This page is for administrators only.",
    "devices.none": "The data has no devices yet.",
    "devices.device": "Device",
    "devices.issue": "Issue a token",
    "devices.replace": "Issue a new token (replaces the old one)",
    "devices.revoke": "Revoke the token",
    "devices.issued": "New token for {device}:",
    "devices.issued.once": (
        "The token is shown only now and stored nowhere in plain text. Put it on the device."
    ),
    "devices.revoked": "The token of {device} is revoked.",
    "devices.state.none": "no token",
    "devices.state.active": "active",
    "devices.state.revoked": "revoked",
    "column.device_id": "Device",
    "column.token": "Token",
    "column.issued_at": "issued (UTC)",
    "column.revoked_at": "revoked (UTC)",
    # Telemetry (zakid_metrics.telemetry, pipelines.telemetry_history): units of the fleet
    # KPIs, history file errors
    "unit.ms": "milliseconds",
    "unit_symbol.ms": "ms",
    "unit.milliwatt_hours": "milliwatt hours",
    "unit_symbol.milliwatt_hours": "mWh",
    "file_error.naive_timestamps": "{file}: the column ts holds times without a time zone. Write ts as timestamps with time zone (UTC), or as RFC 3339 text with an offset, e.g. 2026-11-24T14:05:00+01:00.",
    "file_error.broken_parquet": "{file} is not a readable Parquet file (damaged or truncated). Write it again, or export the readings as CSV.",
    "error.telemetry_window": "This time window cannot be shown.",
    "error.telemetry_window.hint": "Choose an end after the start and at most 31 days.",
    # Funder reports (zakid_metrics.reports, dashboard/components/reports.py): reports.*,
    # the report columns and the reports' error.<code> texts
    "reports.generate": "Create a report",
    "reports.kind": "Kind of report",
    "reports.kind.interim": "Interim report (one calendar year of a grant)",
    "reports.kind.final": "Final report (a grant's whole period)",
    "reports.kind.summary": "Joint-project summary (all grants)",
    "reports.grant": "Grant id",
    "reports.year": "Year",
    "reports.all_years": "Whole span",
    "reports.no_grants": "The data holds no grants. Load a delivery with grants.csv first.",
    "reports.no_interim_year": "No calendar year with an interim report of this grant has begun by the data's date.",
    "reports.not_allowed": "Only accounts with the role analyst or admin may create reports.",
    "reports.create": "Create",
    "reports.create.help": "Creates the Excel workbook, PDF and manifest from the published data (snapshot {snapshot}); the same data gives the same files.",
    "reports.step.read": "Reading the published data …",
    "reports.step.xlsx": "Creating the Excel workbook …",
    "reports.step.pdf": "Creating the PDF …",
    "reports.step.write": "Saving the files …",
    "reports.done": "{title} created from snapshot {snapshot}.",
    "reports.download.pdf": "PDF",
    "reports.download.xlsx": "Excel",
    "reports.download.manifest": "Manifest",
    "reports.generated": "Reports created",
    "reports.generated.none": "There is no report in the folder {folder} yet.",
    "reports.generated.caption": "Reports in the folder {folder}. The snapshot id names the load run and time of the data they were created from; the manifest names the files used with their checksums.",
    "reports.generated.choice": "Report to download",
    "reports.as_of": "as of",
    "column.report_title": "Report",
    "column.report_as_of": "As of",
    "column.report_snapshot": "Snapshot id",
    "column.report_files": "Files",
    "error.report_error": "This report cannot be created as asked.",
    "error.report_error.hint": "The technical detail below says why.",
    "error.unknown_grant": "There is no grant “{grant_id}” in the data.",
    "error.unknown_grant.hint": "Known grant ids: {known}.",
    "error.report_period": "There is no such report for the year {year}.",
    "error.report_period.hint": "Possible years: {valid}. A grant's last, partial year is covered by its final report.",
    "error.report_write": "The report's files cannot be saved.",
    "error.report_write.hint": "The data directory must be writable by the app; please tell the operations team.",
    # Dashboard pages (issue 3): page.<page>, <page>.*, tiles, dates, charts' labels, columns
    "page.overview": "Overview",
    "page.jobs": "Jobs",
    "page.companies": "Companies & projects",
    "page.embedded_ai": "Embedded AI",
    "page.sustainability": "Sustainability",
    "page.education": "Education",
    "page.finance": "Finances",
    "page.upload": "Upload a delivery",
    "dates.as_of": "As-of date",
    "dates.as_of.help": "The day whose state all figures show (data from {first} to {last}).",
    "dates.period": "Period",
    "dates.period.help": "Limits the finance figures (plan and expenditures); the default is the funding period {start} – {end}.",
    "dates.caption": "As of {as_of} · period {start} – {end}",
    "unit_symbol.share": "%",
    "unit_symbol.eur": "€",
    "unit_symbol.days": "days",
    "unit_symbol.fte": "FTE",
    "unit_symbol.t_co2e_per_year": "t CO₂e/yr",
    "unit_symbol.mwh_per_year": "MWh/yr",
    "tile.target": "Target: {value} by {due_on}",
    "tile.milestone": "Milestone: {value} by {due_on}",
    "tile.progress_plain": "{share} %",
    "tile.progress": "{share} % of the target",
    "tile.no_target": "No target set",
    "tile.as_of": "As of {as_of}",
    "tile.fresh.current": "data current (delivered {loaded_on})",
    "tile.fresh.overdue": "data overdue: delivered {loaded_on}, {days} days ago",
    "tile.fresh.never": "no data delivered yet",
    "tile.stale": "{rows} stale records count (see Data quality)",
    "tile.details": "Definition and data",
    "tile.definition_facts": "Unit: {unit} · better is: {direction} · source: {sources}",
    "tile.source_rows": "Source rows (as of the as-of date)",
    "direction.higher": "higher",
    "direction.lower": "lower",
    "note.never_delivered": "Never delivered: {entities}. The figures that need them stay empty until a delivery contains them (page “Upload a delivery”).",
    "overview.sme_note": "{smes} of {engaged} engaged companies",
    "overview.sdg_of": "{covered} of {goals}",
    "overview.sdg_note": "Goals with any contribution (also unverified): {reported}",
    "overview.funds_used": "Grant funds spent",
    "overview.funds_approved": "Approved: {approved}",
    "overview.funds_note": "Expenditures × funding rate, at most the grant; expenditures in the voucher list within the period: {spent}",
    "overview.jobs_path": "Jobs: actual, target path and forecast",
    "overview.jobs_path.caption": "Jobs created (cumulative) against the target path of the milestones, with the linear forecast to the end of the funding period and its 95 % interval.",
    "job_category.project_related": "Project-related",
    "job_category.external": "External",
    "jobs.series.actual": "Actual",
    "jobs.series.target": "Target path",
    "jobs.series.forecast": "Forecast",
    "jobs.series.interval": "95 % interval",
    "jobs.status": "Status",
    "jobs.final_target": "Target {value} ({due_on})",
    "jobs.no_target": "no target",
    "jobs.no_forecast": "There is not enough data for a forecast yet.",
    "jobs.chart_alt": "Cumulative jobs per category with target path and forecast",
    "jobs.forecast_caption": "Forecast: a line through the counts on the as-of date and the same day of the eleven months before, with a 95 % prediction interval. Status: reached (target already met), on track (forecast ≥ target), moderately off (up to 10 % short), off track. Method: docs/FORECAST.md.",
    "jobs.fte_note": "{fte} on the as-of date",
    "jobs.fte_jobs": "from {jobs} existing jobs",
    "jobs.well_paid_hidden": "Not shown: the share is computed from {k} jobs with a salary on (to protect salaries); there are {jobs}.",
    "jobs.well_paid_note": "{well_paid} of {jobs} jobs with a salary at or above {wage} gross a year",
    "jobs.trajectory": "Trajectory and forecast",
    "jobs.by_qualification": "By category and qualification",
    "jobs.by_size_class": "External jobs by company size",
    "jobs.external_jobs": "External jobs",
    "jobs.by_size_class.caption": "External jobs created, by the size class (EU SME definition) of the company where they were created.",
    "qualification.academic": "academic",
    "qualification.vocational": "vocational",
    "qualification.other": "other",
    "qualification.unknown": "unknown",
    "size_class.micro": "Micro",
    "size_class.small": "Small",
    "size_class.medium": "Medium-sized",
    "size_class.large": "Large",
    "companies.spinoffs": "of which UDE spin-offs: {spinoffs}",
    "companies.of_engaged": "{part} of {whole} engaged companies",
    "companies.of_projects": "of {projects} projects",
    "companies.pilots": "{production} of {pilot} projects from pilot on",
    "companies.by_size": "Engaged companies by size class",
    "companies.companies": "Companies",
    "companies.headcount_only": "Of these classified by headcount alone (turnover and balance sheet missing): {companies}",
    "companies.funnel": "Project funnel",
    "companies.funnel.caption": "Projects by their current status; cancelled: {cancelled}. The delivery has the current status only, not its history.",
    "companies.use_cases": "Projects by use case",
    "companies.projects": "Projects",
    "companies.partners": "Projects by partner",
    "companies.partners.caption": "A project with several partners counts with each.",
    "companies.drilldown": "Drill-down: companies and projects of a segment",
    "companies.segment": "Segment",
    "companies.segment_summary": "**{companies}** companies · **{projects}** projects",
    "segment.size_class": "Size class",
    "segment.is_craft": "Craft businesses",
    "segment.is_startup": "Start-ups",
    "segment.ude_spinoff": "UDE spin-offs",
    "segment.in_duisburg": "Companies in Duisburg",
    "segment.use_case": "Use case",
    "segment.status": "Project status",
    "segment.partner": "Partner",
    "project_status.inquiry": "Inquiry",
    "project_status.feasibility": "Feasibility",
    "project_status.pilot": "Pilot",
    "project_status.production": "Production",
    "project_status.completed": "Completed",
    "project_status.cancelled": "Cancelled",
    "use_case.predictive_maintenance": "Predictive maintenance",
    "use_case.quality_inspection": "Quality inspection",
    "use_case.process_optimization": "Process optimisation",
    "use_case.energy_management": "Energy management",
    "use_case.condition_monitoring": "Condition monitoring",
    "use_case.logistics": "Logistics",
    "use_case.other": "Other",
    "partner.UDE": "University of Duisburg-Essen",
    "partner.Fraunhofer IMS": "Fraunhofer IMS",
    "partner.Krohne": "Krohne",
    "partner.other": "Other",
    "embedded_ai.privacy_note": "{private} of {live} live deployments: on the device only or aggregates only",
    "embedded_ai.by_device_class": "Live deployments by device class",
    "embedded_ai.by_device_class.caption": "A deployment counts once per device class it has devices of, so the classes may add up to more than the deployments.",
    "embedded_ai.by_data_policy": "Live deployments by data policy",
    "embedded_ai.by_data_policy.caption": "On the device only and aggregates only count as privacy-preserving; raw upload does not.",
    "embedded_ai.deployments": "Deployments",
    "embedded_ai.live": "Deployments live on the as-of date",
    "embedded_ai.fleet": "Live fleet",
    "embedded_ai.fleet_follows": "Live data follows: devices online, inferences, latency, speed-up against the cloud and the share of data kept on the device appear here once the devices' telemetry is evaluated. Until then no values are shown here.",
    "device_class.microcontroller": "Microcontroller",
    "device_class.fpga": "FPGA",
    "device_class.edge_soc": "Edge SoC",
    "device_class.edge_gpu": "Edge GPU",
    "device_class.industrial_pc": "Industrial PC",
    "device_class.smart_sensor": "Smart sensor",
    "data_policy.on_device_only": "on the device only",
    "data_policy.aggregates_only": "aggregates only",
    "data_policy.raw_upload": "raw upload",
    "sustainability.verified_note": "verified: {verified} · unverified: {unverified}",
    "sustainability.counted": "from {contributions} verified contributions",
    "sustainability.grid": "The 17 Sustainable Development Goals",
    "sustainability.grid.caption": "A goal is covered with at least one verified contribution; unverified contributions do not count yet.",
    "sdg_grid.verified": "verified ({verified})",
    "sdg_grid.unverified": "only unverified ({unverified})",
    "sdg_grid.none": "no contributions",
    "sdg_grid.legend.verified": "verified: at least one checked contribution (full colour)",
    "sdg_grid.legend.unverified": "only unverified contributions (striped, dashed border)",
    "sdg_grid.legend.none": "no contributions (grey)",
    "sustainability.by_goal": "Contributions by goal",
    "sustainability.verified": "verified",
    "sustainability.unverified": "unverified",
    "sustainability.contributions": "Contributions",
    "sustainability.filter": "Verification",
    "sustainability.filter.all": "All contributions",
    "sustainability.filter.verified": "Verified only",
    "sustainability.filter.unverified": "Unverified only",
    "education.courses": "in {courses} courses",
    "education.reported": "from {courses} courses with reported completions",
    "education.by_semester": "Enrolled and completed by semester",
    "education.enrolled": "Enrolled",
    "education.completed": "Completed",
    "education.by_semester.caption": "Semesters begun on or before the as-of date (summer semester on 1 April, winter semester on 1 October). Completions of a running semester are usually reported after it ends.",
    "education.courses_table": "Courses",
    "finance.grant": "Grant",
    "finance.joint_project": "Joint project (all grants)",
    "finance.joint_caption": "Joint project of {grants} grant decisions.",
    "finance.grant_caption": "{sub_project} · {programme} · {regime} · funding rate {rate} % · {starts} – {ends}",
    "finance.approved": "Grant approved",
    "finance.planned": "Planned expenditures",
    "finance.planned_note": "Financing plan, plan years within the period",
    "finance.spent": "Expenditures (voucher list)",
    "finance.of_planned": "Plan: {planned}",
    "finance.drawn": "Funds drawn",
    "finance.of_approved": "Approved: {approved}",
    "finance.pending": "requested, not yet received: {pending}",
    "finance.idle": "Funds idle beyond the window",
    "finance.idle_note": "{disbursements} drawdowns, up to {days} days past the spending window",
    "finance.next_report": "Next report due in",
    "finance.next_report_note": "{report} {year}, due on {due_on}",
    "report_type.interim": "Interim report",
    "report_type.final": "Final report",
    "finance.cost_note": "{spent} grant funds spent for {jobs} external jobs",
    "finance.leverage_note": "Own contributions {own} to public funding {public} (projects)",
    "finance.joint_figures": "The next report is the chosen grant's; cost per job and leverage are the joint project's.",
    "finance.by_category": "Budget utilisation by cost category",
    "finance.share_spent": "Expenditures in % of plan",
    "finance.plan_line": "Plan",
    "finance.by_category.caption": "Expenditures within the period divided by the plan of the plan years within the period; the line marks 100 % of plan.",
    "finance.over_plan": "Lines over plan",
    "finance.no_flagged": "No line is more than 20 % over plan.",
    "finance.flagged": "More than 20 % over plan: {lines} line(s), {offset} of them in grants that stay within plan as a whole. Even then the overrun must be offset and justified.",
    "finance.over_plan.caption": "Every line (grant, cost category, year) with expenditures over plan; flagged above 20 % (no. 1.2 ANBest-P) or for spending without a plan.",
    "finance.idle_title": "Idle funds drawn",
    "finance.no_idle": "All funds drawn were spent within the spending window.",
    "finance.idle.caption": "Funds drawn must be spent within the window of the side conditions (6 weeks under ANBest-P and NKBF, 2 months under ANBest-Gk); counted first drawn, first spent.",
    "finance.lines": "Financing plan and expenditures per line",
    "cost_category.personnel": "Personnel",
    "cost_category.material": "Material",
    "cost_category.investment": "Investment",
    "cost_category.subcontracting": "Subcontracting",
    "cost_category.travel": "Travel",
    "cost_category.overhead": "Overhead",
    "reports.title": "Reports due",
    "reports.none_due": "No report is due any more as of the as-of date.",
    "data_status.stale": "Stale records",
    "data_status.stale.none": "No stale records: every row holds its last delivered version.",
    "data_status.stale.caption": "These rows were rejected in a newer delivery; until corrected their previous valid version holds and counts in the figures.",
    "data_status.stale.entity": "Data type with stale records",
    "upload.intro": "Load a delivery as CSV or XLSX files (at most {mb} MB per file). The system recognises the data type by the start of the file name, e.g. `jobs_2026-11.xlsx`. Each file is a full snapshot of its data type; faulty rows are rejected and shown with their reason under “Data quality”.",
    "upload.files": "Delivery files",
    "upload.files.help": "Several files at once; only .csv and .xlsx, at most {mb} MB per file.",
    "upload.start": "Upload and load",
    "upload.running": "Loading the delivery …",
    "upload.step.store": "Storing {files} file(s) …",
    "upload.step.ingest": "Checking and loading the files … ({seconds} s)",
    "upload.step.done": "Done.",
    "upload.finished": "Delivery loaded",
    "upload.finished_failed": "Delivery not completely loaded",
    "upload.result": "Result of delivery {folder}",
    "upload.no_report": "The load stopped without a result (code {code}); the published data is unchanged.",
    "upload.status.ok": "Load run {run_id}: {loaded} of {files} files loaded, {rejected} rows rejected.",
    "upload.status.partial": "Load run {run_id}: {loaded} of {files} files loaded, {rejected} rows rejected; at least one file failed or was skipped (reasons below).",
    "upload.status.failed": "Load run {run_id}: no file could be loaded ({loaded} of {files}); the reasons are below.",
    "upload.to_rejected": "See the {rows} rejected rows (Data quality)",
    "upload.expected": "Expected files",
    "upload.expected.caption": "Columns and rules per data type are in the data contract (docs/CONTRACT.md). Uploaded files are kept in the data directory under uploads/.",
    "error.upload_error": "The uploaded delivery could not be processed.",
    "error.upload_error.hint": "The technical detail below names the reason and the next step.",
    "start.upload": "Or upload a delivery right in the app",
    "column.category": "Category",
    "column.series": "Series",
    "column.day": "Day",
    "column.lower": "Lower bound",
    "column.upper": "Upper bound",
    "column.job_category": "Category",
    "column.current": "Actual",
    "column.target_on_as_of": "Target path today",
    "column.forecast": "Forecast at period end",
    "column.target": "Target",
    "column.target_due_on": "Target due on",
    "column.slope_per_month": "Pace (per month)",
    "column.qualification": "Qualification",
    "column.project_related": "Project-related",
    "column.external": "External",
    "column.size_class": "Size class",
    "column.by_headcount_only": "by headcount only",
    "column.use_case": "Use case",
    "column.partner": "Partner",
    "column.company_id": "Company ID",
    "column.name": "Name",
    "column.employees": "Employees",
    "column.postal_code": "Postal code",
    "column.is_craft": "Craft",
    "column.is_startup": "Start-up",
    "column.ude_spinoff": "UDE spin-off",
    "column.joined_on": "Joined on",
    "column.projects": "Projects",
    "column.project_id": "Project ID",
    "column.title": "Title",
    "column.company": "Company",
    "column.started_on": "Started on",
    "column.ended_on": "Ended on",
    "column.public_funding_eur": "Public funding (EUR)",
    "column.own_contribution_eur": "Own contribution (EUR)",
    "column.device_class": "Device class",
    "column.data_policy": "Data policy",
    "column.deployment_id": "Deployment ID",
    "column.model_name": "Model",
    "column.model_version": "Version",
    "column.device_classes": "Device classes",
    "column.went_live_on": "Live since",
    "column.cloud_baseline_latency_ms": "Cloud latency (ms)",
    "column.latency_slo_ms": "Latency objective (ms)",
    "column.sdg_goal": "SDG",
    "column.verified": "verified",
    "column.unverified": "unverified",
    "column.contribution_id": "Contribution ID",
    "column.sdg_target": "SDG target",
    "column.indicator": "Indicator",
    "column.unit": "Unit",
    "column.reported_on": "Reported on",
    "column.evidence": "Evidence",
    "column.semester": "Semester",
    "column.courses": "Courses",
    "column.enrolled": "Enrolled",
    "column.completed": "Completed",
    "column.course_id": "Course ID",
    "column.institution": "Institution",
    "column.ects": "ECTS",
    "column.grant_id": "Grant",
    "column.year": "Year",
    "column.planned_eur": "Planned (EUR)",
    "column.spent_eur": "Spent (EUR)",
    "column.share": "Spent / plan",
    "column.over_eur": "Over plan (EUR)",
    "column.over_percent": "Over plan (%)",
    "column.flagged": "flagged > 20 %",
    "column.grant_within_plan": "Grant within plan overall",
    "column.spent_percent": "Spent (%)",
    "column.disbursement_id": "Drawdown ID",
    "column.received_on": "Received on",
    "column.amount_eur": "Amount (EUR)",
    "column.spend_by": "Spend by",
    "column.idle_at_deadline_eur": "Idle at the deadline (EUR)",
    "column.idle_eur": "Idle on the as-of date (EUR)",
    "column.days_idle": "Days past the window",
    "column.report_type": "Report",
    "column.period_from": "Period from",
    "column.period_to": "Period to",
    "column.due_on": "Due on",
    "column.days_left": "Days left",
    "column.file_pattern": "File name",
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
        '"." = value confidential (fewer than {k_min} cases, or a single contributor holds '
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
    "page.data_status": "Data quality",
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
    "ingest.unchanged": "{file}: identical to the file loaded last (same SHA-256); nothing changed.",
    "ingest.several_snapshots": "Several snapshots of {entity} in one delivery ({files}); they are applied in name order, {last} determines the state.",
    "ingest.extra_columns": "{file}: columns {columns} are not part of the data contract and are ignored.",
    "file_error.missing_columns": "{file}: required column(s) {columns} missing (found: {found}). Add or rename the column(s) in the header row; the columns of {entity} are listed in docs/CONTRACT.md.",
}
