-- id: energy_saved_mwh_per_year
-- name_de: Eingesparte Energie (MWh pro Jahr)
-- name_en: Energy saved (MWh per year)
-- unit: mwh_per_year
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- definition_de: Summe der Werte aller verifizierten SDG-Beiträge mit der Einheit „MWh/a“
--   (genau so geschrieben), die am oder vor dem Stichtag gemeldet wurden. Beiträge in anderer
--   Schreibweise oder ohne Wert zählen nicht.
-- definition_en: Sum of the values of all verified SDG contributions with the unit "MWh/a"
--   (spelled exactly so) reported on or before the as-of date. Contributions spelled otherwise
--   or without a value do not count.
-- source: sdg_contributions

SELECT round(coalesce(sum(value), 0), 6) AS value, count(value) AS contributions  -- no float noise
FROM sdg_contributions
WHERE verified AND unit = 'MWh/a' AND reported_on <= $as_of
-- source_rows:
SELECT *
FROM sdg_contributions
WHERE verified AND unit = 'MWh/a' AND reported_on <= $as_of
ORDER BY reported_on, contribution_id
