-- id: private_leverage
-- name_de: Hebel privater Mittel
-- name_en: Private leverage
-- unit: ratio
-- audience: internal
-- direction: higher
-- shape: scalar
-- definition_de: Summe der Eigenanteile der Unternehmen (own_contribution_eur) geteilt durch
--   die Summe der öffentlichen Förderung (public_funding_eur) über die am oder vor dem
--   Stichtag begonnenen Projekte: wie viele Euro privat je Euro öffentlich eingesetzt werden.
--   Ohne öffentliche Förderung kein Wert.
-- definition_en: Sum of the companies' own contributions (own_contribution_eur) divided by the
--   sum of public funding (public_funding_eur) over the projects started on or before the
--   as-of date: private euros per public euro. No value without public funding.
-- framework: ERDF RCR 02 | Private investments matching public support (of which: grants,
--   financial instruments) | in_spirit |
--   Regulation (EU) 2021/1058 (ERDF and Cohesion Fund), Annex I, Table 1;
--   definitions: Commission Staff Working Document SWD(2021) 198
-- source: projects

SELECT sum(own_contribution_eur) / nullif(sum(public_funding_eur), 0) AS value,
       coalesce(sum(own_contribution_eur), 0) AS own_contribution_eur,
       coalesce(sum(public_funding_eur), 0) AS public_funding_eur
FROM projects
WHERE started_on <= $as_of
-- source_rows:
SELECT *
FROM projects
WHERE started_on <= $as_of
ORDER BY started_on, project_id
