-- id: speedup_vs_cloud
-- name_de: Beschleunigung gegenüber der Cloud
-- name_en: Speed-up against the cloud
-- unit: ratio
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- definition_de: Median über die KI-Einsätze mit gemessener Cloud-Latenz
--   (cloud_baseline_latency_ms) und Inferenzen im Fenster des Verhältnisses aus Cloud-Latenz
--   und der mittleren Latenz auf den Geräten des Einsatzes (nach Inferenzen gewichtet). 10
--   heißt: auf dem Gerät zehnmal so schnell wie in der Cloud. Ohne solche Einsätze kein Wert.
-- definition_en: Median over the deployments with a measured cloud latency
--   (cloud_baseline_latency_ms) and inferences in the window of the ratio of the cloud latency
--   to the mean latency on the deployment's devices (weighted by inferences). 10 means ten
--   times as fast on the device as in the cloud. No value without such deployments.
-- source: telemetry, deployments, devices

WITH per_deployment AS (
    SELECT p.deployment_id,
           p.cloud_baseline_latency_ms / (sum(d.latency_ms_sum) / sum(d.inferences)) AS speedup
    FROM telemetry_devices d
    JOIN devices v ON v.device_id = d.device_id
    JOIN deployments p ON p.deployment_id = v.deployment_id
    WHERE p.cloud_baseline_latency_ms IS NOT NULL AND d.inferences > 0
    GROUP BY p.deployment_id, p.cloud_baseline_latency_ms
    HAVING sum(d.latency_ms_sum) > 0
)
SELECT CAST(median(speedup) AS DOUBLE) AS value, count(*) AS deployments
FROM per_deployment
-- source_rows:
SELECT p.deployment_id, p.model_name, p.cloud_baseline_latency_ms,
       sum(d.inferences) AS inferences,
       sum(d.latency_ms_sum) / sum(d.inferences) AS latency_ms_mean,
       p.cloud_baseline_latency_ms / (sum(d.latency_ms_sum) / sum(d.inferences)) AS speedup,
       p._file, p._line, p._stale
FROM telemetry_devices d
JOIN devices v ON v.device_id = d.device_id
JOIN deployments p ON p.deployment_id = v.deployment_id
WHERE p.cloud_baseline_latency_ms IS NOT NULL AND d.inferences > 0
GROUP BY p.deployment_id, p.model_name, p.cloud_baseline_latency_ms, p._file, p._line, p._stale
HAVING sum(d.latency_ms_sum) > 0
ORDER BY speedup DESC, p.deployment_id
