-- id: inferences_24h
-- name_de: Inferenzen (24 h)
-- name_en: Inferences (24 h)
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- definition_de: Summe der von den Geräten gemeldeten Inferenzen in den Intervallen, die im
--   Fenster enden (standardmäßig die letzten 24 Stunden; gezählt nach der Minute des
--   Intervallendes ts). Jeder Messwert zählt einmal (Duplikate nach device_id und seq werden
--   beim Empfang verworfen). Ohne jede Telemetrie kein Wert.
-- definition_en: Sum of the inferences the devices reported for the intervals ending in the
--   window (by default the last 24 hours; counted by the minute of the interval's end, ts).
--   Every reading counts once (duplicates by device_id and seq are dropped on receipt). No
--   value without any telemetry.
-- source: telemetry, devices

SELECT CASE WHEN w.has_telemetry THEN coalesce(sum(d.inferences), 0) END AS value,
       CASE WHEN w.has_telemetry THEN coalesce(sum(d.readings), 0) END AS readings,
       CASE WHEN w.has_telemetry THEN coalesce(sum(d.readings_degraded), 0) END
           AS readings_degraded,
       CASE WHEN w.has_telemetry THEN coalesce(sum(d.readings_error), 0) END AS readings_error
FROM telemetry_window w
LEFT JOIN telemetry_devices d ON d.readings > 0
GROUP BY w.has_telemetry
-- source_rows:
SELECT v.device_id, v.deployment_id, v.device_class, d.readings, d.inferences,
       d.readings_degraded, d.readings_error, d.first_ts, d.last_ts, v._file, v._line, v._stale
FROM telemetry_devices d
JOIN devices v ON v.device_id = d.device_id
WHERE d.readings > 0
ORDER BY d.inferences DESC, v.device_id
