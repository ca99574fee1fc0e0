-- id: jobs_unattributed
-- name_de: Externe Arbeitsplätze ohne Projekt
-- name_en: External jobs without a project
-- unit: count
-- audience: internal
-- direction: lower
-- shape: scalar
-- definition_de: Datenqualität: Zahl der bis einschließlich zum Stichtag geschaffenen externen
--   Arbeitsplätze, die kein Projekt nennen (project_id leer). Sie zählen als geschaffen, lassen
--   sich aber keinem Transferprojekt des Zentrums zuordnen; die Evaluation wird ihre
--   Zurechnung prüfen. Dazu der Anteil an allen externen Arbeitsplätzen (share).
-- definition_en: Data quality: number of the external jobs created up to and including the
--   as-of date that name no project (project_id empty). They count as created, but cannot be
--   attributed to a transfer project of the centre; the evaluation will question their
--   attribution. With their share of all external jobs (share).
-- source: jobs
SELECT count(*) FILTER (WHERE project_id IS NULL) AS value,
       count(*) FILTER (WHERE project_id IS NULL) / nullif(count(*), 0) AS share
FROM jobs
WHERE category = 'external' AND created_on <= $as_of
-- source_rows:
SELECT *
FROM jobs
WHERE category = 'external' AND project_id IS NULL AND created_on <= $as_of
ORDER BY created_on, job_id
