-- id: sdg_goals_covered
-- name_de: Abgedeckte Nachhaltigkeitsziele (SDGs)
-- name_en: Sustainable Development Goals covered
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- overview: 7
-- definition_de: Zahl der 17 UN-Nachhaltigkeitsziele (SDGs), zu denen mindestens ein
--   verifizierter Beitrag am oder vor dem Stichtag gemeldet wurde (reported_on ≤ Stichtag).
--   Unverifizierte Beiträge zählen nicht.
-- definition_en: Number of the 17 UN Sustainable Development Goals (SDGs) with at least one
--   verified contribution reported on or before the as-of date (reported_on ≤ as-of date).
--   Unverified contributions do not count.
-- source: sdg_contributions

SELECT count(DISTINCT sdg_goal) FILTER (WHERE verified) AS value,
       count(DISTINCT sdg_goal) AS goals_reported
FROM sdg_contributions
WHERE reported_on <= $as_of
-- source_rows:
SELECT *
FROM sdg_contributions
WHERE reported_on <= $as_of AND verified
ORDER BY sdg_goal, reported_on, contribution_id
