-- id: students_completed
-- name_de: Abschlüsse in Embedded-AI-Lehrveranstaltungen
-- name_en: Students completed in embedded-AI courses
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- definition_de: Summe der erfolgreichen Abschlüsse (completed) über die Lehrveranstaltungen zu
--   Embedded AI, deren Semester am oder vor dem Stichtag begonnen hat. Veranstaltungen ohne
--   gemeldete Abschlüsse zählen nicht (Spalte courses_reported).
-- definition_en: Sum of the students who completed (completed) the embedded-AI courses whose
--   semester began on or before the as-of date. Courses without reported completions do not
--   count (column courses_reported).
-- source: courses

SELECT coalesce(sum(completed), 0) AS value, count(completed) AS courses_reported
FROM courses
WHERE embedded_ai AND semester_starts_on(semester) <= $as_of
-- source_rows:
SELECT *
FROM courses
WHERE embedded_ai AND completed IS NOT NULL AND semester_starts_on(semester) <= $as_of
ORDER BY semester, course_id
