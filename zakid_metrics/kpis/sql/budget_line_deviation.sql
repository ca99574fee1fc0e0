-- id: budget_line_deviation
-- name_de: Überschreitungen im Finanzierungsplan
-- name_en: Financing plan lines over budget
-- unit: share
-- audience: funder
-- direction: lower
-- shape: breakdown
-- dimensions: grant_id, category, year
-- definition_de: Positionen des Finanzierungsplans (Zuwendung, Kostenart, Jahr), deren Ausgaben
--   (am oder vor dem Stichtag und im gewählten Zeitraum gezahlt) den Plan übersteigen; Wert =
--   Überschreitung geteilt durch den Plan. Markiert (flagged) ist eine Überschreitung um mehr
--   als 20 % (Nr. 1.2 ANBest-P) oder eine Ausgabe ohne Plan, auch wenn die Zuwendung
--   insgesamt im Plan bleibt (grant_within_plan): verbindlich ist der Gesamtbetrag, die
--   Überschreitung einer Position muss aber ausgeglichen und begründet werden.
-- definition_en: Lines of the financing plan (grant, cost category, year) whose expenditures
--   (paid on or before the as-of date and within the chosen period) exceed the plan; value =
--   overrun divided by the plan. Flagged is an overrun of more than 20 % (no. 1.2 ANBest-P) or
--   spending without a plan, even where the grant as a whole stays within plan
--   (grant_within_plan): the total is binding, but a line's overrun must be offset and
--   justified.
-- source: budget, expenditures

WITH lines AS (
    SELECT * FROM plan_vs_actual($period_from, $period_to, $as_of)
),
grants_total AS (
    SELECT grant_id, sum(spent_eur) <= sum(planned_eur) AS grant_within_plan
    FROM lines
    GROUP BY grant_id
)
SELECT grant_id, category, year,
       (spent_eur - planned_eur) / nullif(planned_eur, 0) AS value,
       planned_eur,
       spent_eur,
       spent_eur - planned_eur AS over_eur,
       spent_eur > planned_eur * 1.2 AS flagged,   -- exact: DECIMAL times DECIMAL
       grant_within_plan
FROM lines JOIN grants_total USING (grant_id)
WHERE spent_eur > planned_eur
ORDER BY grant_id, year, category
-- source_rows:
SELECT e.*, l.planned_eur AS line_planned_eur, l.spent_eur AS line_spent_eur
FROM expenditures e
JOIN plan_vs_actual($period_from, $period_to, $as_of) l
  ON l.grant_id = e.grant_id AND l.category = e.category AND l.year = year(e.paid_on)
WHERE e.paid_on BETWEEN $period_from AND $period_to AND e.paid_on <= $as_of
  AND l.spent_eur > l.planned_eur
ORDER BY e.grant_id, e.paid_on, e.expenditure_id
