-- id: jobs_external_existing
-- name_de: Bestehende externe Arbeitsplätze
-- name_en: Existing external jobs
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- definition_de: Zahl der externen Arbeitsplätze, die am Stichtag bestehen (geschaffen am oder
--   vor dem Stichtag, ended_on leer oder nach dem Stichtag), und ihre Summe an
--   Vollzeitäquivalenten (fte).
-- definition_en: Number of external jobs that exist on the as-of date (created on or before
--   it, ended_on empty or after it), and the sum of their full-time equivalents (fte).
-- source: jobs
SELECT count(*) AS value,
       round(coalesce(sum(fte), 0), 4) AS fte
FROM existing_jobs($as_of)
WHERE category = 'external'
-- source_rows:
SELECT *
FROM existing_jobs($as_of)
WHERE category = 'external'
ORDER BY created_on, job_id
