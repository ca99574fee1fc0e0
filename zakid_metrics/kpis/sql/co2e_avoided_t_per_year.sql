-- id: co2e_avoided_t_per_year
-- name_de: Vermiedene Treibhausgasemissionen (t CO₂e pro Jahr)
-- name_en: Greenhouse gas emissions avoided (t CO₂e per year)
-- unit: t_co2e_per_year
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- definition_de: Summe der Werte aller verifizierten SDG-Beiträge mit der Einheit „t CO2e/a“
--   (genau so geschrieben), die am oder vor dem Stichtag gemeldet wurden. Beiträge in anderer
--   Schreibweise oder ohne Wert zählen nicht.
-- definition_en: Sum of the values of all verified SDG contributions with the unit "t CO2e/a"
--   (spelled exactly so) reported on or before the as-of date. Contributions spelled otherwise
--   or without a value do not count.
-- framework: SDG 13.2.2 | Total greenhouse gas emissions per year | in_spirit |
--   Global indicator framework for the Sustainable Development Goals (UN General Assembly
--   resolution A/RES/71/313, with the annual refinements of the UN Statistical Commission)
-- source: sdg_contributions

SELECT round(coalesce(sum(value), 0), 6) AS value, count(value) AS contributions  -- no float noise
FROM sdg_contributions
WHERE verified AND unit = 't CO2e/a' AND reported_on <= $as_of
-- source_rows:
SELECT *
FROM sdg_contributions
WHERE verified AND unit = 't CO2e/a' AND reported_on <= $as_of
ORDER BY reported_on, contribution_id
