-- id: courses_offered
-- name_de: Lehrveranstaltungen zu Embedded AI nach Semester
-- name_en: Embedded-AI courses by semester
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: breakdown
-- dimensions: semester
-- definition_de: Lehrveranstaltungen zu Embedded AI (embedded_ai) nach Semester, soweit das
--   Semester am oder vor dem Stichtag begonnen hat (Sommersemester am 1. April,
--   Wintersemester am 1. Oktober), mit den Eingeschriebenen und Abschlüssen je Semester.
-- definition_en: Embedded-AI courses (embedded_ai) by semester, for semesters begun on or
--   before the as-of date (summer semester on 1 April, winter semester on 1 October), with the
--   students enrolled and completed per semester.
-- source: courses

WITH courses_begun AS (
    SELECT *, semester_starts_on(semester) AS semester_starts_on
    FROM courses
    WHERE embedded_ai
)
SELECT semester,
       count(*) AS value,
       min(semester_starts_on) AS semester_starts_on,
       sum(enrolled) AS enrolled,
       coalesce(sum(completed), 0) AS completed
FROM courses_begun
WHERE semester_starts_on <= $as_of
GROUP BY GROUPING SETS ((semester), ())
ORDER BY semester_starts_on, semester NULLS LAST
-- source_rows:
SELECT *, semester_starts_on(semester) AS semester_starts_on
FROM courses
WHERE embedded_ai AND semester_starts_on(semester) <= $as_of
ORDER BY semester, course_id
