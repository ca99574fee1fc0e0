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

-- Whether a postal code (text) lies in Duisburg, 47051–47279: contract.DUISBURG_POSTAL_CODES,
-- which the companies' derived column in_duisburg uses (a test keeps the two equal). NULL for
-- a code that is NULL.
CREATE OR REPLACE TEMP MACRO in_duisburg(postal_code) AS
TRY_CAST(postal_code AS INTEGER) BETWEEN 47051 AND 47279;

-- The first day of a semester `SS 2025` (1 April) or `WS 2025/26` (1 October).
CREATE OR REPLACE TEMP MACRO semester_starts_on(semester) AS
make_date(CAST(substr(semester, 4, 4) AS INTEGER),
          CASE WHEN semester LIKE 'WS %' THEN 10 ELSE 4 END, 1);

-- A voucher's eligible amount (CONTRACT.md section 2, expenditures): net of its input VAT when
-- the grant's recipient may deduct it, else the gross amount. zakid_metrics.funding.eligible
-- is the same rule for the funding rules' inputs.
CREATE OR REPLACE TEMP MACRO eligible_eur(amount_eur, vat_eur, vat_deductible) AS
CASE WHEN vat_deductible THEN amount_eur - vat_eur ELSE amount_eur END;

-- Plan against actual per Einzelansatz (grant × cost category) and year: the financing plan's
-- years that touch the period [period_from, period_to], and the vouchers paid within it and on
-- or before `as_of` at their eligible amount (eligible_eur; corrections negative) by year of
-- payment. One row per (grant_id, category, year) with a plan or a voucher; planned_eur and
-- spent_eur are 0.00 where there is none. Sum over `year` for the Einzelansatz as a whole.
CREATE OR REPLACE TEMP MACRO plan_vs_actual(period_from, period_to, as_of) AS TABLE
WITH planned AS (
    SELECT grant_id, category, year, sum(planned_eur) AS planned_eur
    FROM budget
    WHERE year BETWEEN year(period_from) AND year(period_to)
    GROUP BY ALL
),
spent AS (
    SELECT e.grant_id, e.category, year(e.paid_on) AS year,
           sum(eligible_eur(e.amount_eur, e.vat_eur, g.vat_deductible)) AS spent_eur
    FROM expenditures e JOIN grants g ON g.grant_id = e.grant_id
    WHERE e.paid_on BETWEEN period_from AND period_to AND e.paid_on <= as_of
    GROUP BY ALL
)
SELECT grant_id, category, year,
       coalesce(planned.planned_eur, 0) AS planned_eur,
       coalesce(spent.spent_eur, 0) AS spent_eur
FROM planned FULL JOIN spent USING (grant_id, category, year);

-- The inputs of the funding rules (zakid_metrics.funding.read_inputs) of every grant decided on
-- or before `as_of`, one row per grant: its facts, and as lists in the rules' order its
-- financing plan (`plan`, all years), the vouchers paid up to `as_of` (`vouchers`), the calls
-- requested up to `as_of` (`calls`; received_on NULL while in transit on `as_of`) and its
-- Deckungsmittel (`revenues`, all years). A list is NULL where the grant has no such row.
CREATE OR REPLACE TEMP MACRO funding_inputs(as_of) AS TABLE
WITH plan_lists AS (
    SELECT grant_id,
           list({'category': category, 'year': year, 'planned_eur': planned_eur}
                ORDER BY year, category, budget_line_id) AS plan
    FROM budget
    GROUP BY grant_id
),
voucher_lists AS (
    SELECT grant_id,
           list({'expenditure_id': expenditure_id, 'category': category, 'paid_on': paid_on,
                 'amount_eur': amount_eur, 'vat_eur': vat_eur}
                ORDER BY paid_on, expenditure_id) AS vouchers
    FROM expenditures
    WHERE paid_on <= as_of
    GROUP BY grant_id
),
call_lists AS (
    SELECT grant_id,
           list({'disbursement_id': disbursement_id,
                 'received_on': CASE WHEN received_on <= as_of THEN received_on END,
                 'amount_eur': amount_eur}
                ORDER BY requested_on, disbursement_id) AS calls
    FROM disbursements
    WHERE requested_on <= as_of
    GROUP BY grant_id
),
revenue_lists AS (
    SELECT grant_id,
           list({'kind': kind, 'year': year, 'planned_eur': planned_eur,
                 'actual_eur': actual_eur}
                ORDER BY year, kind, revenue_id) AS revenues
    FROM revenues
    GROUP BY grant_id
)
SELECT g.grant_id, g.regime, g.funding_rate, g.approved_eur, g.starts_on, g.ends_on,
       g.vat_deductible, p.plan, v.vouchers, c.calls, r.revenues
FROM grants g
LEFT JOIN plan_lists p ON p.grant_id = g.grant_id
LEFT JOIN voucher_lists v ON v.grant_id = g.grant_id
LEFT JOIN call_lists c ON c.grant_id = g.grant_id
LEFT JOIN revenue_lists r ON r.grant_id = g.grant_id
WHERE g.decided_on <= as_of
ORDER BY g.grant_id;

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
