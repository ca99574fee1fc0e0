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
--   Zuwendungsbescheide) geschaffenen projektbezogenen und externen Arbeitsplätze: lineare
--   Trendgerade (kleinste Quadrate) durch den kumulierten Bestand am Stichtag und am gleichen
--   Tag der elf Vormonate, mit 95-%-Prognoseintervall, verglichen mit dem Endziel: erreicht,
--   auf Kurs (Prognose ≥ Ziel), leicht verfehlt (bis 10 % darunter) oder deutlich verfehlt.
--   Methode und Grenzen: docs/FORECAST.md.
-- definition_en: Forecast of the project-related and external jobs created by the end of the
--   funding period (the latest grant's end): a least-squares linear trend through the
--   cumulative count on the as-of date and the same day of the eleven months before, with a
--   95 % prediction interval, compared with the final target: reached, on track (forecast ≥
--   target), moderately off (up to 10 % below) or off track. Method and limits:
--   docs/FORECAST.md.
-- source: jobs, grants, targets

-- The observations: the cumulative count of each job category on as_of and on the same day of
-- the 11 months before (within the funding period), and the funding period itself.
WITH period AS (
    SELECT coalesce(min(starts_on), $funding_period_start) AS period_start,
           coalesce(max(ends_on), $funding_period_end) AS period_end
    FROM grants
),
points AS (
    SELECT k AS month_offset, CAST($as_of - to_months(CAST(k AS INTEGER)) AS DATE) AS day
    FROM range(0, 12) AS offsets(k)
),
kpis AS (
    SELECT * FROM (VALUES ('jobs_project_related_created', 'project_related'),
                          ('jobs_external_created', 'external')) AS k(kpi_id, category)
)
SELECT k.kpi_id, p.month_offset, p.day, count(j.job_id) AS value,
       period.period_start, period.period_end
FROM kpis k
CROSS JOIN points p
CROSS JOIN period
LEFT JOIN jobs j ON j.category = k.category AND j.created_on <= p.day
WHERE p.day >= period.period_start OR p.month_offset = 0
GROUP BY ALL
ORDER BY k.kpi_id DESC, p.month_offset
-- source_rows:
SELECT *
FROM jobs
WHERE created_on <= $as_of
ORDER BY category, created_on, job_id
