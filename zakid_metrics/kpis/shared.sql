-- The rules that more than one query uses, each named once (format: sql/README.md, "Shared
-- rules"). warehouse.install_shared_sql runs this file on every connection that computes KPIs
-- or reads the warehouse; TEMP because a read-only connection cannot create lasting objects.
-- A table macro is used like a table: FROM engaged_companies($as_of) c.

-- Companies with at least one project started on or before `as_of` (of any status): every
-- column of `companies`.
CREATE OR REPLACE TEMP MACRO engaged_companies(as_of) AS TABLE
SELECT c.*
FROM companies c
WHERE EXISTS (
    SELECT 1 FROM projects p WHERE p.company_id = c.company_id AND p.started_on <= as_of
);

-- Whether a device is in the fleet on `day`: installed (or without a date) on or before it
-- and not removed by it.
CREATE OR REPLACE TEMP MACRO in_fleet(installed_on, removed_on, day) AS
(installed_on IS NULL OR installed_on <= day) AND (removed_on IS NULL OR removed_on > day);

-- The devices in the fleet on `day`: every column of `devices`.
CREATE OR REPLACE TEMP MACRO fleet_devices(day) AS TABLE
SELECT * FROM devices WHERE in_fleet(installed_on, removed_on, day);

-- Whether a device whose latest reading is `last_seen` is online at `moment`: that reading
-- lies within three of its report intervals. NULL for a device never seen.
CREATE OR REPLACE TEMP MACRO device_online(last_seen, report_interval_s, moment) AS
last_seen >= moment - to_seconds(3 * report_interval_s);

-- The deployments live on `as_of`: gone live on or before it and not decommissioned by it;
-- every column of `deployments`.
CREATE OR REPLACE TEMP MACRO live_deployments(as_of) AS TABLE
SELECT *
FROM deployments
WHERE went_live_on <= as_of AND (decommissioned_on IS NULL OR decommissioned_on > as_of);

-- The jobs existing on `as_of`: created on or before it and not ended by it; every column of
-- `jobs`.
CREATE OR REPLACE TEMP MACRO existing_jobs(as_of) AS TABLE
SELECT * FROM jobs WHERE created_on <= as_of AND (ended_on IS NULL OR ended_on > as_of);

-- The first day of a semester `SS 2025` (1 April) or `WS 2025/26` (1 October).
CREATE OR REPLACE TEMP MACRO semester_starts_on(semester) AS
make_date(CAST(substr(semester, 4, 4) AS INTEGER),
          CASE WHEN semester LIKE 'WS %' THEN 10 ELSE 4 END, 1);

-- Plan against actual per Einzelansatz (grant × cost category) and year: the financing plan's
-- years that touch the period [period_from, period_to], and the vouchers paid within it and on
-- or before `as_of` (amount_eur, corrections negative) by year of payment. One row per
-- (grant_id, category, year) with a plan or a voucher; planned_eur and spent_eur are 0.00
-- where there is none. Sum over `year` for the Einzelansatz as a whole.
CREATE OR REPLACE TEMP MACRO plan_vs_actual(period_from, period_to, as_of) AS TABLE
WITH planned AS (
    SELECT grant_id, category, year, sum(planned_eur) AS planned_eur
    FROM budget
    WHERE year BETWEEN year(period_from) AND year(period_to)
    GROUP BY ALL
),
spent AS (
    SELECT grant_id, category, year(paid_on) AS year, sum(amount_eur) AS spent_eur
    FROM expenditures
    WHERE paid_on BETWEEN period_from AND period_to AND paid_on <= as_of
    GROUP BY ALL
)
SELECT grant_id, category, year,
       coalesce(planned.planned_eur, 0) AS planned_eur,
       coalesce(spent.spent_eur, 0) AS spent_eur
FROM planned FULL JOIN spent USING (grant_id, category, year);

-- The published snapshot: the load run it comes from and when it was published (UTC), as the
-- load recorded them in `meta`. No row when nothing was published.
CREATE OR REPLACE TEMP MACRO published_snapshot() AS TABLE
SELECT run_id, published_at
FROM (
    SELECT CAST(max(value) FILTER (WHERE key = 'snapshot_run_id') AS BIGINT) AS run_id,
           CAST(max(value) FILTER (WHERE key = 'published_at') AS TIMESTAMP) AS published_at
    FROM meta
)
WHERE run_id IS NOT NULL AND published_at IS NOT NULL;
