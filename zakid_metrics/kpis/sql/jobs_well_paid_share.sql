-- id: jobs_well_paid_share
-- name_de: Anteil gut bezahlter Arbeitsplätze
-- name_en: Share of well-paid jobs
-- unit: share
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- definition_de: Anteil der bis zum Stichtag geschaffenen Arbeitsplätze (beider Kategorien),
--   deren Vollzeitäquivalent-Gehalt (Jahresbruttogehalt / fte: eine halbe Stelle mit 30.000 €
--   entspricht 60.000 € in Vollzeit) mindestens das Referenzentgelt des Jahres ihrer Schaffung
--   erreicht: Median-Bruttomonatsentgelt der sozialversicherungspflichtig Vollzeitbeschäftigten
--   am Arbeitsort Duisburg × 12 (Bundesagentur für Arbeit, Entgeltstatistik; Referenzdaten
--   zakid_metrics/reference/reference_wages.csv, reference_wage_eur = der Wert des Stichtagsjahrs).
--   Es zählen nur Arbeitsplätze mit Gehaltsangabe; bei weniger als k (ZAKID_K_MIN) solchen
--   Arbeitsplätzen wird kein Wert berechnet, weil er Rückschlüsse auf einzelne Gehälter zuließe.
--   Arbeitsplätze aus einem Jahr vor dem ersten Referenzjahr zählen nicht mit
--   (without_reference_wage).
-- definition_en: Share of the jobs (both categories) created up to the as-of date whose
--   full-time equivalent salary (annual gross salary / fte: a half-time position paying
--   30,000 EUR is 60,000 EUR full-time) reaches at least the reference wage of the year the job
--   was created: the median gross monthly wage of full-time employees subject to social
--   insurance at the place of work Duisburg × 12 (Bundesagentur für Arbeit, Entgeltstatistik;
--   reference data zakid_metrics/reference/reference_wages.csv, reference_wage_eur = the
--   as-of year's figure). Only jobs with a salary count; with fewer than k (ZAKID_K_MIN) of them
--   no value is computed, as it would reveal single salaries. Jobs of a year before the first
--   reference year do not count (without_reference_wage).
-- source: jobs

-- salary / fte >= wage, compared as salary >= wage * fte in exact decimals (fte > 0).
WITH wages AS (
    SELECT w.year, w.eur FROM (SELECT unnest($reference_wages) AS w)
),
salaried AS (
    SELECT j.*, w.eur AS reference_wage_eur,
           j.annual_gross_salary_eur >= w.eur * CAST(j.fte AS DECIMAL(9, 4)) AS well_paid
    FROM jobs j LEFT JOIN wages w ON w.year = year(j.created_on)
    WHERE j.created_on <= $as_of AND j.annual_gross_salary_eur IS NOT NULL
),
paid AS (
    SELECT count(*) FILTER (WHERE reference_wage_eur IS NOT NULL) AS jobs_with_salary,
           count(*) FILTER (WHERE well_paid) AS well_paid,
           count(*) FILTER (WHERE reference_wage_eur IS NULL) AS without_reference_wage
    FROM salaried
)
SELECT CASE WHEN jobs_with_salary >= $k_min THEN well_paid / jobs_with_salary END AS value,
       jobs_with_salary,
       CASE WHEN jobs_with_salary >= $k_min THEN well_paid END AS well_paid,
       without_reference_wage,
       (SELECT eur FROM wages WHERE year = year($as_of)) AS reference_wage_eur
FROM paid
-- source_rows:
WITH wages AS (
    SELECT w.year, w.eur FROM (SELECT unnest($reference_wages) AS w)
)
SELECT j.*,
       round(j.annual_gross_salary_eur / CAST(j.fte AS DECIMAL(9, 4)), 2) AS full_time_salary_eur,
       w.eur AS reference_wage_eur,
       j.annual_gross_salary_eur >= w.eur * CAST(j.fte AS DECIMAL(9, 4)) AS well_paid
FROM jobs j LEFT JOIN wages w ON w.year = year(j.created_on)
WHERE j.created_on <= $as_of AND j.annual_gross_salary_eur IS NOT NULL
ORDER BY j.created_on, j.job_id
