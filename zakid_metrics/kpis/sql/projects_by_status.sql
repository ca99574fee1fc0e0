-- id: projects_by_status
-- name_de: Projekte nach Status
-- name_en: Projects by status
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: breakdown
-- dimensions: status
-- definition_de: Am oder vor dem Stichtag begonnene Projekte nach ihrem Status (Anfrage,
--   Machbarkeit, Pilot, Produktion, abgeschlossen, abgebrochen): der Trichter von der Anfrage
--   bis zur Produktion. Die Lieferung kennt nur den aktuellen Status, keine Statushistorie.
-- definition_en: Projects started on or before the as-of date by status (inquiry, feasibility,
--   pilot, production, completed, cancelled): the funnel from inquiry to production. The
--   delivery has the current status only, not its history.
-- source: projects

SELECT status, count(*) AS value
FROM projects
WHERE started_on <= $as_of
GROUP BY GROUPING SETS ((status), ())
ORDER BY list_position(['inquiry', 'feasibility', 'pilot', 'production', 'completed',
                        'cancelled'], status) NULLS LAST
-- source_rows:
SELECT *
FROM projects
WHERE started_on <= $as_of
ORDER BY status, started_on, project_id
