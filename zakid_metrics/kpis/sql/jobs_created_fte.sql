-- id: jobs_created_fte
-- name_de: Geschaffene Vollzeitäquivalente
-- name_en: Full-time equivalents created
-- unit: fte
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: breakdown
-- dimensions: category
-- definition_de: Summe der Vollzeitäquivalente (fte) der bis einschließlich zum Stichtag
--   geschaffenen Arbeitsplätze (created_on ≤ Stichtag), auch wenn sie inzwischen beendet sind,
--   nach Kategorie (projektbezogen, extern), mit der Zahl der Arbeitsplätze (jobs). Eine halbe
--   Stelle zählt 0,5.
-- definition_en: Sum of the full-time equivalents (fte) of the jobs created up to and including
--   the as-of date (created_on ≤ as-of date), including jobs that have ended since, by category
--   (project-related, external), with the number of jobs (jobs). A half-time position counts
--   0.5.
-- framework: ERDF RCR 01 | Jobs created in supported entities (annual FTEs) | corresponds |
--   Regulation (EU) 2021/1058 (ERDF and Cohesion Fund), Annex I, Table 1;
--   definitions: Commission Staff Working Document SWD(2021) 198
-- source: jobs
SELECT category,
       round(coalesce(sum(fte), 0), 4) AS value,
       count(*) AS jobs
FROM jobs
WHERE created_on <= $as_of
GROUP BY GROUPING SETS ((category), ())
ORDER BY list_position(['project_related', 'external'], category) NULLS LAST
-- source_rows:
SELECT *
FROM jobs
WHERE created_on <= $as_of
ORDER BY category DESC, created_on, job_id
