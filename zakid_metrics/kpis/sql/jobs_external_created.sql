-- id: jobs_external_created
-- name_de: Externe Arbeitsplätze geschaffen
-- name_en: External jobs created
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- overview: 2
-- definition_de: Zahl der externen Arbeitsplätze (bei Unternehmen geschaffen), die bis
--   einschließlich zum Stichtag geschaffen wurden (created_on ≤ Stichtag), auch wenn sie
--   inzwischen wieder beendet sind. Ziel laut Förderantrag: 500 bis zum Ende der Förderung.
-- definition_en: Number of external jobs (created at companies) created up to and including
--   the as-of date (created_on ≤ as-of date), including jobs that have ended since. Target of
--   the funding application: 500 by the end of the funding period.
-- framework: ERDF RCR 01 | Jobs created in supported entities (annual FTEs) | in_spirit |
--   Regulation (EU) 2021/1058 (ERDF and Cohesion Fund), Annex I, Table 1;
--   definitions: Commission Staff Working Document SWD(2021) 198
-- source: jobs
SELECT count(*) AS value
FROM jobs
WHERE category = 'external' AND created_on <= $as_of
-- source_rows:
SELECT *
FROM jobs
WHERE category = 'external' AND created_on <= $as_of
ORDER BY created_on, job_id
