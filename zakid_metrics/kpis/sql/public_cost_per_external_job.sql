-- id: public_cost_per_external_job
-- name_de: Öffentliche Mittel je externem Arbeitsplatz
-- name_en: Public cost per external job
-- unit: eur
-- audience: internal
-- direction: lower
-- shape: scalar
-- overview: 8
-- postprocess: funding_public_cost
-- definition_de: Verausgabte öffentliche Mittel geteilt durch die bis zum Stichtag geschaffenen
--   externen Arbeitsplätze (jobs_external_created), auf den Cent gerundet. Verausgabt ist die
--   Summe der Zuwendungsanteile C(Stichtag) = min(Förderquote × zuwendungsfähige Ausgaben seit
--   Beginn, bewilligte Zuwendung) je Zuwendung (funding.cumulative_share, CONTRACT.md
--   Abschnitt 4). Ohne externe Arbeitsplätze kein Wert.
-- definition_en: Public funds spent divided by the external jobs created up to the as-of date
--   (jobs_external_created), rounded to the cent. Spent is the sum of the grant shares C(as-of
--   date) = min(funding rate × eligible expenditures since the start, amount granted) per grant
--   (funding.cumulative_share, CONTRACT.md section 4). No value without external jobs.
-- source: expenditures, grants, jobs

SELECT f.*, j.jobs_external_created
FROM (
    SELECT count(*) AS jobs_external_created
    FROM jobs
    WHERE category = 'external' AND created_on <= $as_of
) j
LEFT JOIN funding_inputs($as_of) f ON true
-- source_rows:
SELECT e.*, eligible_eur(e.amount_eur, e.vat_eur, g.vat_deductible) AS eligible_eur,
       g.funding_rate, g.approved_eur
FROM expenditures e JOIN grants g ON g.grant_id = e.grant_id
WHERE g.decided_on <= $as_of AND e.paid_on BETWEEN g.starts_on AND least($as_of, g.ends_on)
ORDER BY e.grant_id, e.paid_on, e.expenditure_id
