-- id: devices_online
-- name_de: Geräte online
-- name_en: Devices online
-- unit: count
-- audience: public
-- open_data: key_figure
-- direction: higher
-- shape: scalar
-- definition_de: Zahl der Geräte der Flotte, deren letzter Messwert (Ende des gemeldeten
--   Intervalls, ts) höchstens drei Meldeintervalle (report_interval_s des Geräts) vor dem
--   Zeitpunkt des Fensters liegt (live: jetzt). Zur Flotte gehören die registrierten Geräte,
--   die an diesem Tag installiert (installed_on leer oder am/vor dem Tag) und nicht entfernt
--   sind (removed_on leer oder danach). Ohne jede Telemetrie kein Wert.
-- definition_en: Number of fleet devices whose last reading (end of the reported interval, ts)
--   lies at most three report intervals (the device's report_interval_s) before the window's
--   moment (live: now). The fleet is the registered devices installed on that day (installed_on
--   empty or on/before it) and not removed (removed_on empty or after it). No value without
--   any telemetry.
-- source: telemetry, devices

WITH fleet AS (
    SELECT v.device_id,
           d.last_seen >= w.moment - to_seconds(3 * v.report_interval_s) AS online
    FROM devices v
    CROSS JOIN telemetry_window w
    LEFT JOIN telemetry_devices d ON d.device_id = v.device_id
    WHERE (v.installed_on IS NULL OR v.installed_on <= w.moment_date)
      AND (v.removed_on IS NULL OR v.removed_on > w.moment_date)
)
SELECT CASE WHEN w.has_telemetry THEN (SELECT count(*) FILTER (WHERE online) FROM fleet) END
           AS value,
       CASE WHEN w.has_telemetry
            THEN (SELECT count(*) FILTER (WHERE online IS NOT true) FROM fleet) END
           AS devices_offline,
       (SELECT count(*) FROM fleet) AS devices_in_fleet
FROM telemetry_window w
-- source_rows:
SELECT v.device_id, v.deployment_id, v.device_class, v.report_interval_s, d.last_seen,
       coalesce(d.last_seen >= w.moment - to_seconds(3 * v.report_interval_s), false) AS online,
       v._file, v._line, v._stale
FROM devices v
CROSS JOIN telemetry_window w
LEFT JOIN telemetry_devices d ON d.device_id = v.device_id
WHERE (v.installed_on IS NULL OR v.installed_on <= w.moment_date)
  AND (v.removed_on IS NULL OR v.removed_on > w.moment_date)
ORDER BY online DESC, v.device_id
