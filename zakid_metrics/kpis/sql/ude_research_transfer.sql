-- id: ude_research_transfer
-- name_de: Projekte auf Basis von UDE-Forschung
-- name_en: Projects building on UDE research
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- definition_de: Zahl der am oder vor dem Stichtag begonnenen Projekte, die auf Forschung der
--   Universität Duisburg-Essen aufbauen (builds_on_ude_research).
-- definition_en: Number of projects started on or before the as-of date that build on research
--   of the University of Duisburg-Essen (builds_on_ude_research).
-- source: projects

SELECT count(*) FILTER (WHERE builds_on_ude_research) AS value,
       count(*) AS projects
FROM projects
WHERE started_on <= $as_of
-- source_rows:
SELECT *
FROM projects
WHERE started_on <= $as_of AND builds_on_ude_research
ORDER BY started_on, project_id
