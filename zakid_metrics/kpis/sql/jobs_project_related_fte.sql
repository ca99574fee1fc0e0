-- id: jobs_project_related_fte
-- name_de: Projektbezogene Stellen in Vollzeitäquivalenten
-- name_en: Project-related jobs in full-time equivalents
-- unit: fte
-- audience: internal
-- direction: higher
-- shape: scalar
-- definition_de: Summe der Vollzeitäquivalente (fte) der projektbezogenen Arbeitsplätze, die am
--   Stichtag bestehen: geschaffen am oder vor dem Stichtag und nicht beendet (ended_on leer
--   oder nach dem Stichtag; eine am Stichtag beendete Stelle besteht nicht mehr).
-- definition_en: Sum of the full-time equivalents (fte) of the project-related jobs that exist
--   on the as-of date: created on or before it and not ended (ended_on empty or after it; a
--   job ended on the as-of date no longer exists).
-- source: jobs
SELECT round(coalesce(sum(fte), 0), 4) AS value,
       count(*) AS jobs                   -- the jobs the FTE add up from
FROM existing_jobs($as_of)
WHERE category = 'project_related'
-- source_rows:
SELECT *
FROM existing_jobs($as_of)
WHERE category = 'project_related'
ORDER BY created_on, job_id
