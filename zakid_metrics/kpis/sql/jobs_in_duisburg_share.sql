-- id: jobs_in_duisburg_share
-- name_de: Anteil der Arbeitsplätze in Duisburg
-- name_en: Share of jobs in Duisburg
-- unit: share
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- definition_de: Anteil der bis einschließlich zum Stichtag geschaffenen Arbeitsplätze beider
--   Kategorien, deren Arbeitsort in Duisburg liegt (workplace_postal_code 47051–47279; ohne
--   Angabe die Postleitzahl des Unternehmens, bei projektbezogenen Stellen die des Zentrums),
--   mit der Zahl in Duisburg (in_duisburg) und anderswo (elsewhere).
-- definition_en: Share of the jobs of both categories created up to and including the as-of
--   date whose place of work lies in Duisburg (workplace_postal_code 47051–47279; without one,
--   the company's postal code, the centre's for project-related jobs), with the number in
--   Duisburg (in_duisburg) and elsewhere (elsewhere).
-- source: jobs
SELECT count(*) FILTER (WHERE in_duisburg(workplace_postal_code)) / nullif(count(*), 0) AS value,
       count(*) FILTER (WHERE in_duisburg(workplace_postal_code)) AS in_duisburg,
       count(*) FILTER (WHERE NOT in_duisburg(workplace_postal_code)) AS elsewhere
FROM jobs
WHERE created_on <= $as_of
-- source_rows:
SELECT *, in_duisburg(workplace_postal_code) AS workplace_in_duisburg
FROM jobs
WHERE created_on <= $as_of
ORDER BY workplace_in_duisburg DESC, created_on, job_id
