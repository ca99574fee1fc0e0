-- id: companies_in_duisburg_share
-- name_de: Anteil beteiligter Unternehmen aus Duisburg
-- name_en: Share of engaged companies in Duisburg
-- unit: share
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- definition_de: Anteil der beteiligten Unternehmen (mindestens ein am oder vor dem Stichtag
--   begonnenes Projekt) mit einer Duisburger Postleitzahl (47051–47279). Ohne beteiligte
--   Unternehmen kein Wert.
-- definition_en: Share of the engaged companies (at least one project started on or before the
--   as-of date) with a Duisburg postal code (47051–47279). No value without engaged companies.
-- source: companies, projects

SELECT count(*) FILTER (WHERE in_duisburg) / nullif(count(*), 0) AS value,
       count(*) FILTER (WHERE in_duisburg) AS in_duisburg,
       count(*) AS engaged
FROM engaged_companies($as_of) c
-- source_rows:
SELECT c.*
FROM engaged_companies($as_of) c
ORDER BY c.in_duisburg DESC, c.company_id
