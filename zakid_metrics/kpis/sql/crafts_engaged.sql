-- id: crafts_engaged
-- name_de: Beteiligte Handwerksbetriebe
-- name_en: Craft businesses engaged
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- overview: 5
-- definition_de: Zahl der beteiligten Unternehmen (mindestens ein am oder vor dem Stichtag
--   begonnenes Projekt), die Handwerksbetriebe sind (is_craft).
-- definition_en: Number of engaged companies (at least one project started on or before the
--   as-of date) that are craft businesses (is_craft).
-- source: companies, projects

SELECT count(*) AS value
FROM engaged_companies($as_of) c
WHERE c.is_craft
-- source_rows:
SELECT c.*
FROM engaged_companies($as_of) c
WHERE c.is_craft
ORDER BY c.company_id
