-- id: budget_line_deviation
-- name_de: Einzelansätze des Finanzierungsplans
-- name_en: Financing plan lines (Einzelansätze)
-- unit: share
-- audience: funder
-- direction: lower
-- shape: breakdown
-- dimensions: grant_id, category
-- postprocess: funding_budget_lines
-- definition_de: Je Einzelansatz (Zuwendung × Kostenart) die zuwendungsfähigen Ist-Ausgaben
--   (netto, wo die Zuwendungsempfängerin vorsteuerabzugsberechtigt ist) vom Beginn der
--   Zuwendung bis zum Ende des gewählten Zeitraums (höchstens bis zum Stichtag) gegen den Plan
--   der Jahre bis dahin, kumuliert wie im Zwischennachweis; Wert = Ist / Plan − 1 (ohne Plan
--   kein Wert), period_actual_eur = Ist innerhalb des Zeitraums. Status nach Nr. 1.2 ANBest-P /
--   ANBest-Gk (CONTRACT.md Abschnitt 4): within_plan (Ist ≤ Plan), over_offset (Plan < Ist ≤
--   1,2 × Plan und Gesamt-Ist ≤ Gesamtplan der Zuwendung), over_not_offset (Plan < Ist ≤ 1,2 ×
--   Plan, Gesamtplan überschritten), over_20 (Ist > 1,2 × Plan: Einwilligung des Zuwendungsgebers
--   nötig). Berechnet durch die Regel funding.einzelansaetze.
-- definition_en: Per Einzelansatz (grant × cost category) the eligible actual expenditures (net
--   where the recipient may deduct input VAT) from the grant's start to the end of the chosen
--   period (at most the as-of date) against the plan of the years up to then, cumulative as in
--   the interim report; value = actual / plan − 1 (no value without a plan), period_actual_eur =
--   actual within the period. Status under no. 1.2 ANBest-P / ANBest-Gk (CONTRACT.md section
--   4): within_plan (actual ≤ plan), over_offset (plan < actual ≤ 1.2 × plan and the grant's
--   total actual ≤ its total plan), over_not_offset (plan < actual ≤ 1.2 × plan, total plan
--   exceeded), over_20 (actual > 1.2 × plan: needs the funder's consent). Computed by the rule
--   funding.einzelansaetze.
-- source: expenditures, budget, grants

SELECT * FROM funding_inputs($as_of)
-- source_rows:
SELECT e.*, eligible_eur(e.amount_eur, e.vat_eur, g.vat_deductible) AS eligible_eur
FROM expenditures e JOIN grants g ON g.grant_id = e.grant_id
WHERE g.decided_on <= $as_of AND e.paid_on >= g.starts_on
  AND e.paid_on <= least($as_of, $period_to, g.ends_on)
ORDER BY e.grant_id, e.paid_on, e.expenditure_id
