-- id: sme_share
-- name_de: KMU-Anteil der beteiligten Unternehmen
-- name_en: SME share of engaged companies
-- unit: share
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- overview: 4
-- definition_de: Anteil der kleinen und mittleren Unternehmen (EU-KMU-Definition, Empfehlung
--   2003/361/EG) an den beteiligten Unternehmen, also den Unternehmen mit mindestens einem am
--   oder vor dem Stichtag begonnenen Projekt. Ohne beteiligte Unternehmen kein Wert.
-- definition_en: Share of small and medium-sized enterprises (EU SME definition,
--   Recommendation 2003/361/EC) among the engaged companies, i.e. the companies with at least
--   one project started on or before the as-of date. No value without engaged companies.
-- source: companies, projects

SELECT count(*) FILTER (WHERE is_sme) / nullif(count(*), 0) AS value,
       count(*) FILTER (WHERE is_sme) AS smes,
       count(*) AS engaged
FROM engaged_companies($as_of) c
-- source_rows:
SELECT c.*
FROM engaged_companies($as_of) c
ORDER BY c.is_sme DESC, c.company_id
