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

WITH planned AS (
    SELECT grant_id, category, year, sum(planned_eur) AS planned_eur
    FROM budget
    WHERE year BETWEEN year($period_from) AND year($period_to)
    GROUP BY ALL
),
spent AS (
    SELECT grant_id, category, year(paid_on) AS year, sum(amount_eur) AS spent_eur
    FROM expenditures
    WHERE paid_on BETWEEN $period_from AND $period_to AND paid_on <= $as_of
    GROUP BY ALL
),
lines AS (
    SELECT grant_id, category, year,
           coalesce(planned.planned_eur, 0) AS planned_eur,
           coalesce(spent.spent_eur, 0) AS spent_eur
    FROM planned FULL JOIN spent USING (grant_id, category, year)
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
WITH planned AS (
    SELECT grant_id, category, year, sum(planned_eur) AS planned_eur
    FROM budget
    WHERE year BETWEEN year($period_from) AND year($period_to)
    GROUP BY ALL
),
spent AS (
    SELECT grant_id, category, year(paid_on) AS year, sum(amount_eur) AS spent_eur
    FROM expenditures
    WHERE paid_on BETWEEN $period_from AND $period_to AND paid_on <= $as_of
    GROUP BY ALL
)
SELECT e.*, coalesce(p.planned_eur, 0) AS line_planned_eur, s.spent_eur AS line_spent_eur
FROM expenditures e
JOIN spent s ON s.grant_id = e.grant_id AND s.category = e.category AND s.year = year(e.paid_on)
LEFT JOIN planned p ON p.grant_id = s.grant_id AND p.category = s.category AND p.year = s.year
WHERE e.paid_on BETWEEN $period_from AND $period_to AND e.paid_on <= $as_of
  AND s.spent_eur > coalesce(p.planned_eur, 0)
ORDER BY e.grant_id, e.paid_on, e.expenditure_id
