-- id: reports_due
-- name_de: Fällige Verwendungsnachweise
-- name_en: Reports due
-- unit: days
-- audience: internal
-- direction: higher
-- shape: breakdown
-- dimensions: grant_id, report_type, period_to
-- definition_de: Zwischennachweise (30. April nach jedem Kalenderjahr der Laufzeit) und
--   Verwendungsnachweise (6 Monate nach Laufzeitende) je Zuwendung, die am oder nach dem
--   Stichtag fällig sind, mit den verbleibenden Tagen (Wert; 0 = heute fällig). Ob ein
--   Nachweis schon eingereicht wurde, kennt die Lieferung nicht; vergangene Termine erscheinen
--   daher nicht.
-- definition_en: Interim reports (30 April after each calendar year of the grant) and final
--   reports (6 months after the grant's end) per grant that are due on or after the as-of date,
--   with the days left (value; 0 = due today). The delivery does not say whether a report was
--   submitted, so past due dates are not listed.
-- source: grants

SELECT grant_id, report_type, period_to,
       due_on - $as_of AS value,
       period_from,
       due_on,
       period_to < $as_of AS period_ended
FROM report_deadlines
WHERE due_on >= $as_of
ORDER BY due_on, grant_id, report_type
-- source_rows:
SELECT r.*, g.recipient, g.sub_project, g._stale
FROM report_deadlines r JOIN grants g ON g.grant_id = r.grant_id
WHERE r.due_on >= $as_of
ORDER BY r.due_on, r.grant_id, r.report_type
