-- id: jobs_well_paid_share
-- name_de: Anteil gut bezahlter Arbeitsplätze
-- name_en: Share of well-paid jobs
-- unit: share
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- definition_de: Anteil der bis zum Stichtag geschaffenen Arbeitsplätze (beider Kategorien) mit
--   einem Jahresbruttogehalt von mindestens dem regionalen Referenzentgelt (Einstellung
--   ZAKID_REGIONAL_REFERENCE_WAGE_EUR: Median-Bruttomonatsentgelt Vollzeit in Duisburg laut
--   Entgeltstatistik der Bundesagentur für Arbeit × 12). Es zählen nur Arbeitsplätze mit
--   Gehaltsangabe; bei weniger als k (ZAKID_K_MIN) solchen Arbeitsplätzen wird kein Wert
--   berechnet, weil er Rückschlüsse auf einzelne Gehälter zuließe.
-- definition_en: Share of the jobs (both categories) created up to the as-of date whose annual
--   gross salary is at least the regional reference wage (setting
--   ZAKID_REGIONAL_REFERENCE_WAGE_EUR: median full-time gross monthly wage in Duisburg from
--   the Bundesagentur für Arbeit's wage statistics × 12). Only jobs with a salary count; with
--   fewer than k (ZAKID_K_MIN) of them no value is computed, as it would reveal single
--   salaries.
-- source: jobs
WITH paid AS (
    SELECT count(*) AS jobs_with_salary,
           count(*) FILTER (WHERE annual_gross_salary_eur >= $reference_wage) AS well_paid
    FROM jobs
    WHERE created_on <= $as_of AND annual_gross_salary_eur IS NOT NULL
)
SELECT CASE WHEN jobs_with_salary >= $k_min THEN well_paid / jobs_with_salary END AS value,
       jobs_with_salary,
       CASE WHEN jobs_with_salary >= $k_min THEN well_paid END AS well_paid
FROM paid
-- source_rows:
SELECT *, annual_gross_salary_eur >= $reference_wage AS well_paid
FROM jobs
WHERE created_on <= $as_of AND annual_gross_salary_eur IS NOT NULL
ORDER BY created_on, job_id
