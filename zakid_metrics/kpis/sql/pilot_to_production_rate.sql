-- id: pilot_to_production_rate
-- name_de: Quote vom Pilot zur Produktion
-- name_en: Pilot-to-production rate
-- unit: share
-- audience: internal
-- direction: higher
-- shape: scalar
-- definition_de: Von den am oder vor dem Stichtag begonnenen Projekten, die mindestens die
--   Pilotphase erreicht haben (Status Pilot, Produktion oder abgeschlossen), der Anteil, der in
--   Produktion ist oder abgeschlossen wurde. Abgebrochene Projekte zählen nicht mit, da nicht
--   bekannt ist, in welcher Phase sie endeten. Ohne Pilotprojekte kein Wert.
-- definition_en: Of the projects started on or before the as-of date that reached at least the
--   pilot stage (status pilot, production or completed), the share in production or completed.
--   Cancelled projects do not count, as the stage they ended in is not known. No value without
--   pilot projects.
-- source: projects

SELECT count(*) FILTER (WHERE status IN ('production', 'completed'))
           / nullif(count(*), 0) AS value,
       count(*) AS reached_pilot,
       count(*) FILTER (WHERE status IN ('production', 'completed')) AS reached_production
FROM projects
WHERE started_on <= $as_of AND status IN ('pilot', 'production', 'completed')
-- source_rows:
SELECT *
FROM projects
WHERE started_on <= $as_of AND status IN ('pilot', 'production', 'completed')
ORDER BY status, project_id
