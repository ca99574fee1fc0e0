-- id: jobs_permanence
-- name_de: Dauerhaftigkeit der Arbeitsplätze
-- name_en: Permanence of the jobs
-- unit: share
-- audience: internal
-- direction: higher
-- shape: breakdown
-- dimensions: months
-- definition_de: Von den Arbeitsplätzen beider Kategorien, die mindestens N Monate vor dem
--   Stichtag geschaffen wurden (N = 12, 36, 60; positions), der Anteil, der nach N Monaten
--   noch besteht: er besteht am Tag created_on + N Monate (ended_on leer oder danach) und der
--   Arbeitgeber hat ihn an diesem Tag oder später bestätigt (confirmed_on). Ohne solche
--   Bestätigung ist er „unbestätigt“ (unconfirmed) und zählt nie als erhalten; beendete
--   (ended) ebenso nicht. Unter k (ZAKID_K_MIN) Arbeitsplätzen wird kein Anteil berechnet;
--   veröffentlicht werden darf er nur ab k Arbeitsplätzen je Zeitraum (Offenlegungskontrolle;
--   die offenen Daten führen ihn noch nicht, da ihre Kennzahlen einen Wert je Kennzahl haben).
-- definition_en: Of the jobs of both categories created at least N months before the as-of
--   date (N = 12, 36, 60; positions), the share that still exists after N months: it exists on
--   created_on + N months (ended_on empty or after it) and the employer confirmed it on or
--   after that day (confirmed_on). Without such a confirmation it is unconfirmed and never
--   counts as kept; ended ones do not either. Below k (ZAKID_K_MIN) positions no share is
--   computed; it may be published only from k positions per horizon on (disclosure control; the
--   open data do not carry it yet, as their key figures hold one value per KPI).
-- source: jobs

WITH horizons AS (
    SELECT * FROM (VALUES (12), (36), (60)) AS h(months)
),
followed AS (
    SELECT h.months, j.job_id,
           CAST(j.created_on + to_months(h.months) AS DATE) AS day,
           j.ended_on, j.confirmed_on
    FROM horizons h JOIN jobs j ON CAST(j.created_on + to_months(h.months) AS DATE) <= $as_of
),
states AS (
    SELECT months,
           CASE WHEN ended_on IS NOT NULL AND ended_on <= day THEN 'ended'
                WHEN confirmed_on >= day THEN 'kept'
                ELSE 'unconfirmed' END AS state
    FROM followed
)
SELECT h.months,
       CASE WHEN count(s.state) >= $k_min
            THEN count(*) FILTER (WHERE s.state = 'kept') / count(s.state) END AS value,
       count(s.state) AS positions,
       count(*) FILTER (WHERE s.state = 'kept') AS kept,
       count(*) FILTER (WHERE s.state = 'unconfirmed') AS unconfirmed,
       count(*) FILTER (WHERE s.state = 'ended') AS ended
FROM horizons h LEFT JOIN states s USING (months)
GROUP BY h.months
ORDER BY h.months
-- source_rows:
WITH horizons AS (
    SELECT * FROM (VALUES (12), (36), (60)) AS h(months)
)
SELECT h.months, CAST(j.created_on + to_months(h.months) AS DATE) AS followed_up_on,
       CASE WHEN j.ended_on IS NOT NULL
                 AND j.ended_on <= CAST(j.created_on + to_months(h.months) AS DATE) THEN 'ended'
            WHEN j.confirmed_on >= CAST(j.created_on + to_months(h.months) AS DATE) THEN 'kept'
            ELSE 'unconfirmed' END AS state,
       j.*
FROM horizons h JOIN jobs j ON CAST(j.created_on + to_months(h.months) AS DATE) <= $as_of
ORDER BY h.months, j.created_on, j.job_id
