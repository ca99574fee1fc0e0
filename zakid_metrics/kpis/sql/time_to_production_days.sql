-- id: time_to_production_days
-- name_de: Zeit bis zur Produktion (Median, Tage)
-- name_en: Time to production (median, days)
-- unit: days
-- audience: internal
-- direction: lower
-- shape: scalar
-- definition_de: Median über die am oder vor dem Stichtag begonnenen Projekte der Tage vom
--   Projektbeginn (started_on) bis zum ersten Produktivstart (went_live_on) eines ihrer
--   KI-Einsätze, soweit dieser am oder vor dem Stichtag liegt. Projekte ohne Produktivstart
--   zählen nicht mit; ohne solche Projekte kein Wert.
-- definition_en: Median over the projects started on or before the as-of date of the days from
--   the project start (started_on) to the first go-live (went_live_on) of one of its
--   deployments, where that lies on or before the as-of date. Projects without a go-live do
--   not count; without such projects there is no value.
-- source: projects, deployments

WITH first_live AS (
    SELECT p.project_id, min(d.went_live_on) - p.started_on AS days
    FROM projects p JOIN deployments d ON d.project_id = p.project_id
    WHERE p.started_on <= $as_of AND d.went_live_on <= $as_of
    GROUP BY p.project_id, p.started_on
)
SELECT median(days) AS value, count(*) AS projects
FROM first_live
-- source_rows:
SELECT p.project_id, p.title, p.company_id, p.status, p.started_on,
       min(d.went_live_on) AS first_went_live_on,
       min(d.went_live_on) - p.started_on AS days_to_production,
       bool_or(p._stale OR d._stale) AS _stale
FROM projects p JOIN deployments d ON d.project_id = p.project_id
WHERE p.started_on <= $as_of AND d.went_live_on <= $as_of
GROUP BY p.project_id, p.title, p.company_id, p.status, p.started_on
ORDER BY days_to_production, p.project_id
