-- id: latency_p95_fleet
-- name_de: Latenz p95 der Flotte
-- name_en: Fleet latency p95
-- unit: ms
-- audience: internal
-- direction: lower
-- shape: scalar
-- definition_de: Nach Inferenzen gewichtetes Mittel der p95-Latenzen, die die Geräte für ihre
--   Intervalle im Fenster melden (Summe latency_ms_p95 × inferences geteilt durch die
--   Inferenzen der Messwerte mit p95). Ein echtes p95 über alle Inferenzen lässt sich aus
--   Intervallzusammenfassungen nicht berechnen; dieses Mittel liegt bei unterschiedlich
--   schnellen Geräten meist darunter, daher steht daneben das schlechteste gemeldete p95
--   (latency_ms_p95_worst) und die mittlere Latenz (latency_ms_mean, gewichtet nach
--   Inferenzen). Ohne Inferenzen mit p95 im Fenster kein Wert.
-- definition_en: Inference-weighted mean of the p95 latencies the devices report for their
--   intervals in the window (sum of latency_ms_p95 × inferences over the inferences of the
--   readings with a p95). A true p95 over all inferences cannot be computed from interval
--   summaries; with devices of different speed this mean is usually below it, so the worst
--   reported p95 (latency_ms_p95_worst) and the mean latency (latency_ms_mean, weighted by
--   inferences) come with it. No value without inferences with a p95 in the window.
-- source: telemetry, devices

SELECT sum(latency_ms_p95_sum) / nullif(sum(inferences_p95), 0) AS value,
       sum(latency_ms_sum) / nullif(sum(inferences), 0) AS latency_ms_mean,
       max(latency_ms_p95_max) AS latency_ms_p95_worst,
       sum(inferences_p95) AS inferences
FROM telemetry_devices
-- source_rows:
SELECT v.device_id, v.deployment_id, v.device_class, d.inferences,
       d.latency_ms_sum / nullif(d.inferences, 0) AS latency_ms_mean,
       d.latency_ms_p95_sum / nullif(d.inferences_p95, 0) AS latency_ms_p95,
       d.latency_ms_p95_max, d.latency_ms_max, v._file, v._line, v._stale
FROM telemetry_devices d
JOIN devices v ON v.device_id = d.device_id
WHERE d.inferences > 0
ORDER BY latency_ms_p95 DESC NULLS LAST, v.device_id
