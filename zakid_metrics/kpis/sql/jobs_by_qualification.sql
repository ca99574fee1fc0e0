-- id: jobs_by_qualification
-- name_de: Geschaffene Arbeitsplätze nach Qualifikation
-- name_en: Jobs created by qualification
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: breakdown
-- dimensions: qualification
-- definition_de: Bis zum Stichtag geschaffene Arbeitsplätze beider Kategorien (created_on ≤
--   Stichtag) nach Qualifikation (akademisch, beruflich, sonstige, unbekannt), mit der Aufteilung
--   in projektbezogene und externe Arbeitsplätze.
-- definition_en: Jobs of both categories created up to the as-of date (created_on ≤ as-of date)
--   by qualification (academic, vocational, other, unknown), split into project-related and
--   external jobs.
-- source: jobs
SELECT qualification,
       count(*) AS value,
       count(*) FILTER (WHERE category = 'project_related') AS project_related,
       count(*) FILTER (WHERE category = 'external') AS external
FROM jobs
WHERE created_on <= $as_of
GROUP BY GROUPING SETS ((qualification), ())
ORDER BY qualification NULLS LAST
-- source_rows:
SELECT *
FROM jobs
WHERE created_on <= $as_of
ORDER BY qualification, created_on, job_id
