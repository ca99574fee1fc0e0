-- id: startups_engaged
-- name_de: Beteiligte Start-ups
-- name_en: Start-ups engaged
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- definition_de: Zahl der beteiligten Unternehmen (mindestens ein am oder vor dem Stichtag
--   begonnenes Projekt), die Start-ups sind (is_startup), und davon die Ausgründungen aus der
--   Universität Duisburg-Essen (ude_spinoffs).
-- definition_en: Number of engaged companies (at least one project started on or before the
--   as-of date) that are start-ups (is_startup), and of those the spin-offs of the University
--   of Duisburg-Essen (ude_spinoffs).
-- framework: ERDF RCO 05 | New enterprises supported | in_spirit |
--   Regulation (EU) 2021/1058 (ERDF and Cohesion Fund), Annex I, Table 1;
--   definitions: Commission Staff Working Document SWD(2021) 198
-- source: companies, projects

SELECT count(*) AS value,
       count(*) FILTER (WHERE ude_spinoff) AS ude_spinoffs
FROM engaged_companies($as_of) c
WHERE c.is_startup
-- source_rows:
SELECT c.*
FROM engaged_companies($as_of) c
WHERE c.is_startup
ORDER BY c.company_id
