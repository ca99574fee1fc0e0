-- id: jobs_forecast_end
-- name_de: Prognose Arbeitsplätze zum Förderende
-- name_en: Jobs forecast for the end of the funding period
-- unit: count
-- audience: internal
-- direction: higher
-- shape: breakdown
-- dimensions: kpi_id
-- postprocess: jobs_forecast
-- definition_de: Prognose der bis zum Ende der Förderung (spätestes Laufzeitende der
--   Zuwendungsbescheide) geschaffenen projektbezogenen und externen Arbeitsplätze aus den
--   neuen Arbeitsplätzen jedes Kalendermonats seit Förderbeginn: eine negative
--   Binomialverteilung (Einstellungen kommen auch gebündelt) mit einem linearen Trend der
--   monatlichen Rate samt dessen Unsicherheit, simuliert bis zum Förderende. Angegeben sind
--   der Median, das 95-%-Vorhersageintervall, die Wahrscheinlichkeit, das zum Förderende
--   fällige Ziel zu erreichen, das nötige gegenüber dem beobachteten Tempo (je Monat) und der
--   Status: auf Kurs (Wahrscheinlichkeit ≥ 80 %), gefährdet (≥ 30 %), nicht auf Kurs (darunter).
--   Methode, Annahmen und Rückrechnung: docs/FORECAST.md.
-- definition_en: Forecast of the project-related and external jobs created by the end of the
--   funding period (the latest grant's end) from the new jobs of each calendar month since the
--   funding start: a negative binomial model (hiring also comes in batches) with a linear trend
--   in the monthly rate and its uncertainty, simulated to the end of the period. Given are the
--   median, the 95 % prediction interval, the probability of reaching the target due at the
--   end of the period, the pace required against the pace observed (per month) and the
--   status: on track (probability ≥ 80 %), at risk (≥ 30 %), off track (below). Method,
--   assumptions and backtest: docs/FORECAST.md.
-- source: jobs, grants, targets

-- The observations: per job category and calendar month from the funding period's start to
-- as_of (at most the period's end), the jobs created in the part of the month that lies in
-- that window (first_day to last_day); per category also the jobs created before the period
-- (up to as_of) and the count on as_of, and the period itself.
WITH period AS (
    SELECT coalesce(min(starts_on), $funding_period_start) AS period_start,
           coalesce(max(ends_on), $funding_period_end) AS period_end
    FROM grants
),
months AS (
    SELECT CAST(m AS DATE) AS month,
           greatest(CAST(m AS DATE), period_start) AS first_day,
           least(CAST(m + INTERVAL 1 MONTH AS DATE) - 1, CAST($as_of AS DATE), period_end)
               AS last_day
    FROM period,
         unnest(generate_series(CAST(date_trunc('month', period_start) AS TIMESTAMP),
                                CAST(date_trunc('month', least($as_of, period_end)) AS TIMESTAMP),
                                INTERVAL 1 MONTH)) AS s(m)
),
kpis AS (
    SELECT * FROM (VALUES ('jobs_project_related_created', 'project_related'),
                          ('jobs_external_created', 'external')) AS k(kpi_id, category)
),
totals AS (
    SELECT k.kpi_id,
           count(j.job_id) FILTER (WHERE j.created_on <= $as_of) AS current,
           count(j.job_id) FILTER (WHERE j.created_on <= $as_of
                                     AND j.created_on < period.period_start) AS before_start,
           period.period_start, period.period_end
    FROM kpis k
    CROSS JOIN period
    LEFT JOIN jobs j ON j.category = k.category
    GROUP BY ALL
),
monthly AS (
    SELECT k.kpi_id, m.month, m.first_day, m.last_day, count(j.job_id) AS new_jobs
    FROM kpis k
    CROSS JOIN months m
    LEFT JOIN jobs j ON j.category = k.category
                    AND j.created_on BETWEEN m.first_day AND m.last_day
    GROUP BY ALL
)
SELECT t.kpi_id, m.month, m.first_day, m.last_day, coalesce(m.new_jobs, 0) AS new_jobs,
       t.before_start, t.current, t.period_start, t.period_end
FROM totals t
LEFT JOIN monthly m USING (kpi_id)
ORDER BY t.kpi_id DESC, m.month
-- source_rows:
SELECT *
FROM jobs
WHERE created_on <= $as_of
ORDER BY category, created_on, job_id
