-- id: public_cost_per_external_job
-- name_de: Öffentliche Mittel je externem Arbeitsplatz
-- name_en: Public cost per external job
-- unit: eur
-- audience: internal
-- direction: lower
-- shape: scalar
-- overview: 8
-- definition_de: Verausgabte öffentliche Mittel geteilt durch die bis zum Stichtag geschaffenen
--   externen Arbeitsplätze (jobs_external_created), auf den Cent gerundet. Verausgabt sind je
--   Zuwendung die am oder vor dem Stichtag gezahlten Ausgaben laut Belegliste mal Förderquote
--   (funding_rate), höchstens die bewilligte Zuwendung. Ohne externe Arbeitsplätze kein Wert.
-- definition_en: Public funds spent divided by the external jobs created up to the as-of date
--   (jobs_external_created), rounded to the cent. Spent is, per grant, the expenditures of the
--   voucher list paid on or before the as-of date times the funding rate (funding_rate), at
--   most the amount granted. No value without external jobs.
-- source: expenditures, grants, jobs

WITH public_spent AS (
    SELECT coalesce(sum(least(greatest(round(spent_eur * funding_rate, 2), 0), approved_eur)), 0)
               AS public_spent_eur
    FROM (
        SELECT g.grant_id, g.funding_rate, g.approved_eur,
               coalesce(sum(e.amount_eur), 0) AS spent_eur
        FROM grants g LEFT JOIN expenditures e
             ON e.grant_id = g.grant_id AND e.paid_on <= $as_of
        GROUP BY ALL
    )
),
created AS (
    SELECT count(*) AS jobs_external_created
    FROM jobs
    WHERE category = 'external' AND created_on <= $as_of
)
-- Exact to the cent: whole cents divided with rounding half up (dividing DECIMALs in DuckDB
-- would give a DOUBLE).
SELECT CAST(
           (2 * CAST(public_spent_eur * 100 AS HUGEINT) + jobs_external_created)
               // nullif(2 * jobs_external_created, 0)
           AS DECIMAL(18, 0)
       ) * 0.01 AS value,
       public_spent_eur,
       jobs_external_created
FROM public_spent, created
-- source_rows:
SELECT g.grant_id, g.recipient, g.funding_rate, g.approved_eur,
       coalesce(sum(e.amount_eur), 0) AS spent_eur,
       least(greatest(round(coalesce(sum(e.amount_eur), 0) * g.funding_rate, 2), 0),
             g.approved_eur) AS public_spent_eur,
       bool_or(g._stale OR coalesce(e._stale, false)) AS _stale
FROM grants g LEFT JOIN expenditures e ON e.grant_id = g.grant_id AND e.paid_on <= $as_of
GROUP BY g.grant_id, g.recipient, g.funding_rate, g.approved_eur
ORDER BY g.grant_id
