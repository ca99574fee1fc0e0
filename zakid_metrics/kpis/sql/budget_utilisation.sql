-- id: budget_utilisation
-- name_de: Mittelausschöpfung nach Zuwendung, Kostenart und Jahr
-- name_en: Budget utilisation by grant, cost category and year
-- unit: share
-- audience: funder
-- direction: higher
-- shape: breakdown
-- dimensions: grant_id, category, year
-- definition_de: Ausgaben laut Belegliste (amount_eur, Korrekturen negativ) geteilt durch die
--   geplanten Ausgaben des Finanzierungsplans (planned_eur), je Zuwendung, Kostenart und Jahr
--   (Jahr der Zahlung, paid_on) und als Gesamtwert für das Verbundvorhaben. Es zählen Belege,
--   die am oder vor dem Stichtag und im gewählten Zeitraum gezahlt wurden, und Planjahre, die
--   den Zeitraum berühren. Ausgaben ohne Planposition erscheinen mit Plan 0 (ohne Quote).
-- definition_en: Expenditures of the voucher list (amount_eur, corrections negative) divided by
--   the planned expenditures of the financing plan (planned_eur), per grant, cost category and
--   year (year of payment, paid_on), and in total for the joint project. Vouchers paid on or
--   before the as-of date and within the chosen period count, and plan years that touch the
--   period. Expenditures without a plan line show with plan 0 (without a ratio).
-- source: budget, expenditures

SELECT grant_id, category, year,
       sum(spent_eur) / nullif(sum(planned_eur), 0) AS value,
       sum(planned_eur) AS planned_eur,
       sum(spent_eur) AS spent_eur
FROM plan_vs_actual($period_from, $period_to, $as_of)
GROUP BY GROUPING SETS ((grant_id, category, year), ())
ORDER BY grant_id NULLS LAST, year, category
-- source_rows:
SELECT *
FROM expenditures
WHERE paid_on BETWEEN $period_from AND $period_to AND paid_on <= $as_of
ORDER BY grant_id, paid_on, expenditure_id
