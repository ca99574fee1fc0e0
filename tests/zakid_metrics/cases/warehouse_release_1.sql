-- The warehouse schema of release 1 (schema version 1), frozen: the DDL that
-- zakid_metrics.warehouse.create_schema ran at commit 38263e3. The migration test builds a
-- warehouse of the previous release from it. Never edit: it is what is out there.

CREATE TABLE companies (
  company_id VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  public_name_consent BOOLEAN,
  employees BIGINT NOT NULL,
  annual_turnover_eur DECIMAL(18,2),
  balance_sheet_eur DECIMAL(18,2),
  is_craft BOOLEAN,
  craft_annex VARCHAR,
  is_startup BOOLEAN,
  founded_on DATE,
  ude_spinoff BOOLEAN,
  sector_code VARCHAR,
  postal_code VARCHAR NOT NULL,
  joined_on DATE NOT NULL,
  size_class VARCHAR,
  size_class_by_headcount_only BOOLEAN,
  is_sme BOOLEAN,
  in_duisburg BOOLEAN,
  _run_id BIGINT NOT NULL,
  _file VARCHAR NOT NULL,
  _line INTEGER NOT NULL,
  _stale BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE grants (
  grant_id VARCHAR NOT NULL,
  recipient VARCHAR NOT NULL,
  sub_project VARCHAR NOT NULL,
  programme VARCHAR NOT NULL,
  regime VARCHAR NOT NULL,
  funding_rate DECIMAL(9,6) NOT NULL,
  approved_eur DECIMAL(18,2) NOT NULL,
  decided_on DATE NOT NULL,
  starts_on DATE NOT NULL,
  ends_on DATE NOT NULL,
  drawdown_window VARCHAR,
  final_report_due_on DATE,
  _run_id BIGINT NOT NULL,
  _file VARCHAR NOT NULL,
  _line INTEGER NOT NULL,
  _stale BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE projects (
  project_id VARCHAR NOT NULL,
  title VARCHAR NOT NULL,
  company_id VARCHAR NOT NULL,
  partner VARCHAR NOT NULL,
  use_case VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  started_on DATE NOT NULL,
  ended_on DATE,
  public_funding_eur DECIMAL(18,2),
  own_contribution_eur DECIMAL(18,2),
  builds_on_ude_research BOOLEAN,
  _run_id BIGINT NOT NULL,
  _file VARCHAR NOT NULL,
  _line INTEGER NOT NULL,
  _stale BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE jobs (
  job_id VARCHAR NOT NULL,
  category VARCHAR NOT NULL,
  company_id VARCHAR,
  project_id VARCHAR,
  created_on DATE NOT NULL,
  ended_on DATE,
  fte DOUBLE NOT NULL,
  annual_gross_salary_eur DECIMAL(18,2),
  qualification VARCHAR,
  _run_id BIGINT NOT NULL,
  _file VARCHAR NOT NULL,
  _line INTEGER NOT NULL,
  _stale BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE deployments (
  deployment_id VARCHAR NOT NULL,
  project_id VARCHAR NOT NULL,
  model_name VARCHAR NOT NULL,
  model_version VARCHAR,
  site_postal_code VARCHAR,
  went_live_on DATE,
  decommissioned_on DATE,
  data_policy VARCHAR NOT NULL,
  cloud_baseline_latency_ms DOUBLE,
  latency_slo_ms DOUBLE,
  _run_id BIGINT NOT NULL,
  _file VARCHAR NOT NULL,
  _line INTEGER NOT NULL,
  _stale BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE devices (
  device_id VARCHAR NOT NULL,
  deployment_id VARCHAR NOT NULL,
  device_class VARCHAR NOT NULL,
  installed_on DATE,
  removed_on DATE,
  report_interval_s BIGINT,
  _run_id BIGINT NOT NULL,
  _file VARCHAR NOT NULL,
  _line INTEGER NOT NULL,
  _stale BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE sdg_contributions (
  contribution_id VARCHAR NOT NULL,
  project_id VARCHAR NOT NULL,
  sdg_goal BIGINT NOT NULL,
  sdg_target VARCHAR,
  indicator VARCHAR NOT NULL,
  value DOUBLE,
  unit VARCHAR,
  reported_on DATE NOT NULL,
  evidence VARCHAR,
  verified BOOLEAN,
  _run_id BIGINT NOT NULL,
  _file VARCHAR NOT NULL,
  _line INTEGER NOT NULL,
  _stale BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE budget (
  budget_line_id VARCHAR NOT NULL,
  grant_id VARCHAR NOT NULL,
  category VARCHAR NOT NULL,
  year BIGINT NOT NULL,
  planned_eur DECIMAL(18,2) NOT NULL,
  _run_id BIGINT NOT NULL,
  _file VARCHAR NOT NULL,
  _line INTEGER NOT NULL,
  _stale BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE expenditures (
  expenditure_id VARCHAR NOT NULL,
  grant_id VARCHAR NOT NULL,
  category VARCHAR NOT NULL,
  paid_on DATE NOT NULL,
  amount_eur DECIMAL(18,2) NOT NULL,
  vendor VARCHAR,
  description VARCHAR NOT NULL,
  project_id VARCHAR,
  _run_id BIGINT NOT NULL,
  _file VARCHAR NOT NULL,
  _line INTEGER NOT NULL,
  _stale BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE disbursements (
  disbursement_id VARCHAR NOT NULL,
  grant_id VARCHAR NOT NULL,
  requested_on DATE NOT NULL,
  received_on DATE,
  amount_eur DECIMAL(18,2) NOT NULL,
  _run_id BIGINT NOT NULL,
  _file VARCHAR NOT NULL,
  _line INTEGER NOT NULL,
  _stale BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE courses (
  course_id VARCHAR NOT NULL,
  title VARCHAR NOT NULL,
  institution VARCHAR NOT NULL,
  semester VARCHAR NOT NULL,
  ects DOUBLE,
  enrolled BIGINT NOT NULL,
  completed BIGINT,
  embedded_ai BOOLEAN,
  _run_id BIGINT NOT NULL,
  _file VARCHAR NOT NULL,
  _line INTEGER NOT NULL,
  _stale BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE targets (
  kpi_id VARCHAR NOT NULL,
  due_on DATE NOT NULL,
  target_value DOUBLE NOT NULL,
  _run_id BIGINT NOT NULL,
  _file VARCHAR NOT NULL,
  _line INTEGER NOT NULL,
  _stale BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE load_runs (
    run_id BIGINT NOT NULL,
    started_at TIMESTAMP NOT NULL,    -- UTC
    finished_at TIMESTAMP NOT NULL,   -- UTC
    status VARCHAR NOT NULL,          -- ok | partial | failed
    triggered_by VARCHAR NOT NULL,
    files INTEGER NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    rows_duplicate BIGINT NOT NULL
);
CREATE TABLE load_files (
    run_id BIGINT NOT NULL,
    file VARCHAR NOT NULL,            -- the file's name
    path VARCHAR NOT NULL,            -- the path it was loaded from
    entity VARCHAR,                   -- NULL when the name matches no entity
    status VARCHAR NOT NULL,          -- loaded | unchanged | failed | skipped
    sha256 VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    format VARCHAR,
    encoding VARCHAR,
    delimiter VARCHAR,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    rows_duplicate BIGINT NOT NULL,
    errors VARCHAR[] NOT NULL,
    errors_de VARCHAR[] NOT NULL,
    warnings VARCHAR[] NOT NULL,
    warnings_de VARCHAR[] NOT NULL
);
CREATE TABLE rejected_rows (
    run_id BIGINT NOT NULL,
    file VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    line INTEGER NOT NULL,
    "column" VARCHAR,
    value VARCHAR,
    reason VARCHAR NOT NULL,          -- English
    reason_de VARCHAR NOT NULL,
    code VARCHAR NOT NULL,            -- machine-readable reason, e.g. unknown_reference
    record_key VARCHAR                -- the row's id where it could be read
);

CREATE VIEW report_deadlines AS
SELECT grant_id, 'interim' AS report_type,
       greatest(starts_on, make_date(y, 1, 1)) AS period_from,
       make_date(y, 12, 31) AS period_to,
       make_date(y + 1, 4, 30) AS due_on
FROM grants, range(year(starts_on), year(ends_on)) AS years(y)
WHERE make_date(y, 12, 31) < ends_on
UNION ALL
SELECT grant_id, 'final', starts_on, ends_on, final_report_due_on FROM grants;

CREATE VIEW entity_status AS
WITH counts AS (SELECT 'companies' AS entity, count(*) AS rows, count(*) FILTER (WHERE _stale) AS stale_rows FROM companies UNION ALL SELECT 'grants' AS entity, count(*) AS rows, count(*) FILTER (WHERE _stale) AS stale_rows FROM grants UNION ALL SELECT 'projects' AS entity, count(*) AS rows, count(*) FILTER (WHERE _stale) AS stale_rows FROM projects UNION ALL SELECT 'jobs' AS entity, count(*) AS rows, count(*) FILTER (WHERE _stale) AS stale_rows FROM jobs UNION ALL SELECT 'deployments' AS entity, count(*) AS rows, count(*) FILTER (WHERE _stale) AS stale_rows FROM deployments UNION ALL SELECT 'devices' AS entity, count(*) AS rows, count(*) FILTER (WHERE _stale) AS stale_rows FROM devices UNION ALL SELECT 'sdg_contributions' AS entity, count(*) AS rows, count(*) FILTER (WHERE _stale) AS stale_rows FROM sdg_contributions UNION ALL SELECT 'budget' AS entity, count(*) AS rows, count(*) FILTER (WHERE _stale) AS stale_rows FROM budget UNION ALL SELECT 'expenditures' AS entity, count(*) AS rows, count(*) FILTER (WHERE _stale) AS stale_rows FROM expenditures UNION ALL SELECT 'disbursements' AS entity, count(*) AS rows, count(*) FILTER (WHERE _stale) AS stale_rows FROM disbursements UNION ALL SELECT 'courses' AS entity, count(*) AS rows, count(*) FILTER (WHERE _stale) AS stale_rows FROM courses UNION ALL SELECT 'targets' AS entity, count(*) AS rows, count(*) FILTER (WHERE _stale) AS stale_rows FROM targets),
last_file AS (
    SELECT f.entity, f.file, f.sha256, f.run_id, r.finished_at AS loaded_at
    FROM load_files f JOIN load_runs r USING (run_id)
    WHERE f.status IN ('loaded', 'unchanged') AND f.entity IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY f.entity ORDER BY f.run_id DESC, f.file DESC) = 1
)
SELECT c.entity, c.rows, c.stale_rows, l.file AS last_file, l.sha256 AS last_sha256,
       l.run_id AS last_run_id, l.loaded_at AS last_loaded_at
FROM counts c LEFT JOIN last_file l USING (entity);

INSERT INTO meta VALUES ('schema_version', '1');
