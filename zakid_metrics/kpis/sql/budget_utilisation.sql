-- id: budget_utilisation
-- name_de: Mittelausschöpfung nach Zuwendung, Kostenart und Jahr
-- name_en: Budget utilisation by grant, cost category and year
-- unit: share
-- audience: funder
-- direction: higher
-- shape: breakdown
-- dimensions: grant_id, category, year
-- definition_de: Zuwendungsfähige Ausgaben laut Belegliste (netto, wo die
--   Zuwendungsempfängerin vorsteuerabzugsberechtigt ist; Korrekturen negativ) geteilt durch die
--   geplanten Ausgaben des Finanzierungsplans (planned_eur), je Zuwendung, Kostenart und Jahr
--   (Jahr der Zahlung, paid_on) und als Gesamtwert für das Verbundvorhaben; nur zur
--   Information: über den Finanzierungsplan entscheidet der Einzelansatz über alle Jahre
--   (budget_line_deviation). Es zählen Belege, die am oder vor dem Stichtag und im gewählten
--   Zeitraum gezahlt wurden, und Planjahre, die den Zeitraum berühren (Makro plan_vs_actual).
--   Ausgaben ohne Planposition erscheinen mit Plan 0 (ohne Quote).
-- definition_en: Eligible expenditures of the voucher list (net where the recipient may deduct
--   input VAT; corrections negative) divided by the planned expenditures of the financing plan
--   (planned_eur), per grant, cost category and year (year of payment, paid_on), and in total
--   for the joint project; for information only: the financing plan is judged per
--   Einzelansatz over all years (budget_line_deviation). Vouchers paid on or before the as-of
--   date and within the chosen period count, and plan years that touch the period (macro
--   plan_vs_actual). Expenditures without a plan line show with plan 0 (without a ratio).
-- source: budget, expenditures

SELECT grant_id, category, year,
       sum(spent_eur) / nullif(sum(planned_eur), 0) AS value,
       sum(planned_eur) AS planned_eur,
       sum(spent_eur) AS spent_eur
FROM plan_vs_actual($period_from, $period_to, $as_of)
GROUP BY GROUPING SETS ((grant_id, category, year), ())
ORDER BY grant_id NULLS LAST, year, category
-- source_rows:
SELECT e.*, eligible_eur(e.amount_eur, e.vat_eur, g.vat_deductible) AS eligible_eur
FROM expenditures e JOIN grants g ON g.grant_id = e.grant_id
WHERE e.paid_on BETWEEN $period_from AND $period_to AND e.paid_on <= $as_of
ORDER BY e.grant_id, e.paid_on, e.expenditure_id
