-- id: slo_breaches
-- name_de: Verletzte Latenzziele
-- name_en: Latency objectives breached
-- unit: count
-- audience: internal
-- direction: lower
-- shape: scalar
-- definition_de: Zahl der KI-Einsätze mit Latenzziel (latency_slo_ms), deren p95-Latenz im
--   Fenster das Ziel überschreitet. Die p95-Latenz eines Einsatzes ist wie beim Flotten-p95
--   das nach Inferenzen gewichtete Mittel der gemeldeten p95-Werte seiner Geräte. Ohne jede
--   Telemetrie kein Wert.
-- definition_en: Number of deployments with a latency objective (latency_slo_ms) whose p95
--   latency in the window exceeds it. A deployment's p95 latency is, as for the fleet p95, the
--   inference-weighted mean of the p95 values its devices report. No value without any
--   telemetry.
-- source: telemetry, deployments, devices

WITH per_deployment AS (
    SELECT p.deployment_id, p.latency_slo_ms,
           sum(d.latency_ms_p95_sum) / nullif(sum(d.inferences_p95), 0) AS latency_ms_p95
    FROM telemetry_devices d
    JOIN devices v ON v.device_id = d.device_id
    JOIN deployments p ON p.deployment_id = v.deployment_id
    WHERE p.latency_slo_ms IS NOT NULL
    GROUP BY p.deployment_id, p.latency_slo_ms
)
SELECT CASE WHEN w.has_telemetry
            THEN (SELECT count(*) FILTER (WHERE latency_ms_p95 > latency_slo_ms)
                  FROM per_deployment) END AS value,
       (SELECT count(latency_ms_p95) FROM per_deployment) AS deployments_measured
FROM telemetry_window w
-- source_rows:
SELECT p.deployment_id, p.model_name, p.latency_slo_ms,
       sum(d.latency_ms_p95_sum) / nullif(sum(d.inferences_p95), 0) AS latency_ms_p95,
       coalesce(sum(d.latency_ms_p95_sum) / nullif(sum(d.inferences_p95), 0)
                > p.latency_slo_ms, false) AS breached,
       p._file, p._line, p._stale
FROM telemetry_devices d
JOIN devices v ON v.device_id = d.device_id
JOIN deployments p ON p.deployment_id = v.deployment_id
WHERE p.latency_slo_ms IS NOT NULL
GROUP BY p.deployment_id, p.model_name, p.latency_slo_ms, p._file, p._line, p._stale
ORDER BY breached DESC, latency_ms_p95 DESC NULLS LAST, p.deployment_id
