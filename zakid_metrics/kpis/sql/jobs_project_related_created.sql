-- id: jobs_project_related_created
-- name_de: Projektbezogene Arbeitsplätze geschaffen
-- name_en: Project-related jobs created
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- overview: 1
-- definition_de: Zahl der projektbezogenen Arbeitsplätze (Personal des Zentrums selbst), die
--   bis einschließlich zum Stichtag geschaffen wurden (created_on ≤ Stichtag), auch wenn sie
--   inzwischen wieder beendet sind. Ziel laut Förderantrag: 30 bis zum Ende der Förderung.
-- definition_en: Number of project-related jobs (staff of the centre itself) created up to
--   and including the as-of date (created_on ≤ as-of date), including jobs that have ended
--   since. Target of the funding application: 30 by the end of the funding period.
-- source: jobs
SELECT count(*) AS value
FROM jobs
WHERE category = 'project_related' AND created_on <= $as_of
-- source_rows:
SELECT *
FROM jobs
WHERE category = 'project_related' AND created_on <= $as_of
ORDER BY created_on, job_id
