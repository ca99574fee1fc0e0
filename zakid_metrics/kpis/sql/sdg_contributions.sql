-- id: sdg_contributions
-- name_de: SDG-Beiträge nach Ziel
-- name_en: SDG contributions by goal
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: breakdown
-- dimensions: sdg_goal
-- definition_de: Am oder vor dem Stichtag gemeldete Beiträge zu den UN-Nachhaltigkeitszielen
--   nach Ziel (1–17), mit der Aufteilung in verifizierte und unverifizierte Beiträge.
-- definition_en: Contributions to the UN Sustainable Development Goals reported on or before
--   the as-of date, by goal (1–17), split into verified and unverified contributions.
-- source: sdg_contributions

SELECT sdg_goal,
       count(*) AS value,
       count(*) FILTER (WHERE verified) AS verified,
       count(*) FILTER (WHERE NOT verified) AS unverified
FROM sdg_contributions
WHERE reported_on <= $as_of
GROUP BY GROUPING SETS ((sdg_goal), ())
ORDER BY sdg_goal NULLS LAST
-- source_rows:
SELECT *
FROM sdg_contributions
WHERE reported_on <= $as_of
ORDER BY sdg_goal, reported_on, contribution_id
