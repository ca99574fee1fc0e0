-- id: jobs_net_effect
-- name_de: Netto-Beschäftigungseffekt der beteiligten Unternehmen
-- name_en: Net employment effect at engaged companies
-- unit: count
-- audience: internal
-- direction: higher
-- shape: breakdown
-- dimensions: company_id
-- definition_de: Je beteiligtem Unternehmen (mindestens ein am oder vor dem Stichtag begonnenes
--   Projekt) die heutige Beschäftigtenzahl (employees der letzten Lieferung) minus der
--   Beschäftigtenzahl beim Eintritt (baseline_employees; ohne Angabe die der ersten Lieferung,
--   die das Unternehmen nannte), summiert über die Unternehmen. Anders als die gezählten
--   Stellen zeigt er, ob die Beschäftigung insgesamt wuchs; er ist kein kausaler Effekt des
--   Zentrums. Die Beschäftigtenzahl kennt nur ihren heutigen Stand, nicht den des Stichtags.
-- definition_en: Per engaged company (at least one project started on or before the as-of
--   date) today's headcount (employees of the latest delivery) minus its headcount when it
--   joined (baseline_employees; without one, that of the first delivery that listed the
--   company), summed over the companies. Unlike the positions counted, it shows whether
--   employment grew as a whole; it is no causal effect of the centre. The headcount is known
--   only as of today, not as of the as-of date.
-- source: companies, projects
SELECT company_id,
       sum(employees - baseline_employees) AS value,
       sum(employees) AS employees,
       sum(baseline_employees) AS baseline_employees,
       count(*) AS companies
FROM engaged_companies($as_of)
WHERE baseline_employees IS NOT NULL
GROUP BY GROUPING SETS ((company_id), ())
ORDER BY company_id NULLS LAST
-- source_rows:
SELECT c.*, c.employees - c.baseline_employees AS net_effect
FROM engaged_companies($as_of) c
ORDER BY c.company_id
