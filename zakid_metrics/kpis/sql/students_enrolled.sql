-- id: students_enrolled
-- name_de: Eingeschriebene in Embedded-AI-Lehrveranstaltungen
-- name_en: Students enrolled in embedded-AI courses
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- definition_de: Summe der Eingeschriebenen (enrolled) über die Lehrveranstaltungen zu Embedded
--   AI, deren Semester am oder vor dem Stichtag begonnen hat (Sommersemester am 1. April,
--   Wintersemester am 1. Oktober). Wer mehrere Veranstaltungen belegt, zählt mehrfach.
-- definition_en: Sum of the students enrolled (enrolled) over the embedded-AI courses whose
--   semester began on or before the as-of date (summer semester on 1 April, winter semester
--   on 1 October). A student in several courses counts several times.
-- source: courses

SELECT coalesce(sum(enrolled), 0) AS value, count(*) AS courses
FROM courses
WHERE embedded_ai AND semester_starts_on(semester) <= $as_of
-- source_rows:
SELECT *
FROM courses
WHERE embedded_ai AND semester_starts_on(semester) <= $as_of
ORDER BY semester, course_id
